using System.Runtime.Intrinsics;
using Fast.Kernels.Conversion;
using Fast.Kernels.Simd;

namespace Fast.Kernels.Merge.Operators;

/// <summary>
/// Add difference in one pass for x = A, y = B, z = C: <c>x + α·round_TB(y − z)</c>, where rounding to B's storage
/// format and back happens in registers (the reference stores B − C in B's dtype before scaling it).
/// </summary>
internal readonly struct AddDifferenceOperator<TRound>(float alpha) : ITernaryOperator
    where TRound : IRoundTrip
{
    private readonly float _alpha = alpha;

    public float Invoke(float x, float y, float z) => x + (_alpha * TRound.Round(y - z));

    public Vector128<float> Invoke(Vector128<float> x, Vector128<float> y, Vector128<float> z) =>
        x + (Vector128.Create(_alpha) * TRound.Round(y - z));

    public Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> z) =>
        x + (Vector256.Create(_alpha) * TRound.Round(y - z));

    public Vector512<float> Invoke(Vector512<float> x, Vector512<float> y, Vector512<float> z) =>
        x + (Vector512.Create(_alpha) * TRound.Round(y - z));
}

/// <summary>Rounds binary32 values to a storage format and widens them back, at every width.</summary>
internal interface IRoundTrip
{
    static abstract float Round(float value);

    static abstract Vector128<float> Round(Vector128<float> value);

    static abstract Vector256<float> Round(Vector256<float> value);

    static abstract Vector512<float> Round(Vector512<float> value);
}

internal readonly struct IdentityRoundTrip : IRoundTrip
{
    public static float Round(float value) => value;

    public static Vector128<float> Round(Vector128<float> value) => value;

    public static Vector256<float> Round(Vector256<float> value) => value;

    public static Vector512<float> Round(Vector512<float> value) => value;
}

internal readonly struct F16RoundTrip : IRoundTrip
{
    public static float Round(float value) => ScalarConvert.F16ToSingle(ScalarConvert.SingleToF16(value));

    public static Vector128<float> Round(Vector128<float> value) => HalfPairs.RoundTrip(value);

    public static Vector256<float> Round(Vector256<float> value) => HalfPairs.RoundTrip(value);

    public static Vector512<float> Round(Vector512<float> value) => HalfPairs.RoundTrip(value);
}

internal readonly struct BF16RoundTrip : IRoundTrip
{
    public static float Round(float value) => ScalarConvert.BF16ToSingle(ScalarConvert.SingleToBF16(value));

    public static Vector128<float> Round(Vector128<float> value) => HalfLanes.BF16ToSingle(HalfLanes.SingleToBF16(value));

    public static Vector256<float> Round(Vector256<float> value) => HalfLanes.BF16ToSingle(HalfLanes.SingleToBF16(value));

    public static Vector512<float> Round(Vector512<float> value) => HalfLanes.BF16ToSingle(HalfLanes.SingleToBF16(value));
}
