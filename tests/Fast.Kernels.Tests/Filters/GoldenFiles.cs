using Xunit;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Fast.Kernels.Tests.Filters;

/// <summary>Reads the tiny all-F32 safetensors goldens written by native-compat/reference/golden_filters.py.</summary>
internal static class GoldenFiles
{
    public static string Directory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Fast.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new InvalidOperationException("Fast.sln not found above the test binaries.");
        }

        return Path.Combine(dir.FullName, "native-compat", "reference", "goldens");
    }

    public static Dictionary<string, (int[] Shape, float[] Data)> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, headerLength));
        var tensors = new Dictionary<string, (int[], float[])>();
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__")
            {
                continue;
            }

            Assert.Equal("F32", entry.Value.GetProperty("dtype").GetString());
            int[] shape = [.. entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32())];
            int[] offsets = [.. entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt32())];
            var data = new float[(offsets[1] - offsets[0]) / 4];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8 + headerLength + offsets[0] + (4 * i)));
            }

            tensors[entry.Name] = (shape, data);
        }

        return tensors;
    }
}
