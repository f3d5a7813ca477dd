namespace Fast.Merging.Bulk;

/// <summary>What a bulk run did.</summary>
public sealed record BulkResult
{
    /// <summary>Every variant's outcome, in plan order.</summary>
    public required IReadOnlyList<BulkVariantResult> Variants { get; init; }

    /// <summary>How many waves ran; the inputs were read once per wave.</summary>
    public int Waves { get; init; }

    /// <summary>Output bytes produced, over all variants that ran (tensor data, header excluded).</summary>
    public long BytesProduced { get; init; }

    /// <summary>Wall-clock time of the run.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>True when no variant failed.</summary>
    public bool Succeeded => Variants.All(v => v.Status != BulkVariantStatus.Failed);
}
