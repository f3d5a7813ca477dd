namespace Fast.Native;

/// <summary>
/// <c>fm_status_string</c>: a constant description per status code, in pinned NUL-terminated UTF-8 that lives as long as
/// the library, so the caller never frees it (fastmerge.h).
/// </summary>
internal static unsafe class StatusNames
{
    private static readonly byte[] s_ok = NativeStrings.Pinned("success");
    private static readonly byte[] s_input = NativeStrings.Pinned("invalid input");
    private static readonly byte[] s_cancelled = NativeStrings.Pinned("cancelled");
    private static readonly byte[] s_internal = NativeStrings.Pinned("internal error");
    private static readonly byte[] s_unavailable = NativeStrings.Pinned("not available in this build");
    private static readonly byte[] s_io = NativeStrings.Pinned("no room for the output");
    private static readonly byte[] s_unknown = NativeStrings.Pinned("unknown status");

    public static byte* Describe(int status) => NativeStrings.AddressOf(status switch
    {
        Status.Ok => s_ok,
        Status.InvalidInput => s_input,
        Status.Cancelled => s_cancelled,
        Status.Internal => s_internal,
        Status.Unavailable => s_unavailable,
        Status.IoFailure => s_io,
        _ => s_unknown,
    });
}
