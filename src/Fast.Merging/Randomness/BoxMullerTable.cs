using Fast.Kernels;

namespace Fast.Merging.Randomness;

/// <summary>
/// The transcendental half of torch's <c>normal_fill_16</c> in F16 and BF16, done once per process: a uniform of those
/// dtypes is one of 2^11 (F16) or 2^8 (BF16) values, so the radius <c>sqrt(−2·log(1 − u1))</c> and the cosine and sine of
/// <c>2π·u2</c>, with every rounding the dtype's own arithmetic does, take that few values too. Each is computed by the
/// very calls <see cref="TorchRandn"/> made per element (glibc's logf, cosf, sinf through <see cref="MathF"/>), so a
/// lookup gives the same bits as the call; only the products with the radius are left per element.
/// </summary>
internal sealed class BoxMullerTable
{
    private static readonly Lazy<BoxMullerTable> s_f16 = new(() => new BoxMullerTable(ElementType.F16, 11));
    private static readonly Lazy<BoxMullerTable> s_bf16 = new(() => new BoxMullerTable(ElementType.BF16, 8));

    private BoxMullerTable(ElementType type, int digits)
    {
        int count = 1 << digits;
        Mask = (uint)count - 1;
        Radius = new float[count];
        Cos = new float[count];
        Sin = new float[count];
        CosSin = new float[2 * count];
        for (int k = 0; k < count; k++)
        {
            float u = k * (1.0f / count);
            (Radius[k], Cos[k], Sin[k]) = type == ElementType.F16 ? HalfParts(u) : BFloat16Parts(u);
            CosSin[2 * k] = Cos[k];
            CosSin[(2 * k) + 1] = Sin[k];
        }
    }

    /// <summary>The low bits of a 32-bit draw that make its uniform (<c>uniform_real_distribution</c>'s digits).</summary>
    public uint Mask { get; }

    /// <summary>The radius for the uniform of draw k as u1, in the dtype.</summary>
    public float[] Radius { get; }

    /// <summary>The cosine for the uniform of draw k as u2: binary32 for F16 (c10::Half's std::cos is float's), stored for BF16.</summary>
    public float[] Cos { get; }

    /// <summary>The sine, as <see cref="Cos"/>.</summary>
    public float[] Sin { get; }

    /// <summary>
    /// <see cref="Cos"/> and <see cref="Sin"/> interleaved, entry k's cosine at 2k and sine at 2k + 1: one 64-bit gather
    /// fetches both, half the gathered elements of two 32-bit gathers.
    /// </summary>
    public float[] CosSin { get; }

    public static BoxMullerTable For(ElementType type) => type switch
    {
        ElementType.F16 => s_f16.Value,
        ElementType.BF16 => s_bf16.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "only F16 and BF16 uniforms take few enough values for a table"),
    };

    private static (float Radius, float Cos, float Sin) HalfParts(float u)
    {
        const ElementType T = ElementType.F16;
        float u1 = TorchRandn.Round(1f - u, T);
        float radius = TorchRandn.Round(MathF.Sqrt(-2f * MathF.Log(u1)), T);
        float theta = TorchRandn.Round((float)(2.0 * Math.PI * u), T);
        return (radius, MathF.Cos(theta), MathF.Sin(theta));
    }

    private static (float Radius, float Cos, float Sin) BFloat16Parts(float u)
    {
        // c10's std::log/sqrt/cos/sin of a BFloat16 return BFloat16, and every BFloat16 op stores.
        const ElementType T = ElementType.BF16;
        float u1 = TorchRandn.Round(1f - u, T);
        float radius = TorchRandn.Round(MathF.Sqrt(TorchRandn.Round(-2f * TorchRandn.Round(MathF.Log(u1), T), T)), T);
        float theta = TorchRandn.Round((float)(2.0 * Math.PI * u), T);
        return (radius, TorchRandn.Round(MathF.Cos(theta), T), TorchRandn.Round(MathF.Sin(theta), T));
    }
}
