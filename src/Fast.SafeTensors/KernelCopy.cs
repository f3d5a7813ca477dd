using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Fast.SafeTensors;

/// <summary>
/// Copies a byte range from one file to another inside the kernel (<c>copy_file_range</c>, what <c>cp</c> does), so
/// untouched tensors stream at copy speed: no trip through a user buffer, one page-cache copy instead of two (or a
/// shared extent on file systems that reflink). Linux only; elsewhere, or where the kernel refuses (another file
/// system, an old kernel), <see cref="TryCopy"/> copies nothing and says so, and the caller reads and writes.
/// </summary>
internal static partial class KernelCopy
{
    private const int Eintr = 4, Eio = 5, Ebadf = 9, Efbig = 27, Enospc = 28, Enosys = 38, Edquot = 122;

    /// <summary>Largest request per call: bounded so a cancelled run stops soon and the write-back is kicked often.</summary>
    private const long CallBytes = 16L << 20;

    private static volatile bool s_unsupported = !OperatingSystem.IsLinux();

    /// <summary>
    /// Copies <paramref name="length"/> bytes at <paramref name="sourcePosition"/> of <paramref name="source"/> to
    /// <paramref name="destinationPosition"/> of <paramref name="destination"/>, calling <paramref name="copied"/> after
    /// each piece.
    /// </summary>
    /// <returns>
    /// The bytes copied: <paramref name="length"/>, or fewer when the kernel cannot copy between these files (copy the rest
    /// by reading and writing) or the source ended early (the caller's read of the rest reports the shrunk file).
    /// </returns>
    /// <exception cref="IOException">No room for the output (HResult is the errno) or an I/O error.</exception>
    public static long TryCopy(SafeFileHandle source, long sourcePosition, SafeFileHandle destination, long destinationPosition, long length, Action<long> copied)
    {
        if (s_unsupported || length <= 0)
        {
            return 0;
        }

        bool sourceAdded = false, destinationAdded = false;
        long done = 0;
        try
        {
            source.DangerousAddRef(ref sourceAdded);
            destination.DangerousAddRef(ref destinationAdded);
            int input = (int)source.DangerousGetHandle(), output = (int)destination.DangerousGetHandle();
            while (done < length)
            {
                long inAt = sourcePosition + done, outAt = destinationPosition + done;
                nint result = CopyFileRange(input, ref inAt, output, ref outAt, (nuint)Math.Min(CallBytes, length - done), 0);
                if (result > 0)
                {
                    done += result;
                    copied(result);
                    continue;
                }

                if (result == 0)
                {
                    return done; // the source ends here
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno == Eintr)
                {
                    continue;
                }

                if (errno is Enospc or Efbig or Edquot or Eio or Ebadf)
                {
                    throw new IOException(Marshal.GetPInvokeErrorMessage(errno), errno);
                }

                // EXDEV, EINVAL, ENOSYS, EOPNOTSUPP: not between these files on this system. Remember a missing
                // syscall for the run; the others may depend on the files.
                if (errno == Enosys)
                {
                    s_unsupported = true;
                }

                return done;
            }

            return done;
        }
        finally
        {
            if (destinationAdded)
            {
                destination.DangerousRelease();
            }

            if (sourceAdded)
            {
                source.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial nint CopyFileRange(int inputFd, ref long inputOffset, int outputFd, ref long outputOffset, nuint length, uint flags);
}
