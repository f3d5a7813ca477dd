using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Fast.Kernels.LowRank;

/// <summary>One accumulation step <c>acc ⊕ a·b</c> at every width, so a kernel is written once per rounding.</summary>
internal interface IProductSum
{
    static abstract float Add(float acc, float a, float b);

    static abstract Vector128<float> Add(Vector128<float> acc, Vector128<float> a, Vector128<float> b);

    static abstract Vector256<float> Add(Vector256<float> acc, Vector256<float> a, Vector256<float> b);

    static abstract Vector512<float> Add(Vector512<float> acc, Vector512<float> a, Vector512<float> b);
}

/// <summary>Product rounded, then sum rounded (the JIT never contracts this into an FMA).</summary>
internal readonly struct RoundedProductSum : IProductSum
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float acc, float a, float b) => acc + (a * b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> acc, Vector128<float> a, Vector128<float> b) => acc + (a * b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> acc, Vector256<float> a, Vector256<float> b) => acc + (a * b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> acc, Vector512<float> a, Vector512<float> b) => acc + (a * b);
}

/// <summary>One fused multiply-add, rounded once (exact in software where the hardware has no FMA).</summary>
internal readonly struct FusedProductSum : IProductSum
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float acc, float a, float b) => MathF.FusedMultiplyAdd(a, b, acc);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> acc, Vector128<float> a, Vector128<float> b) => Vector128.FusedMultiplyAdd(a, b, acc);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> acc, Vector256<float> a, Vector256<float> b) => Vector256.FusedMultiplyAdd(a, b, acc);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> acc, Vector512<float> a, Vector512<float> b) => Vector512.FusedMultiplyAdd(a, b, acc);
}
