using System.Runtime.Intrinsics;

namespace Fast.Kernels.Conversion;

/// <summary>
/// Reads and writes one storage format as binary32 lanes at every vector width. <c>ref byte</c> points at the
/// first element; loads and stores are unaligned (safetensors data has no alignment guarantee).
/// </summary>
internal interface IElementCodec
{
    /// <summary>Bytes per element.</summary>
    static abstract int Size { get; }

    /// <summary>Whether the vector members are real SIMD code (fp8 formats are converted one element at a time).</summary>
    static abstract bool IsVectorized { get; }

    static abstract float Load(ref byte source);

    static abstract void Store(ref byte destination, float value);

    static abstract Vector128<float> Load128(ref byte source);

    static abstract void Store128(ref byte destination, Vector128<float> value);

    static abstract Vector256<float> Load256(ref byte source);

    static abstract void Store256(ref byte destination, Vector256<float> value);

    static abstract Vector512<float> Load512(ref byte source);

    static abstract void Store512(ref byte destination, Vector512<float> value);
}
