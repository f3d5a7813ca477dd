using ILGPU;

namespace Fast.Kernels.Gpu.Kernels;

/// <summary>Widening of stored elements to f32 and narrowing back, one thread per element.</summary>
internal static class ConversionKernels
{
    public static void WidenHalf<TMath>(Index1D i, ArrayView<ushort> source, ArrayView<float> output)
        where TMath : struct, IStrictMath =>
        output[i] = ElementConversions.HalfBitsToSingle<TMath>(source[i]);

    public static void WidenBFloat16(Index1D i, ArrayView<ushort> source, ArrayView<float> output) =>
        output[i] = ElementConversions.BFloat16BitsToSingle(source[i]);

    public static void WidenDouble(Index1D i, ArrayView<double> source, ArrayView<float> output) =>
        output[i] = (float)source[i];

    public static void WidenFp8<TMath>(Index1D i, ArrayView<byte> source, ArrayView<float> output, int e5m2)
        where TMath : struct, IStrictMath =>
        output[i] = ElementConversions.Fp8BitsToSingle<TMath>(source[i], e5m2 != 0);

    public static void NarrowHalf(Index1D i, ArrayView<float> source, ArrayView<ushort> output) =>
        output[i] = ElementConversions.SingleToHalfBits(source[i]);

    public static void NarrowBFloat16(Index1D i, ArrayView<float> source, ArrayView<ushort> output) =>
        output[i] = ElementConversions.SingleToBFloat16Bits(source[i]);

    public static void NarrowToDouble(Index1D i, ArrayView<float> source, ArrayView<double> output) =>
        output[i] = source[i];

    public static void NarrowFp8(Index1D i, ArrayView<float> source, ArrayView<byte> output, int e5m2) =>
        output[i] = ElementConversions.SingleToFp8Bits(source[i], e5m2 != 0);
}
