using Fast.Merging.Api;

namespace Fast.Native;

/// <summary>
/// <c>fm_exit_code</c>: the exit code the <c>fastmerge</c> CLI gives for the outcome a status reports, so a host that
/// wraps the library in its own command line exits as the CLI would (0, 2, 3, 70, 130). A status this build does not
/// return (FM_E_UNAVAILABLE) or does not know gives 70, "internal error".
/// </summary>
internal static class StatusExitCodes
{
    public static int Of(int status) => status switch
    {
        Status.Ok => 0,
        Status.InvalidInput => FailureExitCodes.Of(FailureClass.BadInput),
        Status.IoFailure => FailureExitCodes.Of(FailureClass.NoRoom),
        Status.Cancelled => FailureExitCodes.Of(FailureClass.Cancelled),
        _ => FailureExitCodes.Of(FailureClass.Internal),
    };
}
