namespace Fast.Merging.Bulk;

/// <summary>Progress of a bulk run.</summary>
/// <param name="VariantsDone">Variants finished (done, skipped or failed).</param>
/// <param name="VariantsTotal">Variants in the run.</param>
/// <param name="BytesDone">Output bytes produced so far, over all variants.</param>
/// <param name="BytesTotal">Output bytes of the variants planned so far (grows as waves are planned).</param>
public readonly record struct BulkProgress(int VariantsDone, int VariantsTotal, long BytesDone, long BytesTotal);
