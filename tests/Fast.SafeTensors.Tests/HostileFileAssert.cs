using Xunit;

namespace Fast.SafeTensors.Tests;

/// <summary>Runs a file through every entry point (in memory, buffered, mapped) and checks they agree.</summary>
internal static class HostileFileAssert
{
    public static SafeTensorsFormatException Rejected(byte[] bytes, FormatRule rule, string? tensorName = null)
    {
        var inMemory = Assert.Throws<SafeTensorsFormatException>(() => HeaderValidator.ParseFile(bytes, "memory.safetensors"));
        Assert.Equal(rule, inMemory.Rule);
        if (tensorName is not null)
        {
            Assert.Equal(tensorName, inMemory.TensorName);
        }

        using var dir = new TempDir();
        string path = dir.Write("hostile.safetensors", bytes);
        foreach (ReadMode mode in new[] { ReadMode.Buffered, ReadMode.Mapped })
        {
            var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Open(path, mode).Dispose());
            Assert.Equal(rule, e.Rule);
            Assert.Equal(path, e.FilePath);
            Assert.Equal(inMemory.TensorName, e.TensorName);
            Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e.Message);
            if (e.TensorName is not null)
            {
                Assert.Contains("(tensor '", e.Message, StringComparison.Ordinal);
            }
        }

        return inMemory;
    }

    public static SafeTensorsFormatException Rejected(string json, long dataBytes, FormatRule rule, string? tensorName = null) =>
        Rejected(RawFile.Build(json, dataBytes), rule, tensorName);

    /// <summary>Opens the file both ways and checks both see the same tensors.</summary>
    public static SafeTensorsHeader Accepted(byte[] bytes)
    {
        SafeTensorsHeader header = HeaderValidator.ParseFile(bytes, "memory.safetensors");
        using var dir = new TempDir();
        string path = dir.Write("ok.safetensors", bytes);
        foreach (ReadMode mode in new[] { ReadMode.Buffered, ReadMode.Mapped })
        {
            using var file = SafeTensorsFile.Open(path, mode);
            Assert.Equal(bytes.Length, file.FileLength);
            Assert.Equal(header.TensorsInFileOrder.Select(t => t.ToString()), file.Tensors.Select(t => t.ToString()));
            Assert.Equal(header.Metadata, file.Metadata);
        }

        return header;
    }

    public static SafeTensorsHeader Accepted(string json, long dataBytes) => Accepted(RawFile.Build(json, dataBytes));
}
