namespace Fast.Kernels;

/// <summary>
/// SLEEF 3.5's <c>powf</c> at 1-ulp accuracy in its FMA build (<c>Sleef_powf8_u10avx2</c>, what torch 1.13's
/// AVX2 <c>Vectorized&lt;float&gt;::pow</c> calls; <c>Sleef_powf1_u10purecfma</c> gives the same bits), ported op
/// for op so the result is SLEEF's to the bit: <c>exp(y · log|x|)</c> in double-float arithmetic (pairs of f32
/// holding a value and its rounding error) with SLEEF's polynomials, then its special cases. Not correctly
/// rounded; about 1.7% of results differ from the correctly rounded power by one ulp, which is why torch's
/// vectorised <c>tensor ** γ</c> needs this port and not <see cref="MathF.Pow"/>.
/// </summary>
/// <remarks>Source: shibatch/sleef <c>src/libm/sleefsimdsp.c</c> (<c>xpowf</c>, <c>logkf</c>, <c>expkf</c>,
/// <c>vldexp_vf_vf_vi2</c>, <c>vilogbk_vi2_vf</c>) and <c>src/common/df.h</c> (the <c>ENABLE_FMA_SP</c> branch).</remarks>
internal static class SleefPowF
{
    private const float L2U = 0.693145751953125f;
    private const float L2L = 1.428606765330187045e-06f;
    private const float RLn2 = 1.442695040888963407359924681001892137426645954152985934135449406931f;

    /// <summary><c>x^y</c> as SLEEF's <c>powf_u10</c> (FMA build) computes it.</summary>
    public static float Pow(float x, float y)
    {
        bool yIsInt = MathF.Truncate(y) == y || MathF.Abs(y) > (1 << 23);
        bool yIsOdd = (TruncateToInt32(y) & 1) == 1 && yIsInt;

        float result = ExpK(Mul(LogK(MathF.Abs(x)), y));
        if (float.IsNaN(result))
        {
            result = float.PositiveInfinity;
        }

        result *= x > 0 ? 1f : yIsInt ? (yIsOdd ? -1f : 1f) : float.NaN;

        float efx = MulSign(MathF.Abs(x) - 1f, y);
        if (float.IsInfinity(y))
        {
            result = efx < 0f ? 0f : efx == 0f ? 1f : float.PositiveInfinity;
        }

        if (float.IsInfinity(x) || x == 0f)
        {
            float magnitude = (x == 0f ? -y : y) < 0f ? 0f : float.PositiveInfinity;
            result = (yIsOdd ? Sign(x) : 1f) * magnitude;
        }

        if (float.IsNaN(x) || float.IsNaN(y))
        {
            result = float.NaN;
        }

        return y == 0f || x == 1f ? 1f : result;
    }

    /// <summary>log|d| as a double-float (<c>logkf</c>).</summary>
    private static DoubleFloat LogK(float d)
    {
        int e = ILogBK(d * (1.0f / 0.75f));
        float m = LdExp(d, -e);
        DoubleFloat x = Div(Add2(-1f, m), Add2(1f, m));
        DoubleFloat x2 = Square(x);
        float t = 0.240320354700088500976562f;
        t = MathF.FusedMultiplyAdd(t, x2.Hi, 0.285112679004669189453125f);
        t = MathF.FusedMultiplyAdd(t, x2.Hi, 0.400007992982864379882812f);
        var c = new DoubleFloat(0.66666662693023681640625f, 3.69183861259614332084311e-09f);
        var ln2 = new DoubleFloat(0.69314718246459960938f, -1.904654323148236017e-09f);
        return Add2(Mul(ln2, (float)e), Add2(Scale(x, 2f), Mul(Mul(x2, x), Add2(Mul(x2, t), c))));
    }

    /// <summary>exp of a double-float, rounded to f32 (<c>expkf</c>).</summary>
    private static float ExpK(DoubleFloat d)
    {
        float u = (d.Hi + d.Lo) * RLn2;
        int q = RoundToInt32(u);
        DoubleFloat s = Add2(d, (float)q * -L2U);
        s = Add2(s, (float)q * -L2L);
        s = Normalize(s);

        u = 0.00136324646882712841033936f;
        u = MathF.FusedMultiplyAdd(u, s.Hi, 0.00836596917361021041870117f);
        u = MathF.FusedMultiplyAdd(u, s.Hi, 0.0416710823774337768554688f);
        u = MathF.FusedMultiplyAdd(u, s.Hi, 0.166665524244308471679688f);
        u = MathF.FusedMultiplyAdd(u, s.Hi, 0.499999850988388061523438f);

        DoubleFloat t = Add(s, Mul(Square(s), u));
        t = Add(1f, t);
        u = LdExp(t.Hi + t.Lo, q);
        return d.Hi < -104f ? 0f : u;
    }

    /// <summary>⌊log2 d⌋ from the exponent bits, subnormals scaled up first (<c>vilogbk_vi2_vf</c>).</summary>
    private static int ILogBK(float d)
    {
        bool tiny = d < 5.421010862427522E-20f;
        if (tiny)
        {
            d = 1.8446744073709552E19f * d;
        }

        int q = (int)((BitConverter.SingleToUInt32Bits(d) >> 23) & 0xff);
        return q - (tiny ? 64 + 0x7f : 0x7f);
    }

