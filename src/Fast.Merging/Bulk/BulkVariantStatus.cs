namespace Fast.Merging.Bulk;

/// <summary>What happened to one variant.</summary>
public enum BulkVariantStatus
{
    /// <summary>Merged (written, hashed or computed, by sink).</summary>
    Done,

    /// <summary>Not run: <see cref="BulkOptions.Resume"/> found its output already complete.</summary>
    Skipped,

    /// <summary>Could not be planned or written; <see cref="BulkVariantResult.Error"/> says why. The other variants still ran.</summary>
    Failed,
}
