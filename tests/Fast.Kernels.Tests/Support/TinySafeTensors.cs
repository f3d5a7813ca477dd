using System.Buffers.Binary;
using System.Text.Json;

namespace Fast.Kernels.Tests.Support;

/// <summary>
/// Just enough safetensors to read the golden files written by native-compat/reference/golden_arith.py
/// (the real reader lives in Fast.SafeTensors; the kernels' tests do not depend on it).
/// </summary>
internal sealed class TinySafeTensors
{
    private readonly byte[] _file;
    private readonly int _dataStart;
    private readonly Dictionary<string, (ElementType Type, int Start, int End)> _entries = [];

    public TinySafeTensors(string path)
    {
        _file = File.ReadAllBytes(path);
        int headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(_file));
        _dataStart = 8 + headerLength;
        using var json = JsonDocument.Parse(_file.AsMemory(8, headerLength));
        foreach (JsonProperty p in json.RootElement.EnumerateObject())
        {
            if (p.Name == "__metadata__")
            {
                continue;
            }

            ElementType type = p.Value.GetProperty("dtype").GetString() switch
            {
                "F16" => ElementType.F16,
                "BF16" => ElementType.BF16,
                "F32" => ElementType.F32,
                string other => throw new InvalidDataException($"dtype {other} not used by the goldens"),
                null => throw new InvalidDataException("missing dtype"),
            };
            JsonElement offsets = p.Value.GetProperty("data_offsets");
            _entries[p.Name] = (type, offsets[0].GetInt32(), offsets[1].GetInt32());
        }
    }

    public IEnumerable<string> Names => _entries.Keys;

    public (ElementType Type, byte[] Bytes) Get(string name)
    {
        var (type, start, end) = _entries[name];
        return (type, _file.AsSpan(_dataStart + start, end - start).ToArray());
    }
}
