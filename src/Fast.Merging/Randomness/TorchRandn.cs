using System.Runtime.InteropServices;
using Fast.Kernels;

namespace Fast.Merging.Randomness;

/// <summary>
/// <c>torch.randn_like(t)</c> on the CPU as torch 1.13 computes it (<c>normal_kernel</c>), values as stored in t's
/// dtype, widened to f32:
/// <list type="bullet">
/// <item>16 elements or more (a contiguous tensor): every element first gets a uniform from one 32-bit draw (its dtype's
/// mantissa bits: 11 for F16, 8 for BF16, 24 for F32), then each block of 16 becomes 8 Box–Muller pairs
/// (<c>normal_fill_16</c>); when the count is not a multiple of 16 the last 16 elements are drawn again and recomputed.
/// The arithmetic is the template's own in each dtype: F16 rounds where c10::Half stores, BF16 also rounds the results
/// of log, sqrt and cos/sin (its std overloads return BFloat16), F32 is torch's portable kernel (glibc's logf, cosf,
/// sinf, as <see cref="MathF"/> calls them).</item>
/// <item>Fewer than 16: one <c>normal_distribution&lt;double&gt;</c> draw per element (<see cref="TorchCpuGenerator"/>)
/// rounded to the dtype.</item>
/// </list>
/// torch's AVX2 build replaces the F32 transform (16 or more elements) by a polynomial log/sincos compiled with fused
/// multiply-adds; this class follows the portable kernel (<c>ATEN_CPU_CAPABILITY=default</c>), which differs from it
/// by 1 ulp in about 1% of F32 draws. F16 and BF16 are the same on every CPU.
/// </summary>
public static class TorchRandn
{
    private const int Block = 16;

    /// <summary>The dtypes randn_like draws in.</summary>
    public static bool Supports(ElementType type) => type is ElementType.F16 or ElementType.BF16 or ElementType.F32;

    /// <summary>Fills <paramref name="values"/> as <c>randn_like</c> of a tensor of that many elements of <paramref name="type"/>.</summary>
    public static void Fill(TorchCpuGenerator generator, ElementType type, Span<float> values)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (values.Length >= Block && type is ElementType.F16 or ElementType.BF16)
        {
            FillFromTable(generator.Engine, type, values);
            return;
        }

