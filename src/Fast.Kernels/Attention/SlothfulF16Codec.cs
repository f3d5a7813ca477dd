using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Fast.Kernels.Conversion;

namespace Fast.Kernels.Attention;

/// <summary>
/// binary16 for the pooling kernel: <see cref="SlothfulHalf"/>'s conversions, loads that sign-extend the 16-bit
/// patterns (the sign is then bit 31 already) and, with AVX-512, a single truncating vpmovdw per store. The scalar
/// members are <see cref="ScalarConvert"/>'s, the oracle the vector ones equal.
/// </summary>
internal readonly struct SlothfulF16Codec : IElementCodec
{
    public static int Size => 2;

    public static bool IsVectorized => true;

    public static float Load(ref byte source) => ScalarConvert.F16ToSingle(Unsafe.ReadUnaligned<ushort>(ref source));

    public static void Store(ref byte destination, float value) => Unsafe.WriteUnaligned(ref destination, ScalarConvert.SingleToF16(value));

    public static Vector128<float> Load128(ref byte source) =>
        SlothfulHalf.Widen(Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref source)).AsInt16()));

    public static void Store128(ref byte destination, Vector128<float> value)
    {
        Vector128<uint> lanes = SlothfulHalf.Narrow(value);
        if (Avx512F.VL.IsSupported)
        {
            Unsafe.WriteUnaligned(ref destination, Avx512F.VL.ConvertToVector128UInt16(lanes).AsUInt64().ToScalar());
        }
        else
        {
            LaneLoad.Store4x16(ref destination, lanes);
        }
    }

    public static Vector256<float> Load256(ref byte source) =>
        SlothfulHalf.Widen(Vector256.WidenLower(Unsafe.ReadUnaligned<Vector128<short>>(ref source).ToVector256Unsafe()));

    public static void Store256(ref byte destination, Vector256<float> value)
    {
        Vector256<uint> lanes = SlothfulHalf.Narrow(value);
        if (Avx512F.VL.IsSupported)
        {
            Unsafe.WriteUnaligned(ref destination, Avx512F.VL.ConvertToVector128UInt16(lanes));
        }
        else
        {
            LaneLoad.Store8x16(ref destination, lanes);
        }
    }

    public static Vector512<float> Load512(ref byte source) =>
        SlothfulHalf.Widen(Vector512.WidenLower(Unsafe.ReadUnaligned<Vector256<short>>(ref source).ToVector512Unsafe()));

    // Vector512 is accelerated only with AVX-512 F/BW/CD/DQ/VL, so vpmovdw is there whenever this runs.
    public static void Store512(ref byte destination, Vector512<float> value) =>
        Unsafe.WriteUnaligned(ref destination, Avx512F.ConvertToVector256UInt16(SlothfulHalf.Narrow(value)));
}
