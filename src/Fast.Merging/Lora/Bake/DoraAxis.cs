namespace Fast.Merging.Lora.Bake;

/// <summary>Which channels a DoRA magnitude (<c>dora_scale</c>) holds the norms of.</summary>
internal enum DoraAxis
{
    /// <summary>One magnitude per output row: <c>dora_scale</c> is <c>out × 1 (× 1 × 1)</c> (LyCORIS <c>wd_on_out</c>).</summary>
    OutputRows,

    /// <summary>One magnitude per input channel: <c>dora_scale</c> is <c>1 × in (× 1 × 1)</c> (kohya-ss/LyCORIS' first DoRA, A1111).</summary>
    InputChannels,
}
