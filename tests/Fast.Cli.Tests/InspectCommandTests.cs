using System.Text.Json;

namespace Fast.Cli.Tests;

public class InspectCommandTests : IClassFixture<SyntheticModels>
{
    private readonly SyntheticModels _models;

    public InspectCommandTests(SyntheticModels models) => _models = models;

    [Fact]
    public void JsonHasSummaryMetadataAndEveryTensorWithItsByteRange()
    {
        using JsonDocument doc = InspectJson.Of(_models.Sd1B);
        JsonElement root = doc.RootElement;
        long fileBytes = new FileInfo(_models.Sd1B).Length;
        Assert.Equal(_models.Sd1B, root.GetProperty("path").GetString());
        Assert.Equal(fileBytes, root.GetProperty("file_bytes").GetInt64());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("metadata").ValueKind);
        Assert.Equal("pt", root.GetProperty("metadata").GetProperty("format").GetString());

        JsonElement[] tensors = [.. root.GetProperty("tensors").EnumerateArray()];
        Assert.Equal(root.GetProperty("tensor_count").GetInt32(), tensors.Length);
        var sizes = new Dictionary<string, int> { ["BF16"] = 2, ["I64"] = 8 };
        var ranges = new List<(long Start, long End)>();
        var perDType = new Dictionary<string, (int Tensors, long Parameters, long Bytes)>();
        foreach (JsonElement t in tensors)
        {
            Assert.Equal(["name", "dtype", "shape", "data_offsets"], t.EnumerateObject().Select(p => p.Name).ToArray());
            string dtype = t.GetProperty("dtype").GetString()!;
            long elements = t.GetProperty("shape").EnumerateArray().Aggregate(1L, (n, d) => n * d.GetInt64());
            long start = t.GetProperty("data_offsets")[0].GetInt64();
            long end = t.GetProperty("data_offsets")[1].GetInt64();
            Assert.Equal(elements * sizes[dtype], end - start);
            ranges.Add((start, end));
            perDType.TryGetValue(dtype, out var sum);
            perDType[dtype] = (sum.Tensors + 1, sum.Parameters + elements, sum.Bytes + end - start);
        }

        // Byte ranges run back to back from 0, and header + data is the whole file.
        ranges.Sort();
        long expectedStart = 0;
        foreach (var (start, end) in ranges)
        {
            Assert.Equal(expectedStart, start);
            expectedStart = end;
        }

        Assert.Equal(fileBytes, root.GetProperty("header_bytes").GetInt64() + expectedStart);

        // The per-dtype summary adds up to the tensor list.
        foreach (JsonElement d in root.GetProperty("dtypes").EnumerateArray())
        {
            var sum = perDType[d.GetProperty("dtype").GetString()!];
            Assert.Equal(sum.Tensors, d.GetProperty("tensors").GetInt32());
            Assert.Equal(sum.Parameters, d.GetProperty("parameters").GetInt64());
            Assert.Equal(sum.Bytes, d.GetProperty("bytes").GetInt64());
        }

        Assert.Equal(perDType.Count, root.GetProperty("dtypes").GetArrayLength());
    }

    [Fact]
    public void TextAndBufferedModeAgreeOnTheCount()
    {
        var text = CliRunner.Run("inspect", _models.Sd1A, "--no-mmap");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("1131 tensors", text.StdOut, StringComparison.Ordinal);
    }
}
