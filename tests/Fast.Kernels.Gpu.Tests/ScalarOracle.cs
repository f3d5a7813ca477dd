namespace Fast.Kernels.Gpu.Tests;

/// <summary>
/// Straightforward scalar transcriptions of SPEC §2–4, written independently of the kernels: .NET's
/// <see cref="Half"/>, <see cref="MathF.FusedMultiplyAdd"/>, double math, brute-force nearest-value search
/// for the narrow formats, gather + sort for the median.
/// </summary>
internal static class ScalarOracle
{
    public static float Lerp(float s, float e, float w)
    {
        float d = e - s;
        return MathF.Abs(w) < 0.5f ? MathF.FusedMultiplyAdd(w, d, s) : MathF.FusedMultiplyAdd(w - 1f, d, e);
    }

    public static float RoundThrough(float value, GpuElementType type) => type switch
    {
        GpuElementType.F16 => (float)(Half)value,
        GpuElementType.BF16 => FromBFloat16(ToBFloat16(value)),
        GpuElementType.F8E4M3 or GpuElementType.F8E5M2 => FromFp8(ToFp8(value, type), type),
        _ => value,
    };

    public static float AddDifference(float a, float b, float c, GpuElementType typeOfB, float alpha)
    {
        float d = RoundThrough(b - c, typeOfB);
        float scaled = alpha * d;
        return a + scaled;
    }

    public static float TripleSum(float a, float b, float c, double alpha, double beta)
    {
        if (alpha + beta != 0)
        {
            return Lerp(a, Lerp(b, c, (float)(beta / (alpha + beta))), (float)(alpha + beta));
        }

        float ta = (float)(1 - alpha - beta) * a;
        float tb = (float)alpha * b;
        float tc = (float)beta * c;
        return ta + tb + tc;
    }

    public static float TrainDifference(float a, float b, float c, double alpha)
    {
        float dBC = b - c;
        float dist0 = MathF.Abs(b - c);
        float dist1 = MathF.Abs(b - a);
        float sum = dist0 + dist1;
        float scale = sum != 0 ? dist1 / sum : 0f;
        float sign = dBC > 0 ? 1f : dBC < 0 ? -1f : 0f;
        scale = sign * MathF.Abs(scale);
        float update = scale * MathF.Abs(dBC);
        float product = update * (float)(alpha * 1.8);
        return a + product;
    }

    public static ushort ToBFloat16(float value)
    {
        if (float.IsNaN(value))
        {
            return 0x7FC0;
        }

        // The two neighbouring bf16 values around `value`, chosen by exact distance in double; ties to even.
        uint bits = BitConverter.SingleToUInt32Bits(value);
        ushort below = (ushort)(bits >> 16);
        if ((bits & 0xFFFF) == 0)
        {
            return below;
        }

        ushort above = (ushort)(below + 1);
        double distanceBelow = Math.Abs((double)value - FromBFloat16(below));
        double aboveValue = (above & 0x7FFF) == 0x7F80 ? Math.CopySign(Math.Pow(2, 128), value) : FromBFloat16(above);
        double distanceAbove = Math.Abs(aboveValue - value);
        if (distanceBelow != distanceAbove)
        {
            return distanceBelow < distanceAbove ? below : above;
        }

        return (below & 1) == 0 ? below : above;
    }

    public static float FromBFloat16(ushort bits)
    {
        int sign = bits >> 15;
        int exponent = (bits >> 7) & 0xFF;
        int mantissa = bits & 0x7F;
        double magnitude = exponent switch
        {
            0 => Math.ScaleB(mantissa, -126 - 7),
            0xFF => mantissa == 0 ? double.PositiveInfinity : double.NaN,
            _ => Math.ScaleB(128 + mantissa, exponent - 127 - 7),
        };
        return (float)(sign == 1 ? -magnitude : magnitude);
    }

    public static float FromFp8(byte bits, GpuElementType type)
    {
        bool e5m2 = type == GpuElementType.F8E5M2;
        int mantissaBits = e5m2 ? 2 : 3;
        int bias = e5m2 ? 15 : 7;
        int sign = bits >> 7;
        int exponent = (bits & 0x7F) >> mantissaBits;
        int mantissa = bits & ((1 << mantissaBits) - 1);
        double magnitude;
        if (e5m2 && exponent == 31)
        {
            magnitude = mantissa == 0 ? double.PositiveInfinity : double.NaN;
        }
        else if (!e5m2 && exponent == 15 && mantissa == 7)
        {
            magnitude = double.NaN;
        }
        else if (exponent == 0)
        {
            magnitude = Math.ScaleB(mantissa, 1 - bias - mantissaBits);
        }
        else
        {
            magnitude = Math.ScaleB((1 << mantissaBits) + mantissa, exponent - bias - mantissaBits);
        }

        return (float)(sign == 1 ? -magnitude : magnitude);
    }

