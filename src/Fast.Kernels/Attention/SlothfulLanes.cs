using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Fast.Kernels.Conversion;

namespace Fast.Kernels.Attention;

/// <summary>
/// The few lane operations the pooling kernel needs, at one width, so one generic body serves 512/256/128-bit
/// vectors and the scalar tail. Each lane is one channel; every operation is the IEEE binary32 one, so a lane's
/// result is the scalar result for that channel (the bit-exactness argument of SPEC §12).
/// </summary>
internal unsafe interface ISlothfulLanes<TV>
    where TV : struct
{
    static abstract int Count { get; }

    static abstract TV Load<TC>(ref byte source)
        where TC : IElementCodec;

    static abstract void Store<TC>(ref byte destination, TV value)
        where TC : IElementCodec;

    /// <summary>rnd_F in registers: the value the storage format holds, back as binary32 (identity for F32).</summary>
    static abstract TV Round<TC>(TV value)
        where TC : IElementCodec;

    static abstract TV Splat(float value);

    static abstract TV Add(TV a, TV b);

    static abstract TV Sub(TV a, TV b);

    static abstract TV Mul(TV a, TV b);

    static abstract TV Div(TV a, TV b);

    static abstract TV Fma(TV a, TV b, TV c);

    /// <summary>torch's max step: take <paramref name="e"/> where e &gt; m or e is NaN (first of ties, last NaN wins).</summary>
    static abstract TV MaxStep(TV m, TV e);

    /// <summary>
    /// The max of a window of 16-bit elements (F16, BF16) at <paramref name="at"/>, decided on the patterns by
    /// <see cref="SlothfulHalfMax"/> and widened once; <paramref name="first"/> is the window's first element, widened.
    /// </summary>
    static abstract TV MaxOfHalves<TC>(byte* at, in SlothfulKernel.Window window, out TV first)
        where TC : IElementCodec;
}


internal readonly unsafe partial struct Lanes512 : ISlothfulLanes<Vector512<float>>
{
    public static int Count => 16;

    public static Vector512<float> Load<TC>(ref byte source) where TC : IElementCodec => TC.Load512(ref source);

    public static void Store<TC>(ref byte destination, Vector512<float> value) where TC : IElementCodec => TC.Store512(ref destination, value);

    public static Vector512<float> Round<TC>(Vector512<float> value) where TC : IElementCodec =>
        typeof(TC) == typeof(SlothfulF16Codec) ? SlothfulHalf.Round(value) :
        typeof(TC) == typeof(BF16Codec) ? (HalfLanes.SingleToBF16(value) << 16).AsSingle() :
        value;

    public static Vector512<float> Splat(float value) => Vector512.Create(value);

    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    public static Vector512<float> Sub(Vector512<float> a, Vector512<float> b) => a - b;

    public static Vector512<float> Mul(Vector512<float> a, Vector512<float> b) => a * b;

    public static Vector512<float> Div(Vector512<float> a, Vector512<float> b) => a / b;

    public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    public static Vector512<float> MaxStep(Vector512<float> m, Vector512<float> e) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(e, m) | ~Vector512.Equals(e, e), e, m);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MaxOfHalves<TC>(byte* at, in SlothfulKernel.Window window, out Vector512<float> first)
        where TC : IElementCodec
    {
        short infinity = SlothfulHalfMax.Infinity<TC>();
        Vector256<short> h0 = Unsafe.ReadUnaligned<Vector256<short>>(at);
        Vector256<short> best = h0;
        Vector256<short> bestKey = SlothfulHalfMax.Held(SlothfulHalfMax.Key(h0, infinity));
        for (int dy = 0; dy < window.Rows; dy++)
        {
            byte* line = at + (dy * window.PitchBytes);
            for (int dx = dy == 0 ? 1 : 0; dx < window.Cols; dx++)
            {
                SlothfulHalfMax.Step(ref best, ref bestKey, Unsafe.ReadUnaligned<Vector256<short>>(line + (dx * window.TokenBytes)), infinity);
            }
        }

        first = WidenHalf<TC>(h0);
        return WidenHalf<TC>(best);
    }

    /// <summary>The first 16 patterns of h, widened from the storage format (sign-extended lanes suit both widenings).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> WidenHalf<TC>(Vector256<short> h)
        where TC : IElementCodec
    {
        Vector512<int> lanes = Vector512.WidenLower(h.ToVector512Unsafe());
        return typeof(TC) == typeof(SlothfulF16Codec) ? SlothfulHalf.Widen(lanes) : (lanes << 16).AsSingle();
    }
}

