using System.Runtime.InteropServices;

namespace Fast.Cli.CommandLine;

/// <summary>
/// Ignores SIGXFSZ. Under a file-size limit (<c>ulimit -f</c>, a batch system's RLIMIT_FSIZE) the kernel sends it to a
/// process growing a file past the limit, and its default action kills the process with a core dump and the temp file
/// left behind. Ignored, the write fails with EFBIG instead, which the writer reports as "no room for the output"
/// (exit 3) after removing its temp file.
/// </summary>
internal static partial class FileSizeLimitSignal
{
    private const int SigXfsz = 25; // the same number on Linux (x86, arm) and macOS
    private static readonly IntPtr s_ignore = 1; // SIG_IGN

    public static void Ignore()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            _ = Signal(SigXfsz, s_ignore);
        }
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial IntPtr Signal(int signal, IntPtr handler);
}
