using System.Runtime.InteropServices;
using Fast.Merging.Lora;
using Fast.Merging.Lora.Bake;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Lora;

/// <summary>
/// DoRA bake (ComfyUI's weight_decompose) on a single CLIP MLP weight larger than one bake chunk, against the formula
/// evaluated in binary64 here; the torch reference holds the binary32 rounding (test_lora_bake_dora.py).
/// </summary>
public sealed class DoraBakeTests : IDisposable
{
    private const string WeightKey = "cond_stage_model.transformer.text_model.encoder.layers.0.mlp.fc1.weight";
    private const string Module = "lora_te_text_model_encoder_layers_0_mlp_fc1";

    // 640 × 512 = 327,680 elements: more than one bake chunk (2¹⁸), so the per-input-channel norms need the whole tensor.
    private const int Rows = 640;
    private const int Columns = 512;
    private const int Rank = 4;
    private const float Alpha = 2f;

    private readonly string _dir = Directory.CreateTempSubdirectory("fastmerge-dora-").FullName;
    private readonly float[] _weight;
    private readonly float[] _up;
    private readonly float[] _down;

    public DoraBakeTests()
    {
        var random = new Random(7);
        _weight = Values(random, Rows * Columns, 0.05);
        _up = Values(random, Rows * Rank, 0.1);
        _down = Values(random, Rank * Columns, 0.1);
        Write(Path.Combine(_dir, "model.safetensors"), (WeightKey, [Rows, Columns], _weight));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(true, 1.0)]
    [InlineData(true, 0.5)]
    [InlineData(false, 1.0)]
    [InlineData(false, -0.7)]
    public void BakesComfyUisWeightDecompose(bool onOutput, double strength)
    {
        float[] magnitude = Values(new Random(11), onOutput ? Rows : Columns, 0.1).Select(v => 1.5f + v).ToArray();
        long[] shape = onOutput ? [Rows, 1] : [1, Columns];
        string lora = WriteLora("dora.safetensors", (Module + ".dora_scale", shape, magnitude));

        float[] baked = Bake(lora, strength);

        double[] expected = Expected(onOutput, magnitude, strength);
        for (int e = 0; e < baked.Length; e++)
        {
            // The binary32 steps (ΔW, norm, scale, product, blend) round a few times; a row's elements share its size.
            double size = Math.Abs(_weight[e]) + Math.Abs(expected[e]) + 1e-3;
            Assert.True(Math.Abs(baked[e] - expected[e]) <= 1e-6 * size, $"element {e}: {baked[e]} vs {expected[e]}");
        }

        if (!onOutput && strength == 1.0)
        {
            // At strength 1 each input channel of the result has the magnitude as its norm: what DoRA means.
            for (int c = 0; c < Columns; c++)
            {
                double sum = 0;
                for (int r = 0; r < Rows; r++)
                {
                    sum += (double)baked[(r * Columns) + c] * baked[(r * Columns) + c];
                }

                Assert.True(Math.Abs(Math.Sqrt(sum) - magnitude[c]) <= 1e-6 * magnitude[c], $"channel {c}: norm {Math.Sqrt(sum)}, magnitude {magnitude[c]}");
            }
        }
    }

