using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Fast.SafeTensors;

/// <summary>
/// Who a file is and which version of it: device, inode, size, modification and status-change times (ns). Two equal
/// stamps of an open file mean nobody wrote, truncated or replaced it in between (ctime moves on every write, even
/// one that restores the mtime), up to the kernel's timestamp granularity.
/// </summary>
/// <param name="Device">The device the file lives on (major &lt;&lt; 32 | minor).</param>
/// <param name="Inode">The inode number; a file replaced by a rename has another.</param>
/// <param name="Size">Bytes.</param>
/// <param name="MTimeNs">Last modification, ns since the epoch.</param>
/// <param name="CTimeNs">Last status change (any write, chmod, rename), ns since the epoch.</param>
/// <param name="IsRegularFile">False for FIFOs, devices, sockets, directories.</param>
public readonly partial record struct FileStamp(ulong Device, ulong Inode, long Size, long MTimeNs, long CTimeNs, bool IsRegularFile)
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int StatxSize = 256;
    private const ushort FileTypeMask = 0xF000;
    private const ushort RegularFileType = 0x8000;

    /// <summary>The stamp of an open file (follows no path, so a rename over it does not change the answer).</summary>
    /// <exception cref="IOException">The file cannot be queried.</exception>
    public static FileStamp Of(SafeFileHandle handle, string pathForMessages)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (!OperatingSystem.IsLinux())
        {
            return Fallback(pathForMessages);
        }

        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Query((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath, pathForMessages);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>The stamp of the file <paramref name="path"/> names (symbolic links followed), without opening it.</summary>
    /// <exception cref="FileNotFoundException">Nothing is at <paramref name="path"/>.</exception>
    /// <exception cref="IOException">The file cannot be queried.</exception>
    public static FileStamp OfPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            // The C call would stop at the NUL and query another file.
            throw new IOException($"{SafeTensorsFormatException.OneLine(path)}: the path contains a NUL character");
        }

        return OperatingSystem.IsLinux() ? Query(AtFdCwd, path, 0, path) : Fallback(path);
    }

    /// <summary>
    /// Refuses anything but a regular file before it is opened: opening a FIFO blocks until a writer comes, and
    /// devices or /proc files have no fixed size to read.
    /// </summary>
    /// <exception cref="IOException">Not a regular file (a plain <see cref="IOException"/>: bad input).</exception>
    /// <exception cref="FileNotFoundException">Nothing is at <paramref name="path"/>.</exception>
    public static void EnsureRegularFile(string path)
    {
        if (!OfPath(path).IsRegularFile)
        {
            throw new IOException($"{path}: not a regular file");
        }
    }

    private static unsafe FileStamp Query(int dirFd, string path, int flags, string pathForMessages)
    {
        byte* buffer = stackalloc byte[StatxSize];
        if (Statx(dirFd, path, flags, StatxBasicStats, buffer) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            const int ENOENT = 2;
            const int ENOTDIR = 20;
            if (errno is ENOENT or ENOTDIR)
            {
                throw new FileNotFoundException($"{pathForMessages}: no such file", pathForMessages);
            }

            throw new IOException($"{pathForMessages}: cannot query the file ({Marshal.GetPInvokeErrorMessage(errno)})");
        }

        // struct statx (linux/stat.h): the layout is the same on every architecture.
        ushort mode = *(ushort*)(buffer + 28);
        ulong inode = *(ulong*)(buffer + 32);
        long size = *(long*)(buffer + 40);
        long ctime = Nanoseconds(buffer + 96);
        long mtime = Nanoseconds(buffer + 112);
        ulong device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140);
        return new FileStamp(device, inode, size, mtime, ctime, (mode & FileTypeMask) == RegularFileType);
    }

    private static unsafe long Nanoseconds(byte* timestamp) => (*(long*)timestamp * 1_000_000_000L) + *(uint*)(timestamp + 8);

    private static FileStamp Fallback(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"{path}: no such file", path);
        }

        long mtime = (info.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks * 100;
        return new FileStamp(0, 0, info.Length, mtime, mtime, (info.Attributes & (FileAttributes.Directory | FileAttributes.Device)) == 0);
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static unsafe partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);
}
