using Fast.Merging.Api;

namespace Fast.Cli.CommandLine;

/// <summary>Process exit codes shared by every command; the failure codes are the library's <see cref="FailureExitCodes"/>, which the C ABI's <c>fm_exit_code</c> gives too.</summary>
internal static class ExitCodes
{
    /// <summary>Success; for <c>check</c>, a healthy model.</summary>
    public const int Ok = 0;

    /// <summary><c>check</c> found problems.</summary>
    public const int ProblemsFound = 1;

    /// <summary>Bad input: unreadable or malformed file, bad flag, impossible recipe.</summary>
    public const int Usage = FailureExitCodes.BadInput;

    /// <summary>
    /// No room for an output: the device is full, the file-size limit (<c>ulimit -f</c>) or a quota is reached. Nothing
    /// was written; the same command succeeds once there is room.
    /// </summary>
    public const int OutOfSpace = FailureExitCodes.NoRoom;

    /// <summary>A bug in FastMerge rather than in the input.</summary>
    public const int InternalError = FailureExitCodes.Internal;

    /// <summary>Interrupted by Ctrl+C (128 + SIGINT); SIGTERM gives 143 and SIGHUP 129 (<see cref="ConsoleCancel.ExitCode"/>).</summary>
    public const int Cancelled = FailureExitCodes.Interrupted;
}
