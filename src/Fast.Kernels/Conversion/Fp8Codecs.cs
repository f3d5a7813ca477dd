using System.Runtime.Intrinsics;

namespace Fast.Kernels.Conversion;

/// <summary>fp8 e4m3fn, one element at a time; widening is a 256-entry table.</summary>
internal readonly struct F8E4M3Codec : IElementCodec
{
    private static readonly float[] s_table = Fp8Table.Build(ScalarConvert.F8E4M3ToSingle);

    public static int Size => 1;

    public static bool IsVectorized => false;

    public static float Load(ref byte source) => s_table[source];

    public static void Store(ref byte destination, float value) => destination = ScalarConvert.SingleToF8E4M3(value);

    public static Vector128<float> Load128(ref byte source) => throw new NotSupportedException();

    public static void Store128(ref byte destination, Vector128<float> value) => throw new NotSupportedException();

    public static Vector256<float> Load256(ref byte source) => throw new NotSupportedException();

    public static void Store256(ref byte destination, Vector256<float> value) => throw new NotSupportedException();

    public static Vector512<float> Load512(ref byte source) => throw new NotSupportedException();

    public static void Store512(ref byte destination, Vector512<float> value) => throw new NotSupportedException();
}

/// <summary>fp8 e5m2, one element at a time; widening is a 256-entry table.</summary>
internal readonly struct F8E5M2Codec : IElementCodec
{
    private static readonly float[] s_table = Fp8Table.Build(ScalarConvert.F8E5M2ToSingle);

    public static int Size => 1;

    public static bool IsVectorized => false;

    public static float Load(ref byte source) => s_table[source];

    public static void Store(ref byte destination, float value) => destination = ScalarConvert.SingleToF8E5M2(value);

    public static Vector128<float> Load128(ref byte source) => throw new NotSupportedException();

    public static void Store128(ref byte destination, Vector128<float> value) => throw new NotSupportedException();

    public static Vector256<float> Load256(ref byte source) => throw new NotSupportedException();

    public static void Store256(ref byte destination, Vector256<float> value) => throw new NotSupportedException();

    public static Vector512<float> Load512(ref byte source) => throw new NotSupportedException();

    public static void Store512(ref byte destination, Vector512<float> value) => throw new NotSupportedException();
}

internal static class Fp8Table
{
    public static float[] Build(Func<byte, float> widen)
    {
        var table = new float[256];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = widen((byte)i);
        }

        return table;
    }
}
