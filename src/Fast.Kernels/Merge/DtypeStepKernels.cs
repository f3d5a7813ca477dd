using System.Runtime.InteropServices;
using Fast.Kernels.Merge.Operators;
using Fast.Kernels.Simd;

namespace Fast.Kernels;

/// <summary>
/// torch's eager arithmetic on stored tensors, one op at a time: a tensor of dtype T times a Python float stores the
/// float in T, takes the product in binary32 and stores it in T; the sum of two tensors is taken in binary32 and stored
/// in their promoted dtype (T when both are T, else F32). supermerger's "old calc method" and its calcmodes
/// <c>self</c> and <c>plus random</c> are written this way, so every intermediate is rounded where torch rounds it.
/// Inputs are F16, BF16 or F32; the result is converted to the destination type at the end. Plus random's sum and the
/// sums of inputs of one dtype run their rounded ops fused in one pass of the stored driver; sums of mixed dtypes widen
/// each L1-sized block once and make every op one SIMD pass over it (the rounding is the same in every lane width).
/// </summary>
public static class DtypeStepKernels
{
    private const int Block = StoredDriver.BlockElements;

    /// <summary>True for the dtypes this reproduces (torch's F16, BF16 and F32 arithmetic).</summary>
    public static bool Supports(ElementType type) => type is ElementType.F16 or ElementType.BF16 or ElementType.F32;

    /// <summary>Calcmode <c>self</c>: <c>A * factor</c> in A's dtype.</summary>
    public static void Scale(ReadOnlySpan<byte> a, ElementType aType, double factor, Span<byte> destination, ElementType destinationType)
    {
        int n = Check(a, aType, destination, destinationType);
        float stored = StoredScalar(factor, aType);
        Span<float> x = stackalloc float[Block];
        for (int start = 0; start < n; start += Block)
        {
            int len = Math.Min(Block, n - start);
            Span<float> xs = Load(a, aType, start, len, x);
            MultiplyRounded(xs, stored, aType);
            Store(xs, destination, destinationType, start);
        }
    }

    /// <summary>
    /// Calcmode <c>plus random</c>: <c>A + noise * factor</c> in A's dtype, where <paramref name="noise"/> holds values
    /// of A's dtype (torch's <c>randn_like(A)</c>) widened to binary32. One pass per block (A widened, the two rounded
    /// ops fused, the result narrowed): the op-by-op passes cost more than drawing the noise.
    /// </summary>
    public static void AddScaled(
        ReadOnlySpan<byte> a, ElementType aType, ReadOnlySpan<float> noise, double factor, Span<byte> destination, ElementType destinationType)
    {
        int n = Check(a, aType, destination, destinationType);
        Guard.SameLength(n, noise.Length, nameof(noise));
        float stored = StoredScalar(factor, aType);
        ReadOnlySpan<byte> noiseBytes = MemoryMarshal.AsBytes(noise);
        switch (aType)
        {
            case ElementType.F16 when destinationType == ElementType.F16:
                // The sum's rounding to F16 is the narrowing's own (AddScaledNarrowedOperator): one rounding less.
                StoredDriver.Run(a, aType, noiseBytes, ElementType.F32, destination, destinationType, new AddScaledNarrowedOperator<F16RoundTrip>(stored));
                break;
            case ElementType.F16:
                StoredDriver.Run(a, aType, noiseBytes, ElementType.F32, destination, destinationType, new AddScaledRoundedOperator<F16RoundTrip>(stored));
                break;
            case ElementType.BF16:
                StoredDriver.Run(a, aType, noiseBytes, ElementType.F32, destination, destinationType, new AddScaledRoundedOperator<BF16RoundTrip>(stored));
                break;
            default:
                StoredDriver.Run(a, aType, noiseBytes, ElementType.F32, destination, destinationType, new AddScaledRoundedOperator<IdentityRoundTrip>(stored));
                break;
        }
    }

