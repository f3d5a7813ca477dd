using Fast.Kernels.LowRank;
using Fast.SafeTensors;

namespace Fast.Merging.Lora.Bake;

/// <summary>
/// One module's update to one model tensor: rows <c>[RowOffset, RowOffset + Rows)</c> of <c>W</c> (as a matrix
/// <c>Columns</c> wide) get <c>ratio · ΔW · scale</c>, rounded as torch rounds the kohya formula
/// <c>weight + ratio * delta * scale</c> in binary32. The factors are read when the tensor's first chunk needs them.
/// </summary>
internal abstract class BakeTerm(long rowOffset, int rows, int columns, float ratio, float scale)
{
    public long RowOffset { get; } = rowOffset;

    public int Rows { get; } = rows;

    public int Columns { get; } = columns;

    /// <summary>Strength for this module, rounded to binary32 as torch rounds a Python scalar multiplier.</summary>
    public float Ratio { get; } = ratio;

    /// <summary>alpha / rank in binary32 (1 where the module's maths has no alpha).</summary>
    public float Scale { get; } = scale;

    /// <summary>The factors in binary32, in the order <see cref="Apply"/> takes them.</summary>
    public abstract float[][] LoadFactors();

    /// <summary>Adds the update to <paramref name="count"/> rows of the term starting at its row <paramref name="first"/>.</summary>
    /// <param name="target">Those rows of W in binary32, <see cref="Columns"/> wide; updated in place.</param>
    /// <param name="first">The first row, counted from <see cref="RowOffset"/>.</param>
    /// <param name="count">Rows to update.</param>
    /// <param name="factors">From <see cref="LoadFactors"/>.</param>
    /// <param name="scratch">Work space of at least <c>2 · count · Columns</c> floats.</param>
    public abstract void Apply(Span<float> target, int first, int count, float[][] factors, float[] scratch);
}

/// <summary>A kohya-ss LoRA/LoCon or PEFT module: <c>ΔW = up · down</c>.</summary>
internal sealed class LowRankTerm(SafeTensorsFile file, KohyaModule module, long rowOffset, int rows, int rank, int columns, float ratio, float scale, LowRankSum sum)
    : BakeTerm(rowOffset, rows, columns, ratio, scale)
{
    public int Rank { get; } = rank;

    /// <summary>How the dot products accumulate, as torch does for this module's shape.</summary>
    public LowRankSum Sum { get; } = sum;

    public override float[][] LoadFactors() => [LoraFactors.Read(file, module.Up), LoraFactors.Read(file, module.Down)];

    public override void Apply(Span<float> target, int first, int count, float[][] factors, float[] scratch) =>
        LowRankUpdate.Apply(target, factors[0].AsSpan(first * Rank), factors[1], count, Rank, Columns, Ratio, Scale, Sum);
}