    [Theory]
    [InlineData(new long[] { Rows + 1, 1 })]
    [InlineData(new long[] { 1, Columns - 1 })]
    [InlineData(new long[] { Rows })]
    [InlineData(new long[] { 2, Columns })]
    public void RefusesAMagnitudeThatFitsNeitherAxisNamingTheKey(long[] shape)
    {
        string key = Module + ".dora_scale";
        string lora = WriteLora("bad.safetensors", (key, shape, new float[shape.Aggregate(1L, (a, b) => a * b)]));
        string output = Path.Combine(_dir, "out.safetensors");

        LoraException e = Assert.Throws<LoraException>(() => LoraBaker.Bake(Path.Combine(_dir, "model.safetensors"), [LoraInput.Parse(lora)], output, new LoraBakeOptions()));

        Assert.Contains(key, e.Message, StringComparison.Ordinal);
        Assert.Contains(lora, e.Message, StringComparison.Ordinal);
        Assert.Contains("fits neither", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void RefusesAMagnitudeWithoutFactors()
    {
        string key = Module + ".dora_scale";
        string lora = Path.Combine(_dir, "lone.safetensors");
        Write(lora, (key, [Rows, 1], new float[Rows]));

        LoraException e = Assert.Throws<LoraException>(() => LoraBaker.Bake(Path.Combine(_dir, "model.safetensors"), [LoraInput.Parse(lora)], Path.Combine(_dir, "o.safetensors"), new LoraBakeOptions()));

        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InspectCountsDoraOnEveryFamilyWithoutTakingItsFamily()
    {
        // dora_scale sorts before hada_*/lokr_* in a safetensors header; it must not make a LoHa module "kohya".
        LoraSummary s = LoraRecognizer.Recognize(
        [
            new("lora_unet_mid_block_resnets_0_conv1.dora_scale", [1, 320, 1, 1]),
            new("lora_unet_mid_block_resnets_0_conv1.hada_w1_a", [320, 4]),
            new("lora_unet_mid_block_resnets_0_conv1.hada_w1_b", [4, 2880]),
            new("lora_unet_mid_block_resnets_0_conv1.hada_w2_a", [320, 4]),
            new("lora_unet_mid_block_resnets_0_conv1.hada_w2_b", [4, 2880]),
            new(Module + ".dora_scale", [Rows, 1]),
            new(Module + ".lora_down.weight", [Rank, Columns]),
            new(Module + ".lora_up.weight", [Rows, Rank]),
        ])!;

        Assert.Equal(1, s.Modules[LoraFamily.LoHa]);
        Assert.Equal(1, s.Modules[LoraFamily.Kohya]);
        Assert.Equal(2, s.WithDora);
        Assert.Empty(s.Incomplete);
    }

    // ComfyUI weight_decompose in binary64: Wc = W + up·down·alpha/rank; norms of Wc per input channel, or of W per
    // output row; Wc · m / (n + 2⁻²³); W + s·(that − W).
    private double[] Expected(bool onOutput, float[] magnitude, double strength)
    {
        double scale = Alpha / Rank;
        var updated = new double[Rows * Columns];
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Columns; c++)
            {
                double dot = 0;
                for (int k = 0; k < Rank; k++)
                {
                    dot += (double)_up[(r * Rank) + k] * _down[(k * Columns) + c];
                }

                updated[(r * Columns) + c] = _weight[(r * Columns) + c] + (dot * scale);
            }
        }

        var norms = new double[onOutput ? Rows : Columns];
        for (int e = 0; e < updated.Length; e++)
        {
            double v = onOutput ? _weight[e] : updated[e];
            norms[onOutput ? e / Columns : e % Columns] += v * v;
        }

        var expected = new double[updated.Length];
        for (int e = 0; e < updated.Length; e++)
        {
            int channel = onOutput ? e / Columns : e % Columns;
            double decomposed = updated[e] * magnitude[channel] / (Math.Sqrt(norms[channel]) + Math.Pow(2, -23));
            expected[e] = _weight[e] + (strength * (decomposed - _weight[e]));
        }

        return expected;
    }

    private float[] Bake(string lora, double strength)
    {
        string output = Path.Combine(_dir, $"baked-{Guid.NewGuid():N}.safetensors");
        LoraBakeResult result = LoraBaker.Bake(Path.Combine(_dir, "model.safetensors"), [LoraInput.Parse(FormattableString.Invariant($"{lora}:{strength}"))], output, new LoraBakeOptions { FlushToDisk = false });
        Assert.Equal(1, result.UpdatedTensors);
        using SafeTensorsFile file = SafeTensorsFile.Open(output);
        TensorInfo t = file[WeightKey];
        var bytes = new byte[t.ByteLength];
        file.CopyTo(t, 0, bytes);
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    private string WriteLora(string name, (string Key, long[] Shape, float[] Values) magnitude)
    {
        string path = Path.Combine(_dir, name);
        Write(
            path,
            (Module + ".lora_down.weight", [Rank, Columns], _down),
            (Module + ".lora_up.weight", [Rows, Rank], _up),
            (Module + ".alpha", [], [Alpha]),
            magnitude);
        return path;
    }

    private static void Write(string path, params (string Key, long[] Shape, float[] Values)[] tensors)
    {
        using SafeTensorsWriter writer = SafeTensorsWriter.Create(path, tensors.Select(t => new TensorSpec(t.Key, DType.F32, t.Shape)), [new("format", "pt")], overwrite: true);
        foreach ((string key, _, float[] values) in tensors)
        {
            writer.Write(key, 0, MemoryMarshal.AsBytes(values.AsSpan()));
        }

        writer.Commit();
    }

    private static float[] Values(Random random, int count, double spread) =>
        Enumerable.Range(0, count).Select(_ => (float)(((random.NextDouble() * 2) - 1) * spread)).ToArray();
}
