using Fast.Kernels.LowRank;
using Fast.SafeTensors;

namespace Fast.Merging.Lora.Bake;

/// <summary>
/// A LyCORIS LoKr module: <c>W += ratio · (w1 ⊗ w2) · scale</c> in binary32 (ComfyUI <c>comfy/weight_adapter/lokr.py</c>:
/// a factor stored as a pair is <c>torch.mm(a, b)</c> first; a 4-D <c>w2</c> makes <c>w1</c> a 1×1 kernel, which in the
/// weight's matrix view is the Kronecker product of <c>w1</c> with <c>w2</c> flattened to <c>out₂ × (in₂·kh·kw)</c>).
/// Element <c>(i, c)</c> of the product is <c>w1[i / out₂, c / cols₂] · w2[i % out₂, c % cols₂]</c>, one rounding.
/// </summary>
internal sealed class KroneckerTerm(
    SafeTensorsFile file, KroneckerModule module, long rowOffset, int rows, int columns, (int Rows, int Columns, int Rank) w1, (int Rows, int Columns, int Rank) w2, float ratio, float scale)
    : BakeTerm(rowOffset, rows, columns, ratio, scale)
{
    public override float[][] LoadFactors() =>
        [Factor(module.W1, module.W1A, module.W1B, w1), Factor(module.W2, module.W2A, module.W2B, w2)];

    public override void Apply(Span<float> target, int first, int count, float[][] factors, Span<float> scratch)
    {
        float[] a = factors[0], b = factors[1];
        float ratio = Ratio, scale = Scale;
        for (int r = 0; r < count; r++)
        {
            int i = first + r;
            int aRow = i / w2.Rows * w1.Columns, bRow = i % w2.Rows * w2.Columns;
            Span<float> row = target.Slice(r * Columns, Columns);
            for (int c = 0; c < Columns; c++)
            {
                row[c] += ratio * (a[aRow + (c / w2.Columns)] * b[bRow + (c % w2.Columns)]) * scale;
            }
        }
    }

    private float[] Factor(TensorInfo? whole, TensorInfo? left, TensorInfo? right, (int Rows, int Columns, int Rank) shape)
    {
        if (whole is not null)
        {
            return LoraFactors.Read(file, whole);
        }

        float[] product = new float[shape.Rows * shape.Columns];
        LowRankUpdate.Apply(product, LoraFactors.Read(file, left!), LoraFactors.Read(file, right!), shape.Rows, shape.Rank, shape.Columns, 1f, 1f);
        return product;
    }
}
