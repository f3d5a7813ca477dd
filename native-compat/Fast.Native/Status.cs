namespace Fast.Native;

/// <summary>
/// Return codes of every <c>fm_*</c> call; the values are ABI (see <c>fastmerge.h</c>). Each failure status is one
/// <see cref="Fast.Merging.Api.FailureClass"/>, the class the CLI turns into its exit code (<see cref="StatusExitCodes"/>).
/// </summary>
internal static class Status
{
    /// <summary>FM_OK.</summary>
    public const int Ok = 0;

    /// <summary>FM_E_INPUT: bad argument, request, recipe or model file; the caller can fix it.</summary>
    public const int InvalidInput = 1;

    /// <summary>FM_E_CANCELLED: the progress callback asked to stop; no output was left behind.</summary>
    public const int Cancelled = 2;

    /// <summary>FM_E_INTERNAL: a bug in FastMerge.</summary>
    public const int Internal = 3;

    /// <summary>
    /// FM_E_UNAVAILABLE: kept in fastmerge.h for callers written against builds without bulk; no export returns it now,
    /// but <c>fm_status_string</c> still names it.
    /// </summary>
    public const int Unavailable = 4;

    /// <summary>
    /// FM_E_IO: no room for the output (device full, file-size limit, quota); nothing was written, and the same call
    /// succeeds once there is room. The CLI exits 3 for the same outcome. Other failures to read or open a file are
    /// <see cref="InvalidInput"/>, as the CLI reports them (exit 2).
    /// </summary>
    public const int IoFailure = 5;
}