internal readonly unsafe partial struct Lanes256 : ISlothfulLanes<Vector256<float>>
{
    public static int Count => 8;

    public static Vector256<float> Load<TC>(ref byte source) where TC : IElementCodec => TC.Load256(ref source);

    public static void Store<TC>(ref byte destination, Vector256<float> value) where TC : IElementCodec => TC.Store256(ref destination, value);

    public static Vector256<float> Round<TC>(Vector256<float> value) where TC : IElementCodec =>
        typeof(TC) == typeof(SlothfulF16Codec) ? SlothfulHalf.Round(value) :
        typeof(TC) == typeof(BF16Codec) ? (HalfLanes.SingleToBF16(value) << 16).AsSingle() :
        value;

    public static Vector256<float> Splat(float value) => Vector256.Create(value);

    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    public static Vector256<float> Sub(Vector256<float> a, Vector256<float> b) => a - b;

    public static Vector256<float> Mul(Vector256<float> a, Vector256<float> b) => a * b;

    public static Vector256<float> Div(Vector256<float> a, Vector256<float> b) => a / b;

    public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    public static Vector256<float> MaxStep(Vector256<float> m, Vector256<float> e) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(e, m) | ~Vector256.Equals(e, e), e, m);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MaxOfHalves<TC>(byte* at, in SlothfulKernel.Window window, out Vector256<float> first)
        where TC : IElementCodec
    {
        short infinity = SlothfulHalfMax.Infinity<TC>();
        Vector128<short> h0 = Unsafe.ReadUnaligned<Vector128<short>>(at);
        Vector128<short> best = h0;
        Vector128<short> bestKey = SlothfulHalfMax.Held(SlothfulHalfMax.Key(h0, infinity));
        for (int dy = 0; dy < window.Rows; dy++)
        {
            byte* line = at + (dy * window.PitchBytes);
            for (int dx = dy == 0 ? 1 : 0; dx < window.Cols; dx++)
            {
                SlothfulHalfMax.Step(ref best, ref bestKey, Unsafe.ReadUnaligned<Vector128<short>>(line + (dx * window.TokenBytes)), infinity);
            }
        }

        first = WidenHalf<TC>(h0);
        return WidenHalf<TC>(best);
    }

    /// <summary>The first 8 patterns of h, widened from the storage format (sign-extended lanes suit both widenings).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> WidenHalf<TC>(Vector128<short> h)
        where TC : IElementCodec
    {
        Vector256<int> lanes = Vector256.WidenLower(h.ToVector256Unsafe());
        return typeof(TC) == typeof(SlothfulF16Codec) ? SlothfulHalf.Widen(lanes) : (lanes << 16).AsSingle();
    }
}

