using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Fast.Merging.Tests.PositionIds;

/// <summary>Reads the single-tensor vector files: 8-byte LE header length, JSON header, raw data (F32 or I64 only).</summary>
internal static class TinySafeTensors
{
    public static (string Name, string DType, long[] Shape, double[] Values) ReadSingle(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, headerLength));
        var entry = header.RootElement.EnumerateObject().Single(p => p.Name != "__metadata__");
        var dtype = entry.Value.GetProperty("dtype").GetString()!;
        var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var data = bytes.AsSpan(8 + headerLength + offsets[0], offsets[1] - offsets[0]);
        Assert.Equal(bytes.Length, 8 + headerLength + offsets[1]);
        var values = dtype switch
        {
            "F32" => Enumerable.Range(0, data.Length / 4).Select(i => (double)BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + headerLength + offsets[0] + (i * 4)))).ToArray(),
            "I64" => Enumerable.Range(0, data.Length / 8).Select(i => (double)BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8 + headerLength + offsets[0] + (i * 8)))).ToArray(),
            _ => throw new NotSupportedException(dtype),
        };
        return (entry.Name, dtype, shape, values);
    }
}
