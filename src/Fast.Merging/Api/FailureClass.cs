namespace Fast.Merging.Api;

/// <summary>
/// The classes of failure every front end reports alike: the CLI turns each into one exit code, the C ABI into one
/// status (docs/cli.md, "Exit codes", has the table). <see cref="FailureClassifier"/> decides the class once for both.
/// </summary>
public enum FailureClass
{
    /// <summary>The caller can fix it: a bad option or request, a missing, unreadable or malformed file, an impossible recipe, an output that exists. CLI 2, FM_E_INPUT.</summary>
    BadInput,

    /// <summary>No room for the output (device full, file-size limit, quota); nothing was written. CLI 3, FM_E_IO.</summary>
    NoRoom,

    /// <summary>Stopped on request (Ctrl+C, a signal, the progress callback); no partial output was left. CLI 130, FM_E_CANCELLED.</summary>
    Cancelled,

    /// <summary>A bug in FastMerge rather than in the input. CLI 70, FM_E_INTERNAL.</summary>
    Internal,
}