        FillPerElement(generator, type, values);
    }

    /// <summary>
    /// <see cref="Fill"/> with every transcendental called per element, as torch's kernel does: what F32 runs, and the
    /// oracle the table-driven F16 and BF16 draws are tested against.
    /// </summary>
    internal static void FillPerElement(TorchCpuGenerator generator, ElementType type, Span<float> values)
    {
        ArgumentNullException.ThrowIfNull(generator);
        int n = values.Length;
        if (n < Block)
        {
            for (int i = 0; i < n; i++)
            {
                values[i] = Round((float)generator.NextStandardNormal(), type);
            }

            return;
        }

        int digits = Digits(type);
        TorchMersenneTwister engine = generator.Engine;
        for (int i = 0; i < n; i++)
        {
            values[i] = Uniform(engine.NextUInt32(), digits);
        }

        for (int i = 0; i + Block <= n; i += Block)
        {
            Transform(values.Slice(i, Block), type);
        }

        if (n % Block != 0)
        {
            Span<float> last = values[(n - Block)..];
            for (int i = 0; i < Block; i++)
            {
                last[i] = Uniform(engine.NextUInt32(), digits);
            }

            Transform(last, type);
        }
    }

    /// <summary>
    /// Moves <paramref name="generator"/> past what <see cref="Fill"/> would draw for <paramref name="count"/> elements,
    /// without computing the values of a large tensor (a small one draws: it may leave a cached sample).
    /// </summary>
    public static void Advance(TorchCpuGenerator generator, ElementType type, long count)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (count < Block)
        {
            Span<float> scratch = stackalloc float[Block];
            FillPerElement(generator, type, scratch[..(int)count]);
            return;
        }

        generator.Engine.Skip(count + (count % Block != 0 ? Block : 0));
    }

    /// <summary>
    /// F16 and BF16 tensors of 16 elements or more: the same draws and blocks as <see cref="FillPerElement"/>, with the
    /// radius, cosine and sine looked up (<see cref="BoxMullerTable"/>). The raw draws are kept in the values' own memory
    /// until their block is transformed; F16's final rounding is one vectorised pass at the end.
    /// </summary>
    private static void FillFromTable(TorchMersenneTwister engine, ElementType type, Span<float> values)
    {
        BoxMullerTable table = BoxMullerTable.For(type);
        int n = values.Length;
        Span<uint> draws = MemoryMarshal.Cast<float, uint>(values);
        engine.Fill(draws);
        for (int i = 0; i + Block <= n; i += Block)
        {
            TransformFromTable(draws.Slice(i, Block), values.Slice(i, Block), table, type);
        }

        if (n % Block != 0)
        {
            engine.Fill(draws[(n - Block)..]);
            TransformFromTable(draws[(n - Block)..], values[(n - Block)..], table, type);
        }

        if (type == ElementType.F16)
        {
            ElementConvert.RoundTo(values, type);
        }
    }

    /// <summary>
    /// One block of 16: <paramref name="draws"/> and <paramref name="d"/> are the same memory, and pair j reads its two
    /// draws (j and j + 8) before it writes those two places. F16 is left unrounded (<see cref="FillFromTable"/> rounds).
    /// </summary>
    private static void TransformFromTable(ReadOnlySpan<uint> draws, Span<float> d, BoxMullerTable table, ElementType type)
    {
        uint mask = table.Mask;
        float[] radii = table.Radius, cosines = table.Cos, sines = table.Sin;
        for (int j = 0; j < 8; j++)
        {
            float radius = radii[draws[j] & mask];
            uint k = draws[j + 8] & mask;
            float cos = cosines[k], sin = sines[k];
            if (type == ElementType.F16)
            {
                d[j] = (radius * cos * 1f) + 0f;
                d[j + 8] = (radius * sin * 1f) + 0f;
            }
            else
            {
                d[j] = Round(Round(Round(radius * cos, type) * 1f, type) + 0f, type);
                d[j + 8] = Round(Round(Round(radius * sin, type) * 1f, type) + 0f, type);
            }
        }
    }

    private static int Digits(ElementType type) => type switch
    {
        ElementType.F16 => 11,
        ElementType.BF16 => 8,
        ElementType.F32 => 24,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "randn_like draws in F16, BF16 or F32 only"),
    };

    /// <summary><c>uniform_real_distribution</c>: the low <paramref name="digits"/> bits over 2^digits (exact in the dtype).</summary>
    private static float Uniform(uint bits, int digits) => (bits & ((1u << digits) - 1)) * (1.0f / (1u << digits));

    /// <summary><c>normal_fill_16</c> in the dtype's own arithmetic (mean 0, std 1).</summary>
    private static void Transform(Span<float> d, ElementType type)
    {
        for (int j = 0; j < 8; j++)
        {
            switch (type)
            {
                case ElementType.F16:
                {
                    float u1 = Round(1f - d[j], type);
                    float u2 = d[j + 8];
                    float radius = Round(MathF.Sqrt(-2f * MathF.Log(u1)), type);
                    float theta = Round((float)(2.0 * Math.PI * u2), type);
                    d[j] = Round((radius * MathF.Cos(theta) * 1f) + 0f, type);
                    d[j + 8] = Round((radius * MathF.Sin(theta) * 1f) + 0f, type);
                    break;
                }

                case ElementType.BF16:
                {
                    // c10's std::log/sqrt/cos/sin of a BFloat16 return BFloat16, and every BFloat16 op stores.
                    float u1 = Round(1f - d[j], type);
                    float u2 = d[j + 8];
                    float radius = Round(MathF.Sqrt(Round(-2f * Round(MathF.Log(u1), type), type)), type);
                    float theta = Round((float)(2.0 * Math.PI * u2), type);
                    d[j] = Round(Round(Round(radius * Round(MathF.Cos(theta), type), type) * 1f, type) + 0f, type);
                    d[j + 8] = Round(Round(Round(radius * Round(MathF.Sin(theta), type), type) * 1f, type) + 0f, type);
                    break;
                }

                default:
                {
                    float u1 = 1f - d[j];
                    float u2 = d[j + 8];
                    float radius = MathF.Sqrt(-2f * MathF.Log(u1));
                    float theta = (float)(2.0 * Math.PI * u2);
                    d[j] = (radius * MathF.Cos(theta) * 1f) + 0f;
                    d[j + 8] = (radius * MathF.Sin(theta) * 1f) + 0f;
                    break;
                }
            }
        }
    }

    /// <summary>Rounds to the nearest value of <paramref name="type"/> (ties to even), as c10's Half and BFloat16 store.</summary>
    internal static float Round(float value, ElementType type) => type switch
    {
        ElementType.F16 => (float)(Half)value,
        ElementType.BF16 => RoundToBFloat16(value),
        _ => value,
    };

    private static float RoundToBFloat16(float value)
    {
        if (float.IsNaN(value))
        {
            return value;
        }

        uint bits = BitConverter.SingleToUInt32Bits(value);
        bits += 0x7fffu + ((bits >> 16) & 1u);
        return BitConverter.UInt32BitsToSingle(bits & 0xffff0000u);
    }
}