    /// <summary>x · 2^q by four equal power-of-two factors and a remainder (<c>vldexp_vf_vf_vi2</c>).</summary>
    private static float LdExp(float x, int q)
    {
        int m = q >> 31;
        m = (((m + q) >> 6) - m) << 4;
        q -= m << 2;
        m += 0x7f;
        m = m > 0 ? m : 0;
        m = m > 0xff ? 0xff : m;
        float u = BitConverter.Int32BitsToSingle(m << 23);
        x = x * u * u * u * u;
        u = BitConverter.Int32BitsToSingle((q + 0x7f) << 23);
        return x * u;
    }

    /// <summary>cvtps2dq: round half to even; NaN and out-of-range give int.MinValue.</summary>
    private static int RoundToInt32(float v) =>
        v >= -2147483648f && v < 2147483648f ? (int)MathF.Round(v, MidpointRounding.ToEven) : int.MinValue;

    /// <summary>cvttps2dq: truncate; NaN and out-of-range give int.MinValue.</summary>
    private static int TruncateToInt32(float v) =>
        v > -2147483904f && v < 2147483648f ? (int)MathF.Truncate(v) : int.MinValue;

    private static float MulSign(float x, float y) =>
        BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(x) ^ (BitConverter.SingleToInt32Bits(y) & int.MinValue));

    private static float Sign(float x) =>
        BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(1f) | (BitConverter.SingleToInt32Bits(x) & int.MinValue));

    // Double-float helpers of df.h (FMA variants). fmsub(a, b, c) = fma(a, b, −c); fnmadd(a, b, c) = fma(−a, b, c).
    private static DoubleFloat Normalize(DoubleFloat t)
    {
        float s = t.Hi + t.Lo;
        return new DoubleFloat(s, (t.Hi - s) + t.Lo);
    }

    private static DoubleFloat Scale(DoubleFloat d, float s) => new(d.Hi * s, d.Lo * s);

    private static DoubleFloat Add2(float x, float y)
    {
        float s = x + y;
        float v = s - x;
        return new DoubleFloat(s, (x - (s - v)) + (y - v));
    }

    private static DoubleFloat Add2(DoubleFloat x, float y)
    {
        float s = x.Hi + y;
        float v = s - x.Hi;
        float t = (x.Hi - (s - v)) + (y - v);
        return new DoubleFloat(s, t + x.Lo);
    }

    private static DoubleFloat Add2(DoubleFloat x, DoubleFloat y)
    {
        float s = x.Hi + y.Hi;
        float v = s - x.Hi;
        float t = (x.Hi - (s - v)) + (y.Hi - v);
        return new DoubleFloat(s, t + (x.Lo + y.Lo));
    }

    private static DoubleFloat Add(float x, DoubleFloat y)
    {
        float s = x + y.Hi;
        return new DoubleFloat(s, ((x - s) + y.Hi) + y.Lo);
    }

    private static DoubleFloat Add(DoubleFloat x, DoubleFloat y)
    {
        float s = x.Hi + y.Hi;
        return new DoubleFloat(s, (((x.Hi - s) + y.Hi) + x.Lo) + y.Lo);
    }

    private static DoubleFloat Div(DoubleFloat n, DoubleFloat d)
    {
        float t = 1f / d.Hi;
        float s = n.Hi * t;
        float u = MathF.FusedMultiplyAdd(t, n.Hi, -s);
        float v = MathF.FusedMultiplyAdd(-d.Lo, t, MathF.FusedMultiplyAdd(-d.Hi, t, 1f));
        return new DoubleFloat(s, MathF.FusedMultiplyAdd(s, v, MathF.FusedMultiplyAdd(n.Lo, t, u)));
    }

    private static DoubleFloat Square(DoubleFloat x)
    {
        float s = x.Hi * x.Hi;
        return new DoubleFloat(s, MathF.FusedMultiplyAdd(x.Hi + x.Hi, x.Lo, MathF.FusedMultiplyAdd(x.Hi, x.Hi, -s)));
    }

    private static DoubleFloat Mul(DoubleFloat x, DoubleFloat y)
    {
        float s = x.Hi * y.Hi;
        return new DoubleFloat(s, MathF.FusedMultiplyAdd(x.Hi, y.Lo, MathF.FusedMultiplyAdd(x.Lo, y.Hi, MathF.FusedMultiplyAdd(x.Hi, y.Hi, -s))));
    }

    private static DoubleFloat Mul(DoubleFloat x, float y)
    {
        float s = x.Hi * y;
        return new DoubleFloat(s, MathF.FusedMultiplyAdd(x.Lo, y, MathF.FusedMultiplyAdd(x.Hi, y, -s)));
    }

    /// <summary>An unevaluated sum <c>Hi + Lo</c> of two f32 (SLEEF's <c>vfloat2</c>).</summary>
    private readonly record struct DoubleFloat(float Hi, float Lo);
}