internal readonly unsafe partial struct Lanes128 : ISlothfulLanes<Vector128<float>>
{
    public static int Count => 4;

    public static Vector128<float> Load<TC>(ref byte source) where TC : IElementCodec => TC.Load128(ref source);

    public static void Store<TC>(ref byte destination, Vector128<float> value) where TC : IElementCodec => TC.Store128(ref destination, value);

    public static Vector128<float> Round<TC>(Vector128<float> value) where TC : IElementCodec =>
        typeof(TC) == typeof(SlothfulF16Codec) ? SlothfulHalf.Round(value) :
        typeof(TC) == typeof(BF16Codec) ? (HalfLanes.SingleToBF16(value) << 16).AsSingle() :
        value;

    public static Vector128<float> Splat(float value) => Vector128.Create(value);

    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    public static Vector128<float> Sub(Vector128<float> a, Vector128<float> b) => a - b;

    public static Vector128<float> Mul(Vector128<float> a, Vector128<float> b) => a * b;

    public static Vector128<float> Div(Vector128<float> a, Vector128<float> b) => a / b;

    public static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.FusedMultiplyAdd(a, b, c);

    public static Vector128<float> MaxStep(Vector128<float> m, Vector128<float> e) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(e, m) | ~Vector128.Equals(e, e), e, m);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MaxOfHalves<TC>(byte* at, in SlothfulKernel.Window window, out Vector128<float> first)
        where TC : IElementCodec
    {
        short infinity = SlothfulHalfMax.Infinity<TC>();
        Vector128<short> h0 = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(at)).AsInt16();
        Vector128<short> best = h0;
        Vector128<short> bestKey = SlothfulHalfMax.Held(SlothfulHalfMax.Key(h0, infinity));
        for (int dy = 0; dy < window.Rows; dy++)
        {
            byte* line = at + (dy * window.PitchBytes);
            for (int dx = dy == 0 ? 1 : 0; dx < window.Cols; dx++)
            {
                SlothfulHalfMax.Step(ref best, ref bestKey, Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(line + (dx * window.TokenBytes))).AsInt16(), infinity);
            }
        }

        first = WidenHalf<TC>(h0);
        return WidenHalf<TC>(best);
    }

    /// <summary>The first 4 patterns of h, widened from the storage format (sign-extended lanes suit both widenings).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> WidenHalf<TC>(Vector128<short> h)
        where TC : IElementCodec
    {
        Vector128<int> lanes = Vector128.WidenLower(h);
        return typeof(TC) == typeof(SlothfulF16Codec) ? SlothfulHalf.Widen(lanes) : (lanes << 16).AsSingle();
    }
}

/// <summary>One channel at a time: the tail after the vectors, and the whole row when SIMD is off.</summary>
internal readonly unsafe struct Lanes1 : ISlothfulLanes<float>
{
    public static int Count => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load<TC>(ref byte source) where TC : IElementCodec => TC.Load(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TC>(ref byte destination, float value) where TC : IElementCodec => TC.Store(ref destination, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Round<TC>(float value) where TC : IElementCodec =>
        typeof(TC) == typeof(SlothfulF16Codec) ? ScalarConvert.F16ToSingle(ScalarConvert.SingleToF16(value)) :
        typeof(TC) == typeof(BF16Codec) ? ScalarConvert.BF16ToSingle(ScalarConvert.SingleToBF16(value)) :
        value;

    public static float Splat(float value) => value;

    public static float Add(float a, float b) => a + b;

    public static float Sub(float a, float b) => a - b;

    public static float Mul(float a, float b) => a * b;

    public static float Div(float a, float b) => a / b;

    public static float Fma(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);

    public static float MaxStep(float m, float e) => e > m || float.IsNaN(e) ? e : m;

    /// <summary>One channel: the float steps themselves (this is the path the vector ones are held to).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxOfHalves<TC>(byte* at, in SlothfulKernel.Window window, out float first)
        where TC : IElementCodec
    {
        first = TC.Load(ref *at);
        float best = first;
        for (int dy = 0; dy < window.Rows; dy++)
        {
            byte* line = at + (dy * window.PitchBytes);
            for (int dx = dy == 0 ? 1 : 0; dx < window.Cols; dx++)
            {
                best = MaxStep(best, TC.Load(ref *(line + (dx * window.TokenBytes))));
            }
        }

        return best;
    }
}