    /// <summary>
    /// Weighted sum by the old calc method: α exactly 1 takes B and 0 keeps A (converted), else
    /// <c>(1 − α)·A + α·B</c>.
    /// </summary>
    public static void WeightedSum(
        ReadOnlySpan<byte> a, ElementType aType, ReadOnlySpan<byte> b, ElementType bType, double alpha, Span<byte> destination, ElementType destinationType)
    {
        int n = Check(a, aType, destination, destinationType);
        Guard.SameLength(n, Guard.ElementCount(b, bType, nameof(b)), nameof(b));
        CheckType(bType, nameof(bType));
        if (alpha == 1)
        {
            ElementConvert.Convert(b, bType, destination, destinationType);
            return;
        }

        if (alpha == 0)
        {
            ElementConvert.Convert(a, aType, destination, destinationType);
            return;
        }

        float fa = StoredScalar(1 - alpha, aType), fb = StoredScalar(alpha, bType);
        if (aType == bType)
        {
            // One dtype (the usual case): the three rounded ops fused into one pass of the stored driver, which keeps
            // F16 in its single-pass pair path; the same ops lane by lane as the blocks below.
            WeightedSumOneType(a, b, aType, fa, fb, destination, destinationType);
            return;
        }

        ElementType promoted = Promoted(aType, bType);
        Span<float> x = stackalloc float[Block];
        Span<float> y = stackalloc float[Block];
        for (int start = 0; start < n; start += Block)
        {
            int len = Math.Min(Block, n - start);
            Span<float> xs = Load(a, aType, start, len, x), ys = Load(b, bType, start, len, y);
            MultiplyRounded(xs, fa, aType);
            MultiplyRounded(ys, fb, bType);
            AddRounded(xs, ys, promoted);
            Store(xs, destination, destinationType, start);
        }
    }

    private static void WeightedSumOneType(
        ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ElementType type, float fa, float fb, Span<byte> destination, ElementType destinationType)
    {
        switch (type)
        {
            case ElementType.F16:
                StoredDriver.Run(a, type, b, type, destination, destinationType, new WeightedSumRoundedOperator<F16RoundTrip>(fa, fb));
                break;
            case ElementType.BF16:
                StoredDriver.Run(a, type, b, type, destination, destinationType, new WeightedSumRoundedOperator<BF16RoundTrip>(fa, fb));
                break;
            default:
                StoredDriver.Run(a, type, b, type, destination, destinationType, new WeightedSumRoundedOperator<IdentityRoundTrip>(fa, fb));
                break;
        }
    }

    /// <summary>Sum twice by the old calc method: <c>(1 − β)·((1 − α)·A + α·B) + β·C</c>.</summary>
    public static void SumTwice(
        ReadOnlySpan<byte> a, ElementType aType, ReadOnlySpan<byte> b, ElementType bType, ReadOnlySpan<byte> c, ElementType cType,
        double alpha, double beta, Span<byte> destination, ElementType destinationType) =>
        ThreeTerms(a, aType, b, bType, c, cType, 1 - alpha, alpha, 1 - beta, beta, destination, destinationType);

    /// <summary>Triple sum by the old calc method: <c>(1 − α − β)·A + α·B + β·C</c>, left to right.</summary>
    public static void TripleSum(
        ReadOnlySpan<byte> a, ElementType aType, ReadOnlySpan<byte> b, ElementType bType, ReadOnlySpan<byte> c, ElementType cType,
        double alpha, double beta, Span<byte> destination, ElementType destinationType) =>
        ThreeTerms(a, aType, b, bType, c, cType, 1 - alpha - beta, alpha, null, beta, destination, destinationType);

    /// <summary>
    /// <c>first = factorA·A + factorB·B</c>, then <c>firstFactor·first + factorC·C</c> (the first sum unscaled when
    /// <paramref name="firstFactor"/> is null).
    /// </summary>
    private static void ThreeTerms(
        ReadOnlySpan<byte> a, ElementType aType, ReadOnlySpan<byte> b, ElementType bType, ReadOnlySpan<byte> c, ElementType cType,
        double factorA, double factorB, double? firstFactor, double factorC, Span<byte> destination, ElementType destinationType)
    {
        int n = Check(a, aType, destination, destinationType);
        Guard.SameLength(n, Guard.ElementCount(b, bType, nameof(b)), nameof(b));
        Guard.SameLength(n, Guard.ElementCount(c, cType, nameof(c)), nameof(c));
        CheckType(bType, nameof(bType));
        CheckType(cType, nameof(cType));
        ElementType first = Promoted(aType, bType), second = Promoted(first, cType);
        float fa = StoredScalar(factorA, aType), fb = StoredScalar(factorB, bType), fc = StoredScalar(factorC, cType);
        float? ff = firstFactor is double f ? StoredScalar(f, first) : null;
        if (aType == bType && aType == cType)
        {
            // One dtype (the usual case): every rounded op fused into one pass of the stored driver, as for weighted sum.
            ThreeTermsOneType(a, b, c, aType, new ThreeTermsFactors(fa, fb, ff, fc), destination, destinationType);
            return;
        }

        Span<float> x = stackalloc float[Block];
        Span<float> y = stackalloc float[Block];
        Span<float> z = stackalloc float[Block];
        for (int start = 0; start < n; start += Block)
        {
            int len = Math.Min(Block, n - start);
            Span<float> xs = Load(a, aType, start, len, x), ys = Load(b, bType, start, len, y), zs = Load(c, cType, start, len, z);
            MultiplyRounded(xs, fa, aType);
            MultiplyRounded(ys, fb, bType);
            AddRounded(xs, ys, first);
            if (ff is float scale)
            {
                MultiplyRounded(xs, scale, first);
            }

            MultiplyRounded(zs, fc, cType);
            AddRounded(xs, zs, second);
            Store(xs, destination, destinationType, start);
        }
    }

