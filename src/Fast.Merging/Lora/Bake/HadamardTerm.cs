using Fast.Kernels.LowRank;
using Fast.SafeTensors;

namespace Fast.Merging.Lora.Bake;

/// <summary>
/// A LyCORIS LoHa module: <c>W += ratio · ((w1_a · w1_b) ⊙ (w2_a · w2_b)) · scale</c> in binary32 (ComfyUI
/// <c>comfy/weight_adapter/loha.py</c>: <c>torch.mm</c> of each pair, their elementwise product, then the strength
/// and <c>alpha / rank</c>). Each pair's product is the same k-ordered, separately rounded dot product as
/// <c>torch.mm</c> on the reference BLAS, computed by the low-rank kernel into scratch rows.
/// </summary>
internal sealed class HadamardTerm(SafeTensorsFile file, HadamardModule module, long rowOffset, int rows, int rank1, int rank2, int columns, float ratio, float scale)
    : BakeTerm(rowOffset, rows, columns, ratio, scale)
{
    public override float[][] LoadFactors() =>
        [LoraFactors.Read(file, module.W1A), LoraFactors.Read(file, module.W1B), LoraFactors.Read(file, module.W2A), LoraFactors.Read(file, module.W2B)];

    public override int ScratchPerElement => 2;

    public override void Apply(Span<float> target, int first, int count, float[][] factors, Span<float> scratch)
    {
        int n = count * Columns;
        Span<float> m1 = scratch[..n], m2 = scratch.Slice(n, n);
        m1.Clear();
        m2.Clear();

        // 0 + dot · 1 · 1 is the dot product itself.
        LowRankUpdate.Apply(m1, factors[0].AsSpan(first * rank1), factors[1], count, rank1, Columns, 1f, 1f);
        LowRankUpdate.Apply(m2, factors[2].AsSpan(first * rank2), factors[3], count, rank2, Columns, 1f, 1f);
        float ratio = Ratio, scale = Scale;
        for (int e = 0; e < n; e++)
        {
            target[e] += ratio * (m1[e] * m2[e]) * scale;
        }
    }
}