    /// <summary>Nearest finite fp8 code by exhaustive search (ties to the even code), saturating; e5m2 keeps ±∞.</summary>
    public static byte ToFp8(float value, GpuElementType type)
    {
        bool e5m2 = type == GpuElementType.F8E5M2;
        if (float.IsNaN(value))
        {
            return (byte)((value < 0 || float.IsNegative(value) ? 0x80 : 0) | (e5m2 ? 0x7E : 0x7F));
        }

        if (e5m2 && float.IsInfinity(value))
        {
            return (byte)(value < 0 ? 0xFC : 0x7C);
        }

        int sign = float.IsNegative(value) ? 0x80 : 0;
        if (float.IsInfinity(value))
        {
            return (byte)(sign | 0x7E);
        }

        // Beyond the largest finite value everything saturates (also what nearest-search would pick, but
        // far out the candidates' distances become equal in double and the tie rule would misfire).
        double magnitude = Math.Abs((double)value);
        byte maxFinite = (byte)(e5m2 ? 0x7B : 0x7E);
        if (magnitude >= FromFp8(maxFinite, type))
        {
            return (byte)(sign | maxFinite);
        }

        int best = 0;
        double bestDistance = double.PositiveInfinity;
        for (int code = 0; code < 0x80; code++)
        {
            double candidate = FromFp8((byte)code, type);
            if (double.IsNaN(candidate) || double.IsInfinity(candidate))
            {
                continue;
            }

            double distance = Math.Abs(candidate - magnitude);
            if (distance < bestDistance || (distance == bestDistance && (code & 1) == 0))
            {
                best = code;
                bestDistance = distance;
            }
        }

        return (byte)(sign | best);
    }

    /// <summary>scipy <c>reflect</c> boundary, from the SPEC's formula.</summary>
    public static int Reflect(int i, int n)
    {
        int m = ((i % (2 * n)) + (2 * n)) % (2 * n);
        return m < n ? m : (2 * n) - 1 - m;
    }

    /// <summary>Median by gathering the 3^rank neighbourhood and sorting (NaN above +∞, −0 below +0).</summary>
    public static float[] Median(float[] source, int[] shape)
    {
        int rank = shape.Length;
        var strides = Strides(shape);
        var output = new float[source.Length];
        int neighbourhood = (int)Math.Pow(3, rank);
        var window = new float[neighbourhood];
        var coordinates = new int[rank];
        for (int index = 0; index < source.Length; index++)
        {
            for (int axis = 0; axis < rank; axis++)
            {
                coordinates[axis] = index / strides[axis] % shape[axis];
            }

            for (int k = 0; k < neighbourhood; k++)
            {
                int offsetCode = k;
                int gathered = 0;
                for (int axis = rank - 1; axis >= 0; axis--)
                {
                    int offset = (offsetCode % 3) - 1;
                    offsetCode /= 3;
                    gathered += Reflect(coordinates[axis] + offset, shape[axis]) * strides[axis];
                }

                window[k] = source[gathered];
            }

            Array.Sort(window, CompareForMedian);
            output[index] = window[neighbourhood / 2];
        }

        return output;
    }

    public static int CompareForMedian(float x, float y)
    {
        if (float.IsNaN(x) || float.IsNaN(y))
        {
            return float.IsNaN(x).CompareTo(float.IsNaN(y));
        }

        if (x != y)
        {
            return x < y ? -1 : 1;
        }

        // Equal values: only ±0 can differ, and −0 orders first.
        return float.IsNegative(y).CompareTo(float.IsNegative(x));
    }

    /// <summary>
    /// The separable gaussian written straight from SPEC §4, one axis at a time. The taps are the exact
    /// decimal expansions of the SPEC's hexadecimal doubles, so parsing them cannot round.
    /// </summary>
    public static float[] Gaussian(float[] source, int[] shape)
    {
        double[] taps =
        [
            double.Parse("0.398943469356097757394508107608999125659465789794921875", System.Globalization.CultureInfo.InvariantCulture),
            double.Parse("0.241971445656600725460094736263272352516651153564453125", System.Globalization.CultureInfo.InvariantCulture),
            double.Parse("0.053991127420704408679252850333796232007443904876708984375", System.Globalization.CultureInfo.InvariantCulture),
            double.Parse("0.004431861620031265526498120976839345530606806278228759765625", System.Globalization.CultureInfo.InvariantCulture),
            double.Parse("0.0001338306246147417488505382276997579538146965205669403076171875", System.Globalization.CultureInfo.InvariantCulture),
        ];
        var strides = Strides(shape);
        var current = (float[])source.Clone();
        for (int axis = 0; axis < shape.Length; axis++)
        {
            int n = shape[axis];
            int stride = strides[axis];
            var next = new float[current.Length];
            for (int index = 0; index < current.Length; index++)
            {
                int position = index / stride % n;
                int lineStart = index - (position * stride);
                double t = current[index] * taps[0];
                for (int j = 4; j >= 1; j--)
                {
                    double left = current[lineStart + (Reflect(position - j, n) * stride)];
                    double right = current[lineStart + (Reflect(position + j, n) * stride)];
                    t += (left + right) * taps[j];
                }

                next[index] = (float)t;
            }

            current = next;
        }

        return current;
    }

    private static int[] Strides(int[] shape)
    {
        var strides = new int[shape.Length];
        int stride = 1;
        for (int axis = shape.Length - 1; axis >= 0; axis--)
        {
            strides[axis] = stride;
            stride *= shape[axis];
        }

        return strides;
    }
}
