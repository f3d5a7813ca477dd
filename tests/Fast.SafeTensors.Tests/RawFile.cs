using System.Buffers.Binary;
using System.Text;

namespace Fast.SafeTensors.Tests;

/// <summary>Hand-built safetensors bytes, for files no writer would produce.</summary>
internal static class RawFile
{
    /// <summary>8-byte prefix (N = header length unless overridden), header bytes, then <paramref name="dataBytes"/> bytes 0,1,2,...</summary>
    public static byte[] Build(byte[] header, long dataBytes = 0, ulong? declaredHeaderLength = null)
    {
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredHeaderLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        for (long i = 0; i < dataBytes; i++)
        {
            bytes[8 + header.Length + i] = (byte)i;
        }

        return bytes;
    }

    public static byte[] Build(string json, long dataBytes = 0, ulong? declaredHeaderLength = null) =>
        Build(Encoding.UTF8.GetBytes(json), dataBytes, declaredHeaderLength);

    /// <summary>Single tensor entry JSON with the given parts, for compact test cases.</summary>
    public static string Entry(string dtype = "\"F32\"", string shape = "[2]", string offsets = "[0,8]") =>
        $"{{\"dtype\":{dtype},\"shape\":{shape},\"data_offsets\":{offsets}}}";
}
