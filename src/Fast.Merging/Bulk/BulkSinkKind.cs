namespace Fast.Merging.Bulk;

/// <summary>Where a bulk run puts each variant's output.</summary>
public enum BulkSinkKind
{
    /// <summary>A safetensors file per variant, written under a temporary name and renamed into place when complete.</summary>
    Files,

    /// <summary>Nothing written: each variant's sha256 is the one of the file <c>fastmerge merge</c> would write.</summary>
    Hash,

    /// <summary>Computed and discarded (benchmarking).</summary>
    Null,
}
