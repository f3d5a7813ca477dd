using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Fast.Kernels.Conversion;

/// <summary>binary32 stored as is.</summary>
internal readonly struct F32Codec : IElementCodec
{
    public static int Size => 4;

    public static bool IsVectorized => true;

    public static float Load(ref byte source) => Unsafe.ReadUnaligned<float>(ref source);

    public static void Store(ref byte destination, float value) => Unsafe.WriteUnaligned(ref destination, value);

    public static Vector128<float> Load128(ref byte source) => Unsafe.ReadUnaligned<Vector128<float>>(ref source);

    public static void Store128(ref byte destination, Vector128<float> value) => Unsafe.WriteUnaligned(ref destination, value);

    public static Vector256<float> Load256(ref byte source) => Unsafe.ReadUnaligned<Vector256<float>>(ref source);

    public static void Store256(ref byte destination, Vector256<float> value) => Unsafe.WriteUnaligned(ref destination, value);

    public static Vector512<float> Load512(ref byte source) => Unsafe.ReadUnaligned<Vector512<float>>(ref source);

    public static void Store512(ref byte destination, Vector512<float> value) => Unsafe.WriteUnaligned(ref destination, value);
}

/// <summary>IEEE binary16, widened and narrowed with integer lane arithmetic (<see cref="HalfLanes"/>).</summary>
internal readonly struct F16Codec : IElementCodec
{
    public static int Size => 2;

    public static bool IsVectorized => true;

    public static float Load(ref byte source) => ScalarConvert.F16ToSingle(Unsafe.ReadUnaligned<ushort>(ref source));

    public static void Store(ref byte destination, float value) => Unsafe.WriteUnaligned(ref destination, ScalarConvert.SingleToF16(value));

    public static Vector128<float> Load128(ref byte source) => HalfLanes.F16ToSingle(LaneLoad.Load4x16(ref source));

    public static void Store128(ref byte destination, Vector128<float> value) => LaneLoad.Store4x16(ref destination, HalfLanes.SingleToF16(value));

    public static Vector256<float> Load256(ref byte source) => HalfLanes.F16ToSingle(LaneLoad.Load8x16(ref source));

    public static void Store256(ref byte destination, Vector256<float> value) => LaneLoad.Store8x16(ref destination, HalfLanes.SingleToF16(value));

    public static Vector512<float> Load512(ref byte source) => HalfLanes.F16ToSingle(LaneLoad.Load16x16(ref source));

    public static void Store512(ref byte destination, Vector512<float> value) => LaneLoad.Store16x16(ref destination, HalfLanes.SingleToF16(value));
}

/// <summary>bfloat16: a shift by 16 to widen; narrowing rounds to nearest even and quiets NaNs.</summary>
internal readonly struct BF16Codec : IElementCodec
{
    public static int Size => 2;

    public static bool IsVectorized => true;

    public static float Load(ref byte source) => ScalarConvert.BF16ToSingle(Unsafe.ReadUnaligned<ushort>(ref source));

    public static void Store(ref byte destination, float value) => Unsafe.WriteUnaligned(ref destination, ScalarConvert.SingleToBF16(value));

    public static Vector128<float> Load128(ref byte source) => HalfLanes.BF16ToSingle(LaneLoad.Load4x16(ref source));

    public static void Store128(ref byte destination, Vector128<float> value) => LaneLoad.Store4x16(ref destination, HalfLanes.SingleToBF16(value));

    public static Vector256<float> Load256(ref byte source) => HalfLanes.BF16ToSingle(LaneLoad.Load8x16(ref source));

    public static void Store256(ref byte destination, Vector256<float> value) => LaneLoad.Store8x16(ref destination, HalfLanes.SingleToBF16(value));

    public static Vector512<float> Load512(ref byte source) => HalfLanes.BF16ToSingle(LaneLoad.Load16x16(ref source));

    public static void Store512(ref byte destination, Vector512<float> value) => LaneLoad.Store16x16(ref destination, HalfLanes.SingleToBF16(value));
}

/// <summary>binary64: narrowed to binary32 with the hardware's round-to-nearest-even conversion; widening is exact.</summary>
internal readonly struct F64Codec : IElementCodec
{
    public static int Size => 8;

    public static bool IsVectorized => true;

    public static float Load(ref byte source) => (float)Unsafe.ReadUnaligned<double>(ref source);

    public static void Store(ref byte destination, float value) => Unsafe.WriteUnaligned(ref destination, (double)value);

    public static Vector128<float> Load128(ref byte source) => Vector128.Narrow(
        Unsafe.ReadUnaligned<Vector128<double>>(ref source),
        Unsafe.ReadUnaligned<Vector128<double>>(ref Unsafe.Add(ref source, 16)));

    public static void Store128(ref byte destination, Vector128<float> value)
    {
        Unsafe.WriteUnaligned(ref destination, Vector128.WidenLower(value));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, 16), Vector128.WidenUpper(value));
    }

    public static Vector256<float> Load256(ref byte source) => Vector256.Narrow(
        Unsafe.ReadUnaligned<Vector256<double>>(ref source),
        Unsafe.ReadUnaligned<Vector256<double>>(ref Unsafe.Add(ref source, 32)));

    public static void Store256(ref byte destination, Vector256<float> value)
    {
        Unsafe.WriteUnaligned(ref destination, Vector256.WidenLower(value));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, 32), Vector256.WidenUpper(value));
    }

    public static Vector512<float> Load512(ref byte source) => Vector512.Narrow(
        Unsafe.ReadUnaligned<Vector512<double>>(ref source),
        Unsafe.ReadUnaligned<Vector512<double>>(ref Unsafe.Add(ref source, 64)));

    public static void Store512(ref byte destination, Vector512<float> value)
    {
        Unsafe.WriteUnaligned(ref destination, Vector512.WidenLower(value));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, 64), Vector512.WidenUpper(value));
    }
}
