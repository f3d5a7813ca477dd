using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Fast.SafeTensors;

/// <summary>
/// Reserving an output's blocks up front, and recognising the errors that mean there is no room for them: a full
/// device (ENOSPC), a file over the process's file-size limit or the file system's largest file (EFBIG, e.g. under
/// <c>ulimit -f</c>), an exhausted quota (EDQUOT). Those are the environment's problem, reported as
/// <see cref="WriteFailure.OutOfSpace"/> naming the output, never as an internal error.
/// </summary>
internal static partial class DiskSpace
{
    // Linux errno values; .NET gives an IOException raised from errno the errno as its HResult.
    private const int Eintr = 4, Efbig = 27, Enospc = 28, Edquot = 122;

    // Windows HRESULTs of ERROR_HANDLE_DISK_FULL and ERROR_DISK_FULL.
    private const int HandleDiskFull = unchecked((int)0x80070027), DiskFull = unchecked((int)0x80070070);

    /// <summary>
    /// Allocates <paramref name="length"/> bytes for the file and sets its size, so a full device fails here rather
    /// than midway. On Linux through <c>fallocate</c>, whose errno says why; file systems without it just get the size.
    /// </summary>
    /// <exception cref="IOException">No room (HResult is the errno), or another I/O error.</exception>
    public static void Reserve(SafeFileHandle handle, long length)
    {
        if (OperatingSystem.IsLinux() && length > 0)
        {
            int result;
            int errno;
            do
            {
                result = Fallocate((int)handle.DangerousGetHandle(), 0, 0, length);
                errno = result == 0 ? 0 : Marshal.GetLastPInvokeError();
            }
            while (errno == Eintr);

            // Any other errno (EOPNOTSUPP, ENOSYS, EINVAL: no fallocate on this file system) leaves the size alone to
            // set below, as .NET's own preallocation does.
            if (errno is Enospc or Efbig or Edquot)
            {
                throw new IOException(Marshal.GetPInvokeErrorMessage(errno), errno);
            }
        }

        try
        {
            RandomAccess.SetLength(handle, length);
        }
        catch (ArgumentOutOfRangeException e)
        {
            // .NET's answer to EFBIG from ftruncate ("file length too large for the file system"): the length was
            // checked non-negative, so the limit is the only reason.
            throw new IOException(e.Message, Efbig);
        }
    }

    /// <summary>Whether <paramref name="e"/>, or an error it wraps, says the output has no room.</summary>
    public static bool IsExhausted(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is IOException && e.HResult is Enospc or Efbig or Edquot or HandleDiskFull or DiskFull)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The one-line failure for <paramref name="path"/>, which needed <paramref name="length"/> bytes.</summary>
    public static SafeTensorsWriteException Failure(string path, long length, Exception e)
    {
        Exception cause = e;
        while (cause.InnerException is not null && !(cause is IOException && cause.HResult is Enospc or Efbig or Edquot))
        {
            cause = cause.InnerException;
        }

        string why = cause.HResult switch
        {
            Efbig => "the file would be larger than the file-size limit (ulimit -f) or the file system allows",
            Edquot => "the disk quota is exhausted",
            _ => "no space left on the device",
        };
        return new SafeTensorsWriteException(
            path,
            WriteFailure.OutOfSpace,
            string.Create(CultureInfo.InvariantCulture, $"cannot write {length:N0} bytes: {why}; the output was not written"),
            e);
    }

    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    private static partial int Fallocate(int fd, int mode, long offset, long length);
}
