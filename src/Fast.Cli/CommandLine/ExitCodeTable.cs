namespace Fast.Cli.CommandLine;

/// <summary>
/// The one table of exit codes, printed by <c>fastmerge --help</c> and written into docs/cli.md, with the status the C
/// ABI (native-compat/include/fastmerge.h) returns for the same class of outcome. Both decide the class with the same
/// <c>Fast.Merging.Api.FailureClassifier</c>, and <c>fm_exit_code(status)</c> gives back the code of the first column.
/// </summary>
internal static class ExitCodeTable
{
    public sealed record Row(int Code, string Meaning, string CStatus);

    public static readonly IReadOnlyList<Row> Rows =
    [
        new(ExitCodes.Ok, "done; for check, every model healthy", "FM_OK (0)"),
        new(ExitCodes.ProblemsFound, "findings: check found problems, or some bulk variants failed (the others were written)", "no status of its own: fm_check_json is FM_OK (0) with \"healthy\": false; failed bulk variants are FM_E_INPUT (1)"),
        new(ExitCodes.Usage, "usage or bad input: unknown command or option, bad value, missing, unreadable or malformed file, impossible recipe, output exists without --overwrite", "FM_E_INPUT (1)"),
        new(ExitCodes.OutOfSpace, "no room for the output (disk full, ulimit -f, quota); nothing was written", "FM_E_IO (5)"),
        new(ExitCodes.InternalError, "internal error: a bug in FastMerge (FASTMERGE_DEBUG=1 prints the trace)", "FM_E_INTERNAL (3)"),
        new(ExitCodes.Cancelled, "interrupted by Ctrl+C (SIGTERM gives 143, SIGHUP 129); no partial output is left", "FM_E_CANCELLED (2, the progress callback asked to stop)"),
    ];
}