    private static void ThreeTermsOneType(
        ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, ElementType type, ThreeTermsFactors f, Span<byte> destination, ElementType destinationType)
    {
        bool scaleFirst = f.First is not null;
        float first = f.First ?? 1f;
        switch (type)
        {
            case ElementType.F16:
                StoredDriver.Run(a, type, b, type, c, type, destination, destinationType, new ThreeTermsRoundedOperator<F16RoundTrip>(f.A, f.B, scaleFirst, first, f.C));
                break;
            case ElementType.BF16:
                StoredDriver.Run(a, type, b, type, c, type, destination, destinationType, new ThreeTermsRoundedOperator<BF16RoundTrip>(f.A, f.B, scaleFirst, first, f.C));
                break;
            default:
                StoredDriver.Run(a, type, b, type, c, type, destination, destinationType, new ThreeTermsRoundedOperator<IdentityRoundTrip>(f.A, f.B, scaleFirst, first, f.C));
                break;
        }
    }

    /// <summary>A three-model sum's factors, each stored in its operand's dtype (<see cref="First"/> null: the first sum is not scaled).</summary>
    private readonly record struct ThreeTermsFactors(float A, float B, float? First, float C);

    /// <summary>A Python float as a tensor op of <paramref name="type"/> uses it: converted to binary32, then stored in the dtype.</summary>
    internal static float StoredScalar(double value, ElementType type) => type switch
    {
        ElementType.F16 => F16RoundTrip.Round((float)value),
        ElementType.BF16 => BF16RoundTrip.Round((float)value),
        _ => (float)value,
    };

    /// <summary>torch's type promotion between two of the supported dtypes.</summary>
    private static ElementType Promoted(ElementType x, ElementType y) => x == y ? x : ElementType.F32;

    private static int Check(ReadOnlySpan<byte> a, ElementType aType, Span<byte> destination, ElementType destinationType)
    {
        CheckType(aType, nameof(aType));
        int n = Guard.ElementCount(a, aType, nameof(a));
        Guard.SameLength(n, Guard.ElementCount(destination, destinationType, nameof(destination)), nameof(destination));
        return n;
    }

    private static void CheckType(ElementType type, string name)
    {
        if (!Supports(type))
        {
            throw new ArgumentOutOfRangeException(name, type, "torch's dtype arithmetic is reproduced for F16, BF16 and F32 only.");
        }
    }

    private static Span<float> Load(ReadOnlySpan<byte> stored, ElementType type, int start, int len, Span<float> buffer)
    {
        int size = ElementTypeInfo.SizeOf(type);
        Span<float> values = buffer[..len];
        ElementConvert.WidenUnchecked(stored.Slice(start * size, len * size), type, values);
        return values;
    }

    private static void Store(ReadOnlySpan<float> values, Span<byte> destination, ElementType type, int start)
    {
        int size = ElementTypeInfo.SizeOf(type);
        ElementConvert.NarrowUnchecked(values, destination.Slice(start * size, values.Length * size), type);
    }

    /// <summary><c>values = round_T(values · factor)</c> in place.</summary>
    private static void MultiplyRounded(Span<float> values, float factor, ElementType type)
    {
        switch (type)
        {
            case ElementType.F16: ElementwiseDriver.Run(values, values, values, new MultiplyRoundedOperator<F16RoundTrip>(factor)); break;
            case ElementType.BF16: ElementwiseDriver.Run(values, values, values, new MultiplyRoundedOperator<BF16RoundTrip>(factor)); break;
            default: ElementwiseDriver.Run(values, values, values, new MultiplyRoundedOperator<IdentityRoundTrip>(factor)); break;
        }
    }

    /// <summary><c>x = round_T(x + y)</c> in place.</summary>
    private static void AddRounded(Span<float> x, ReadOnlySpan<float> y, ElementType type)
    {
        switch (type)
        {
            case ElementType.F16: ElementwiseDriver.Run(x, y, x, default(AddRoundedOperator<F16RoundTrip>)); break;
            case ElementType.BF16: ElementwiseDriver.Run(x, y, x, default(AddRoundedOperator<BF16RoundTrip>)); break;
            default: ElementwiseDriver.Run(x, y, x, default(AddRoundedOperator<IdentityRoundTrip>)); break;
        }
    }
}
