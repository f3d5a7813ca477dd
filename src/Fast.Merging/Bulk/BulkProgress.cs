namespace Fast.Merging.Bulk;

/// <summary>Progress of a bulk run.</summary>
/// <param name="VariantsDone">Variants finished (done, skipped or failed).</param>
/// <param name="VariantsTotal">Variants in the run.</param>
/// <param name="BytesDone">Output bytes produced so far, over all variants.</param>
/// <param name="BytesTotal">Output bytes of the variants in the waves started so far (grows wave by wave).</param>
/// <param name="VariantsStarted">Variants finished or in a started wave: those <paramref name="BytesTotal"/> covers, plus any that failed or were skipped while planning.</param>
public readonly record struct BulkProgress(int VariantsDone, int VariantsTotal, long BytesDone, long BytesTotal, int VariantsStarted);
