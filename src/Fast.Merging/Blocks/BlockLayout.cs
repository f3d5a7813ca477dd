namespace Fast.Merging.Blocks;

/// <summary>Which block-weight list an architecture takes.</summary>
public enum BlockLayout
{
    /// <summary>No block weights: the model merges with one global α/β and a block list is an error.</summary>
    None,

    /// <summary>SD1/SD2 UNets with 12 input and 12 output blocks: 26 values <c>BASE, IN00..IN11, M00, OUT00..OUT11</c>.</summary>
    Sd,

    /// <summary>SDXL base with 9 input and 9 output blocks: 20 values <c>BASE, IN00..IN08, M00, OUT00..OUT08</c>.</summary>
    Sdxl,
}
