using System.Text.Json;

namespace Fast.Cli.Tests;

public class SynthCommandTests
{
    // Tensor counts of the whole checkpoints (shared/arch): UNet + CLIP + VAE key lists, independent of --scale.
    // sd1 686 + 197 + 248, sd1-inpaint the same keys with a 9-channel conv_in, sd2 686 + 294 + 248,
    // sdxl 1680 + 197 + 390 + 248.
    [Theory]
    [InlineData("sd1", 1131)]
    [InlineData("sd1-inpaint", 1131)]
    [InlineData("sd2", 1228)]
    [InlineData("sdxl", 2515)]
    public void WritesEveryTensorOfTheArchitecture(string arch, int expectedTensors)
    {
        using var dir = new TempDir();
        string path = dir.File(arch + ".safetensors");
        var r = CliRunner.Run("synth", "--arch", arch, "--scale", "64", "--dtype", "bf16", "-o", path);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains($"{expectedTensors} tensors", r.StdOut, StringComparison.Ordinal);

        using JsonDocument doc = InspectJson.Of(path);
        JsonElement root = doc.RootElement;
        Assert.Equal(expectedTensors, root.GetProperty("tensor_count").GetInt32());
        JsonElement[] tensors = [.. root.GetProperty("tensors").EnumerateArray()];
        Assert.Equal(expectedTensors, tensors.Length);
        foreach (JsonElement t in tensors)
        {
            string name = t.GetProperty("name").GetString()!;
            string expectedDType = name.EndsWith("position_ids", StringComparison.Ordinal) ? "I64" : "BF16";
            Assert.True(expectedDType == t.GetProperty("dtype").GetString(), $"{name} is {t.GetProperty("dtype")}");
        }
    }

    // The transformers are one layout table each: synth makes them, inspect and check name them, merge takes their blocks.
    [Theory]
    [InlineData("flux", 780, "Flux.1 dev", 64)]
    [InlineData("flux-schnell", 776, "Flux.1 schnell", 64)]
    [InlineData("sd3", 491, "SD3 medium", 31)]
    [InlineData("sd3.5", 923, "SD3.5 large", 45)]
    public void TransformersAreSynthesizedAndNamedByInspectCheckAndMerge(string arch, int expectedTensors, string name, int blocks)
    {
        using var dir = new TempDir();
        string a = dir.File("a.safetensors"), b = dir.File("b.safetensors"), merged = dir.File("m.safetensors");
        Assert.Contains($"{expectedTensors} tensors", CliRunner.Run("synth", "--arch", arch, "--scale", "64", "--seed", "1", "-o", a).StdOut, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run("synth", "--arch", arch, "--scale", "64", "--seed", "2", "-o", b).ExitCode);

        var inspect = CliRunner.Run("inspect", a);
        Assert.Contains($"architecture: {name} (scale 1/64); block weights: {blocks} (BASE, ", inspect.StdOut, StringComparison.Ordinal);
        var check = CliRunner.Run("check", a);
        Assert.Equal(0, check.ExitCode);
        Assert.Contains($"architecture: {name}", check.StdOut, StringComparison.Ordinal);

        string weights = string.Join(',', Enumerable.Repeat("0.25", blocks - 1));
        var merge = CliRunner.Run("merge", "-a", a, "-b", b, "-o", merged, "--mode", "ws", "--weights-alpha", weights);
        Assert.True(merge.ExitCode == 0, merge.StdErr);
        var wrong = CliRunner.Run("merge", "-a", a, "-b", b, "-o", dir.File("x.safetensors"), "--mode", "ws", "--weights-alpha", string.Join(',', Enumerable.Repeat("0.25", 26)));
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains($"takes {blocks}", wrong.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sd1", 4)]
    [InlineData("sd1-inpaint", 9)]
    public void ConvInHasTheArchitecturesInputChannels(string arch, int channels)
    {
        using var dir = new TempDir();
        string path = dir.File("m.safetensors");
        Assert.Equal(0, CliRunner.Run("synth", "--arch", arch, "--scale", "64", "-o", path).ExitCode);
        using JsonDocument doc = InspectJson.Of(path);
        JsonElement convIn = doc.RootElement.GetProperty("tensors").EnumerateArray()
            .Single(t => t.GetProperty("name").GetString() == "model.diffusion_model.input_blocks.0.0.weight");
        Assert.Equal(channels, convIn.GetProperty("shape")[1].GetInt32());
    }

    [Fact]
    public void EmaAndJunkAddTheirKeys()
    {
        using var dir = new TempDir();
        string path = dir.File("m.safetensors");
        var r = CliRunner.Run("synth", "--arch", "sd1", "--scale", "64", "--ema", "--junk", "-o", path);
        Assert.Equal(0, r.ExitCode);
        using JsonDocument doc = InspectJson.Of(path);
        string[] names = [.. doc.RootElement.GetProperty("tensors").EnumerateArray().Select(t => t.GetProperty("name").GetString()!)];

        // 686 EMA copies of the UNet plus model_ema.decay and model_ema.num_updates; three junk keys.
        Assert.Equal(1131 + 686 + 2 + 3, names.Length);
        Assert.Contains("model_ema.decay", names);
        Assert.Contains("model_ema.num_updates", names);
        Assert.Equal(688, names.Count(n => n.StartsWith("model_ema.", StringComparison.Ordinal)));
    }

    [Fact]
    public void SameSeedSameBytesOtherSeedOtherBytes()
    {
        using var dir = new TempDir();
        string[] paths = [dir.File("1.safetensors"), dir.File("1again.safetensors"), dir.File("2.safetensors")];
        string[] seeds = ["1", "1", "2"];
        for (int i = 0; i < paths.Length; i++)
        {
            Assert.Equal(0, CliRunner.Run("synth", "--arch", "sd1", "--scale", "64", "--seed", seeds[i], "-o", paths[i]).ExitCode);
        }

        Assert.Equal(File.ReadAllBytes(paths[0]), File.ReadAllBytes(paths[1]));
        Assert.NotEqual(File.ReadAllBytes(paths[0]), File.ReadAllBytes(paths[2]));
    }

    [Fact]
    public void UnknownArchitectureIsAUsageError()
    {
        using var dir = new TempDir();
        string path = dir.File("m.safetensors");
        var r = CliRunner.Run("synth", "--arch", "sd9", "-o", path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("sd9", r.StdErr, StringComparison.Ordinal);
        Assert.Single(r.StdErr.Trim().Split('\n'));
        Assert.False(File.Exists(path));
    }
}
