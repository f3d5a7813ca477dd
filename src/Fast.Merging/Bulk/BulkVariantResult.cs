namespace Fast.Merging.Bulk;

/// <summary>The outcome of one variant.</summary>
/// <param name="Variant">The variant.</param>
/// <param name="Status">Done, skipped or failed.</param>
/// <param name="Sha256">The output file's sha256 (lowercase hex) when known.</param>
/// <param name="Error">Why it failed, one line.</param>
/// <param name="Wave">The 1-based wave it ran in; 0 when it did not run.</param>
public sealed record BulkVariantResult(BulkVariant Variant, BulkVariantStatus Status, string? Sha256 = null, string? Error = null, int Wave = 0)
{
    /// <summary>What to tell although the variant ran: an input whose sha256 is not the one its recipe records (<see cref="Recipes.RecordedInputCheck"/>).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
