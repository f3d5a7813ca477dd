namespace Fast.Kernels.Tests.Merge;

/// <summary>
/// The scalar oracle of <see cref="DtypeStepKernels"/>: one element at a time, every torch op rounded with
/// System.Half (F16) or the bit-exact round-to-nearest-even of BFloat16 (NaN kept as it is), in double for the scalars
/// as Python holds them. This is the per-element code the merge engine ran before the kernels were vectorised.
/// </summary>
internal static class DtypeStepOracle
{
    public static byte[] WeightedSum(float[] a, ElementType ta, float[] b, ElementType tb, double alpha, ElementType td)
    {
        var result = new float[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            result[i] = alpha == 1 ? b[i] : alpha == 0 ? a[i] : Sum(Term(a[i], ta, 1 - alpha), ta, Term(b[i], tb, alpha), tb, out _);
        }

        return Stored(result, td);
    }

    public static byte[] SumTwice(float[] a, ElementType ta, float[] b, ElementType tb, float[] c, ElementType tc, double alpha, double beta, ElementType td)
    {
        var result = new float[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            float first = Sum(Term(a[i], ta, 1 - alpha), ta, Term(b[i], tb, alpha), tb, out ElementType t1);
            result[i] = Sum(Term(first, t1, 1 - beta), t1, Term(c[i], tc, beta), tc, out _);
        }

        return Stored(result, td);
    }

    public static byte[] TripleSum(float[] a, ElementType ta, float[] b, ElementType tb, float[] c, ElementType tc, double alpha, double beta, ElementType td)
    {
        var result = new float[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            float first = Sum(Term(a[i], ta, 1 - alpha - beta), ta, Term(b[i], tb, alpha), tb, out ElementType t1);
            result[i] = Sum(first, t1, Term(c[i], tc, beta), tc, out _);
        }

        return Stored(result, td);
    }

    public static byte[] Scale(float[] a, ElementType ta, double alpha, ElementType td)
    {
        var result = new float[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            result[i] = Term(a[i], ta, alpha);
        }

        return Stored(result, td);
    }

    public static byte[] AddScaled(float[] a, ElementType ta, float[] noise, double alpha, ElementType td)
    {
        var result = new float[a.Length];
        float factor = Round((float)alpha, ta);
        for (int i = 0; i < a.Length; i++)
        {
            result[i] = Round(a[i] + Round(noise[i] * factor, ta), ta);
        }

        return Stored(result, td);
    }

    public static float Round(float value, ElementType type) => type switch
    {
        ElementType.F16 => (float)(Half)value,
        ElementType.BF16 => RoundToBFloat16(value),
        _ => value,
    };

    private static float Term(float x, ElementType type, double factor) => Round(x * Round((float)factor, type), type);

    private static float Sum(float x, ElementType tx, float y, ElementType ty, out ElementType promoted)
    {
        promoted = tx == ty ? tx : ElementType.F32;
        return Round(x + y, promoted);
    }

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

    private static byte[] Stored(float[] values, ElementType type)
    {
        var bytes = new byte[values.Length * ElementTypeInfo.SizeOf(type)];
        ElementConvert.Narrow(values, bytes, type);
        return bytes;
    }
}
