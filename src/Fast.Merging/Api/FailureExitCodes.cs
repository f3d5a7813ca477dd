namespace Fast.Merging.Api;

/// <summary>
/// The process exit code of each <see cref="FailureClass"/>: what the CLI exits with, and what <c>fm_exit_code</c>
/// gives a host that runs the library in its own process and wants to exit as <c>fastmerge</c> would.
/// </summary>
public static class FailureExitCodes
{
    /// <summary>Usage or bad input.</summary>
    public const int BadInput = 2;

    /// <summary>No room for the output.</summary>
    public const int NoRoom = 3;

    /// <summary>A bug in FastMerge (sysexits' EX_SOFTWARE).</summary>
    public const int Internal = 70;

    /// <summary>Interrupted: 128 + SIGINT. The CLI exits 143 for SIGTERM and 129 for SIGHUP.</summary>
    public const int Interrupted = 130;

    /// <summary>The exit code of <paramref name="failure"/>.</summary>
    public static int Of(FailureClass failure) => failure switch
    {
        FailureClass.BadInput => BadInput,
        FailureClass.NoRoom => NoRoom,
        FailureClass.Cancelled => Interrupted,
        _ => Internal,
    };
}
