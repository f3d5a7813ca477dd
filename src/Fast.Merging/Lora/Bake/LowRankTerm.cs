using Fast.Kernels.LowRank;
using Fast.SafeTensors;

namespace Fast.Merging.Lora.Bake;

/// <summary>
/// One module's update to one model tensor: <c>W[rows] += ratio · scale · up · down</c>, the factors read from
/// the LoRA file when the tensor's first chunk needs them.
/// </summary>
internal sealed class LowRankTerm(SafeTensorsFile file, KohyaModule module, long rowOffset, int rows, int rank, int columns, float ratio, float scale, LowRankSum sum)
{
    public SafeTensorsFile File { get; } = file;

    public KohyaModule Module { get; } = module;

    public long RowOffset { get; } = rowOffset;

    public int Rows { get; } = rows;

    public int Rank { get; } = rank;

    public int Columns { get; } = columns;

    /// <summary>Strength for this module, rounded to binary32 as torch rounds a Python scalar multiplier.</summary>
    public float Ratio { get; } = ratio;

    /// <summary>alpha / rank in binary32.</summary>
    public float Scale { get; } = scale;

    /// <summary>How the dot products accumulate, as torch does for this module's shape.</summary>
    public LowRankSum Sum { get; } = sum;
}
