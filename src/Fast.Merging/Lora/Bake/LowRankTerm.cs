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

    /// <summary>Floats of scratch <see cref="Apply"/> needs per element of the rows it updates (0: none).</summary>
    public virtual int ScratchPerElement => 0;

    /// <summary>The term needs all its rows in one call (DoRA's per-input-channel norms run down every row).</summary>
    public virtual bool NeedsAllRows => false;

    /// <summary>The factors in binary32, in the order <see cref="Apply"/> takes them.</summary>
    public abstract float[][] LoadFactors();

    /// <summary>Adds the update to <paramref name="count"/> rows of the term starting at its row <paramref name="first"/>.</summary>
    /// <param name="target">Those rows of W in binary32, <see cref="Columns"/> wide; updated in place.</param>
    /// <param name="first">The first row, counted from <see cref="RowOffset"/>.</param>
    /// <param name="count">Rows to update.</param>
    /// <param name="factors">From <see cref="LoadFactors"/>.</param>
    /// <param name="scratch">Work space of at least <see cref="ScratchPerElement"/> · <c>count · Columns</c> floats.</param>
    public abstract void Apply(Span<float> target, int first, int count, float[][] factors, Span<float> scratch);
}

/// <summary>
/// A kohya-ss LoRA/LoCon or PEFT module: <c>ΔW = up · down</c>. <paramref name="loraColumns"/> below
/// <paramref name="columns"/>: the update covers only each row's first columns (a 4-channel conv_in LoRA on a
/// 9-channel inpainting conv_in, zero-padded as A1111 does).
/// </summary>
internal sealed class LowRankTerm(SafeTensorsFile file, KohyaModule module, long rowOffset, int rows, int rank, int columns, float ratio, float scale, LowRankSum sum, int loraColumns)
    : BakeTerm(rowOffset, rows, columns, ratio, scale)
{
    public int Rank { get; } = rank;

    /// <summary>How the dot products accumulate, as torch does for this module's shape.</summary>
    public LowRankSum Sum { get; } = sum;

    /// <summary>The update covers fewer columns than the weight has (the inpainting conv_in); it then needs scratch rows.</summary>
    public bool Padded => loraColumns != Columns;

    public override int ScratchPerElement => Padded ? 1 : 0;

    public override float[][] LoadFactors() => [LoraFactors.Read(file, module.Up), LoraFactors.Read(file, module.Down)];

    public override void Apply(Span<float> target, int first, int count, float[][] factors, Span<float> scratch)
    {
        if (!Padded)
        {
            LowRankUpdate.Apply(target, factors[0].AsSpan(first * Rank), factors[1], count, Rank, Columns, Ratio, Scale, Sum);
            return;
        }

        // ratio · dot · scale into zeroed rows (0 + d is d), then added: the same two roundings as in place.
        Span<float> delta = scratch[..(count * loraColumns)];
        delta.Clear();
        LowRankUpdate.Apply(delta, factors[0].AsSpan(first * Rank), factors[1], count, Rank, loraColumns, Ratio, Scale, Sum);
        for (int r = 0; r < count; r++)
        {
            Span<float> row = target.Slice(r * Columns, loraColumns);
            ReadOnlySpan<float> add = delta.Slice(r * loraColumns, loraColumns);
            for (int j = 0; j < loraColumns; j++)
            {
                row[j] += add[j];
            }
        }
    }
}
