using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Fast.Kernels.Conversion;

/// <summary>
/// Loads 16-bit patterns zero-extended into 32-bit lanes, and stores the low 16 bits of 32-bit lanes back. The x86
/// intrinsic forms let the JIT fold the memory operand into vpmovzxwd / vpmovdw; the generic forms load into a register
/// first (WidenLower), or narrow both halves and re-insert one (Narrow(x, x).GetLower()): one or two more instructions
/// per vector in every fp16/bf16 loop. Narrowing truncates in both forms; the lanes hold 16-bit values anyway.
/// </summary>
internal static class LaneLoad
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> Load4x16(ref byte source) =>
        Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref source)).AsUInt16());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store4x16(ref byte destination, Vector128<uint> lanes) =>
        Unsafe.WriteUnaligned(ref destination, Vector128.Narrow(lanes, lanes).AsUInt64().ToScalar());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Load8x16(ref byte source) => Avx2.IsSupported
        ? Avx2.ConvertToVector256Int32(Unsafe.ReadUnaligned<Vector128<ushort>>(ref source)).AsUInt32() // one vpmovzxwd from memory
        : Vector256.WidenLower(Unsafe.ReadUnaligned<Vector128<ushort>>(ref source).ToVector256Unsafe());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store8x16(ref byte destination, Vector256<uint> lanes)
    {
        if (Avx512F.VL.IsSupported)
        {
            Unsafe.WriteUnaligned(ref destination, Avx512F.VL.ConvertToVector128UInt16(lanes)); // one vpmovdw to memory
        }
        else
        {
            Unsafe.WriteUnaligned(ref destination, Vector256.Narrow(lanes, lanes).GetLower());
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Load16x16(ref byte source) => Avx512F.IsSupported
        ? Avx512F.ConvertToVector512UInt32(Unsafe.ReadUnaligned<Vector256<ushort>>(ref source)) // one vpmovzxwd from memory
        : Vector512.WidenLower(Unsafe.ReadUnaligned<Vector256<ushort>>(ref source).ToVector512Unsafe());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store16x16(ref byte destination, Vector512<uint> lanes)
    {
        if (Avx512F.IsSupported)
        {
            Unsafe.WriteUnaligned(ref destination, Avx512F.ConvertToVector256UInt16(lanes)); // one vpmovdw to memory
        }
        else
        {
            Unsafe.WriteUnaligned(ref destination, Vector512.Narrow(lanes, lanes).GetLower());
        }
    }
}
