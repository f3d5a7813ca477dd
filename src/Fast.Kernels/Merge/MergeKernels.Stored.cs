using Fast.Kernels.Merge.Operators;
using Fast.Kernels.Simd;

namespace Fast.Kernels;

// The same operations on stored tensors: each input is read in its own ElementType, every element is widened
// exactly to binary32, the result is rounded once to the destination's ElementType (SPEC §2). One pass over
// memory, in L1-sized blocks. The destination may be exactly an input of the same ElementType (in place).
public static partial class MergeKernels
{
    /// <summary>Weighted sum on stored tensors; see <see cref="Lerp(ReadOnlySpan{float}, ReadOnlySpan{float}, float, Span{float})"/>.</summary>
    public static void Lerp(
        ReadOnlySpan<byte> start, ElementType startType,
        ReadOnlySpan<byte> end, ElementType endType,
        float weight,
        Span<byte> destination, ElementType destinationType) =>
        StoredDriver.Run(start, startType, end, endType, destination, destinationType, new LerpOperator(weight));

    /// <summary>
    /// Weighted sum as the reference's smerge runs it (SPEC §3): α exactly 0 keeps A and α exactly 1 copies B (each only
    /// converted to the destination type), so NaN, ∞ and −0 of the other model never reach the result; any other α is
    /// <see cref="Lerp(ReadOnlySpan{byte}, ElementType, ReadOnlySpan{byte}, ElementType, float, Span{byte}, ElementType)"/>
    /// with α as f32. α is compared as given (double), as the reference compares its Python float.
    /// </summary>
    public static void WeightedSum(
        ReadOnlySpan<byte> a, ElementType aType,
        ReadOnlySpan<byte> b, ElementType bType,
        double alpha,
        Span<byte> destination, ElementType destinationType)
    {
        if (alpha == 0)
        {
            ElementConvert.Convert(a, aType, destination, destinationType);
        }
        else if (alpha == 1)
        {
            ElementConvert.Convert(b, bType, destination, destinationType);
        }
        else
        {
            Lerp(a, aType, b, bType, (float)alpha, destination, destinationType);
        }
    }

    /// <summary>Scaled sum on stored tensors; see <see cref="ScaledSum(ReadOnlySpan{float}, ReadOnlySpan{float}, float, float, Span{float})"/>.</summary>
    public static void ScaledSum(
        ReadOnlySpan<byte> a, ElementType aType,
        ReadOnlySpan<byte> b, ElementType bType,
        float factorA, float factorB,
        Span<byte> destination, ElementType destinationType) =>
        StoredDriver.Run(a, aType, b, bType, destination, destinationType, new ScaledSumOperator(factorA, factorB));

    /// <summary>Sum twice on stored tensors; see <see cref="SumTwice(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, float, float, Span{float})"/>.</summary>
    public static void SumTwice(
        ReadOnlySpan<byte> a, ElementType aType,
        ReadOnlySpan<byte> b, ElementType bType,
        ReadOnlySpan<byte> c, ElementType cType,
        float alpha, float beta,
        Span<byte> destination, ElementType destinationType) =>
        StoredDriver.Run(a, aType, b, bType, c, cType, destination, destinationType, new SumTwiceOperator(alpha, beta));

    /// <summary>Triple sum on stored tensors; see <see cref="TripleSum(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, double, double, Span{float})"/>.</summary>
    public static void TripleSum(
        ReadOnlySpan<byte> a, ElementType aType,
        ReadOnlySpan<byte> b, ElementType bType,
        ReadOnlySpan<byte> c, ElementType cType,
        double alpha, double beta,
        Span<byte> destination, ElementType destinationType)
    {
        if (alpha + beta != 0)
        {
            StoredDriver.Run(a, aType, b, bType, c, cType, destination, destinationType, TripleLerp(alpha, beta));
        }
        else
        {
            StoredDriver.Run(a, aType, b, bType, c, cType, destination, destinationType, TripleLinear(alpha, beta));
        }
    }

    /// <summary>trainDifference on stored tensors; see <see cref="TrainDifference(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, double, Span{float})"/>.</summary>
    public static void TrainDifference(
        ReadOnlySpan<byte> a, ElementType aType,
        ReadOnlySpan<byte> b, ElementType bType,
        ReadOnlySpan<byte> c, ElementType cType,
        double alpha,
        Span<byte> destination, ElementType destinationType) =>
        StoredDriver.Run(a, aType, b, bType, c, cType, destination, destinationType, new TrainDifferenceOperator(TrainDifferenceFactor(alpha)));

    /// <summary>
    /// Add difference on stored tensors: <c>D = round_to(bType, b − c)</c>, result <c>a + (alpha·D)</c> rounded
    /// to <paramref name="destinationType"/>.
    /// </summary>
    public static void AddDifference(
        ReadOnlySpan<byte> a, ElementType aType,
        ReadOnlySpan<byte> b, ElementType bType,
        ReadOnlySpan<byte> c, ElementType cType,
        float alpha,
        Span<byte> destination, ElementType destinationType)
    {
        int n = Guard.ElementCount(a, aType, nameof(a));
        Guard.SameLength(n, Guard.ElementCount(b, bType, nameof(b)), nameof(b));
        Guard.SameLength(n, Guard.ElementCount(c, cType, nameof(c)), nameof(c));
        Guard.SameLength(n, Guard.ElementCount(destination, destinationType, nameof(destination)), nameof(destination));
        Guard.NoPartialOverlap(a, destination, aType == destinationType, nameof(a));
        Guard.NoPartialOverlap(b, destination, bType == destinationType, nameof(b));
        Guard.NoPartialOverlap(c, destination, cType == destinationType, nameof(c));

        switch (bType)
        {
            case ElementType.F16: StoredDriver.Run(a, aType, b, bType, c, cType, destination, destinationType, new AddDifferenceOperator<F16RoundTrip>(alpha)); return;
            case ElementType.BF16: StoredDriver.Run(a, aType, b, bType, c, cType, destination, destinationType, new AddDifferenceOperator<BF16RoundTrip>(alpha)); return;
            case ElementType.F32 or ElementType.F64: StoredDriver.Run(a, aType, b, bType, c, cType, destination, destinationType, new AddDifferenceOperator<IdentityRoundTrip>(alpha)); return;
        }

        // fp8 B: the difference is rounded through B's format block by block.
        const int Block = StoredDriver.BlockElements;
        Span<float> aBuffer = stackalloc float[Block];
        Span<float> bBuffer = stackalloc float[Block];
        Span<float> cBuffer = stackalloc float[Block];
        Span<float> delta = stackalloc float[Block];
        Span<float> dBuffer = stackalloc float[Block];
        for (int start = 0; start < n; start += Block)
        {
            int len = Math.Min(Block, n - start);
            ReadOnlySpan<float> bs = StoredDriver.Input(b, bType, start, len, bBuffer);
            ReadOnlySpan<float> cs = StoredDriver.Input(c, cType, start, len, cBuffer);
            Span<float> d = delta[..len];
            ElementwiseDriver.Run(bs, cs, d, default(SubtractOperator));
            ElementConvert.RoundTo(d, bType);
            ReadOnlySpan<float> avals = StoredDriver.Input(a, aType, start, len, aBuffer);
            Span<float> ds = StoredDriver.Output(destination, destinationType, start, len, dBuffer);
            ElementwiseDriver.Run(avals, d, ds, new AddScaledOperator(alpha));
            StoredDriver.Commit(ds, destination, destinationType, start);
        }
    }
}
