using System.Runtime.InteropServices;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Engine;

/// <summary>Independent scalar reading of stored tensors to double, and the double/f32 reference formulas.</summary>
internal static class Oracle
{
    public static double[] Read(string path, string key, out IReadOnlyList<long> shape, out DType dtype)
    {
        using SafeTensorsFile file = SafeTensorsFile.Open(path, ReadMode.Buffered);
        TensorInfo t = file[key];
        shape = t.Shape;
        dtype = t.DType;
        byte[] raw = new byte[t.ByteLength];
        file.CopyTo(t, 0, raw);
        return t.DType switch
        {
            DType.F16 => [.. MemoryMarshal.Cast<byte, Half>(raw).ToArray().Select(h => (double)h)],
            DType.BF16 => [.. MemoryMarshal.Cast<byte, ushort>(raw).ToArray().Select(u => (double)BitConverter.Int32BitsToSingle(u << 16))],
            DType.F32 => [.. MemoryMarshal.Cast<byte, float>(raw).ToArray().Select(f => (double)f)],
            DType.I64 => [.. MemoryMarshal.Cast<byte, long>(raw).ToArray().Select(v => (double)v)],
            _ => throw new NotSupportedException(t.DType.ToString()),
        };
    }

    public static double[] Read(string path, string key) => Read(path, key, out _, out _);

    /// <summary>Rounds to the stored dtype the way the output is stored (round to nearest even).</summary>
    public static double Round(double value, DType dtype) => dtype switch
    {
        DType.F16 => (double)(Half)(float)value,
        DType.BF16 => BFloat16((float)value),
        _ => (float)value,
    };

    /// <summary>torch's f32 lerp (SPEC §2), through exact double fma emulation: d and w·d are exact in double only approximately, so use MathF.</summary>
    public static float Lerp(float s, float e, float w)
    {
        float d = e - s;
        return Math.Abs(w) < 0.5f ? MathF.FusedMultiplyAdd(w, d, s) : MathF.FusedMultiplyAdd(w - 1f, d, e);
    }

    public static double Ulp(double value, DType dtype) => dtype switch
    {
        DType.F16 => Math.Max(Math.Pow(2, Math.Floor(Math.Log2(Math.Abs(value) + 1e-30)) - 10), Math.Pow(2, -24)),
        DType.BF16 => Math.Pow(2, Math.Floor(Math.Log2(Math.Abs(value) + 1e-38)) - 7),
        _ => Math.Pow(2, Math.Floor(Math.Log2(Math.Abs(value) + 1e-38)) - 23),
    };

    private static double BFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        uint rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000;
        return BitConverter.UInt32BitsToSingle(rounded);
    }
}
