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
        if (values.Length >= Block)
        {
            FillRange(generator, type, values.Length, 0, values);
            return;
        }

        FillPerElement(generator, type, values);
    }

    /// <summary>
    /// Elements <paramref name="start"/>..+<c>values.Length</c> of <c>randn_like</c> of a tensor of
    /// <paramref name="count"/> elements (16 or more), <paramref name="generator"/> standing <paramref name="start"/>
    /// draws past where the whole tensor's draw starts (<see cref="Advance"/> or <see cref="TorchMersenneTwister.Skip"/>
    /// puts it there); <paramref name="start"/> is a multiple of 16. Element i below the last 16 comes from draws
    /// 16·⌊i/16⌋.. of its own block alone, and when <paramref name="count"/> is not a multiple of 16 the last 16 come
    /// from draws <paramref name="count"/>..+16, so ranges can be drawn side by side with the bits of one whole draw.
    /// The generator is left past the draws the range read (where a whole draw leaves it when the range is the tensor).
    /// </summary>
    public static void FillRange(TorchCpuGenerator generator, ElementType type, long count, long start, Span<float> values)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, Block);
        if (start < 0 || start % Block != 0 || start + values.Length > count)
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, $"a range of a {count}-element draw starts at a multiple of {Block} and ends inside it");
        }

        // Elements below `regularEnd` are their own block's; the rest are the redrawn last 16.
        long regularEnd = count % Block == 0 ? count : count - Block;
        int regular = (int)Math.Clamp(regularEnd - start, 0, values.Length);
        int whole = regular - (regular % Block);
        DrawBlocks(generator.Engine, type, values[..whole]);
        long drawn = start + whole;
        if (whole < regular)
        {
            // A block that straddles regularEnd: drawn whole (its 16 draws all lie before `count`), partly kept.
            Span<float> block = stackalloc float[Block];
            DrawBlocks(generator.Engine, type, block);
            block[..(regular - whole)].CopyTo(values[whole..regular]);
            drawn += Block;
        }

        if (regular < values.Length)
        {
            Span<float> last = stackalloc float[Block];
            generator.Engine.Skip(count - drawn);
            DrawBlocks(generator.Engine, type, last);
            long lastStart = count - Block;
            last[(int)(start + regular - lastStart)..(int)(start + values.Length - lastStart)].CopyTo(values[regular..]);
        }
    }

    /// <summary>
    /// The length of the next piece when a range of a draw is filled a piece at a time, each <see cref="FillRange"/>
    /// continuing from the generator the one before left: <paramref name="block"/> (a multiple of 16), or all that
    /// <paramref name="remaining"/> holds when that is less than <paramref name="block"/> + 16. A piece must not end within
    /// 16 of the range's end: after the draw's regular elements FillRange has drawn its last 16, and the generator no
    /// longer stands where a following piece would start.
    /// </summary>
    public static int NextPieceLength(int remaining, int block)
    {
        if (block <= 0 || block % Block != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(block), block, $"a piece is a positive multiple of {Block} elements");
        }

        return remaining - block < Block ? remaining : block;
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
    /// Whole blocks of 16 (<c>values.Length</c> a multiple of 16): one 32-bit draw per element, then each block's 8
    /// Box–Muller pairs. F16 and BF16 look the radius, cosine and sine up (<see cref="BoxMullerTable"/>; the same bits
    /// as <see cref="FillPerElement"/>), keeping the raw draws in the values' own memory until their block is
    /// transformed; F32 calls the transcendentals per element.
    /// </summary>
    private static void DrawBlocks(TorchMersenneTwister engine, ElementType type, Span<float> values)
    {
        Span<uint> draws = MemoryMarshal.Cast<float, uint>(values);
        engine.Fill(draws);
        if (type is ElementType.F16 or ElementType.BF16)
        {
            BoxMullerTransform.FromTable(values, BoxMullerTable.For(type), type);
            return;
        }

        int digits = Digits(type);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Uniform(draws[i], digits);
        }

        for (int i = 0; i < values.Length; i += Block)
        {
            Transform(values.Slice(i, Block), type);
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
