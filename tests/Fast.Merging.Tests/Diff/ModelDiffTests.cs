using Fast.Kernels;
using Fast.Merging.Architectures;
using Fast.Merging.Blocks;
using Fast.Merging.Diff;
using Fast.SafeTensors;
using Fast.Testing;

namespace Fast.Merging.Tests.Diff;

/// <summary>
/// <see cref="ModelDiff"/> on synthetic checkpoints: every block of the layout reported, each block's and tensor's
/// statistics within 1e-12 of an independent plain double-precision computation over the whole files, the same bits
/// for any thread count, and mixed families refused with both names.
/// </summary>
public sealed class ModelDiffTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void Sd1_blocks_text_encoder_and_vae_match_a_plain_double_oracle()
    {
        string a = SyntheticCheckpoint.Write(_dir.File("a.safetensors"), ArchitectureId.Sd1, "fp16", 1);
        string b = SyntheticCheckpoint.Write(_dir.File("b.safetensors"), ArchitectureId.Sd1, "fp32", 2);
        DiffReport report = ModelDiff.Compare(a, b, new DiffOptions { Threads = 3 }, null, CancellationToken.None);

        Assert.Equal("SD1.x", report.ArchitectureA);
        Assert.Equal("SD", report.Layout);
        Assert.Equal(["unet", "text_encoder", "vae"], report.Sections.Select(s => s.Label));
        DiffSection unet = report.Sections[0];
        Assert.True(unet.IsDenoiser);
        Assert.Equal(BlockLayouts.Sd.Blocks.Skip(1), unet.Groups.Select(g => g.Name));
        Assert.All(unet.Groups, g => Assert.True(g.Tensors > 0, g.Name));
        Assert.Contains(report.Sections[1].Groups, g => g.Name == "encoder.layers.0");
        Assert.Contains(report.Sections[2].Groups, g => g.Name == "decoder.up.3");
        Assert.Empty(report.OnlyInA);
        Assert.Empty(report.ShapeMismatches);

        Dictionary<string, Oracle> perTensor = PlainDouble(a, b);
        foreach (TensorDifference t in report.Tensors)
        {
            perTensor[t.Key].AssertMatches(t.Sums, t.Key);
        }

        foreach (DifferenceGroup block in unet.Groups)
        {
            var expected = new Oracle();
            foreach (TensorDifference t in report.Tensors.Where(t => t.Section == "unet" && BlockMapper.BlockOf(t.Key, BlockLayouts.Sd) == block.Name))
            {
                expected.Add(perTensor[t.Key]);
            }

            Assert.True(expected.Count > 0, block.Name);
            expected.AssertMatches(block.Sums, block.Name);
        }

        // Every tensor of the file is in exactly one section.
        using SafeTensorsFile file = SafeTensorsFile.Open(a);
        Assert.Equal(file.Tensors.Count(t => DTypeInfo.IsFloating(t.DType)), report.Tensors.Count);
    }

    [Fact]
    public void Thread_count_and_chunk_size_do_not_change_a_bit()
    {
        string a = SyntheticCheckpoint.Write(_dir.File("a.safetensors"), ArchitectureId.Sdxl, "fp16", 3, scale: 16);
        string b = SyntheticCheckpoint.Write(_dir.File("b.safetensors"), ArchitectureId.Sdxl, "bf16", 4, scale: 16);
        DiffReport one = ModelDiff.Compare(a, b, new DiffOptions { Threads = 1 }, null, CancellationToken.None);
        DiffReport four = ModelDiff.Compare(a, b, new DiffOptions { Threads = 4, ChunkBlocks = 1 }, null, CancellationToken.None);
        Assert.Equal(one.Tensors.Select(t => t.Sums), four.Tensors.Select(t => t.Sums));
        Assert.Equal(BlockLayouts.Sdxl.Blocks.Skip(1), one.Sections[0].Groups.Select(g => g.Name));
        Assert.Equal(["unet", "text_encoder", "text_encoder_2", "vae"], one.Sections.Select(s => s.Label));

        // Some tensors span several reduction blocks, so one-block chunks cross many chunk borders.
        Assert.Contains(one.Tensors, t => t.Sums.Count > 2 * Reductions.BlockElements);
    }

    [Fact]
    public void A_model_against_itself_differs_nowhere()
    {
        string a = SyntheticCheckpoint.Write(_dir.File("a.safetensors"), ArchitectureId.Sd1, "fp16", 1);
        DiffReport report = ModelDiff.Compare(a, a, new DiffOptions(), null, CancellationToken.None);
        Assert.Equal(0, report.Total.SquaredDifference);
        Assert.Equal(0, report.Total.MaxAbsDifference);
        Assert.All(report.Tensors, t => Assert.Equal(1.0, t.Sums.Cosine, 9));
    }

    [Fact]
    public void Flux_is_grouped_by_its_block_rows()
    {
        string a = SyntheticCheckpoint.Write(_dir.File("a.safetensors"), ArchitectureId.Flux1Dev, "bf16", 1);
        string b = SyntheticCheckpoint.Write(_dir.File("b.safetensors"), ArchitectureId.Flux1Dev, "bf16", 2);
        DiffReport report = ModelDiff.Compare(a, b, new DiffOptions(), null, CancellationToken.None);
        DiffSection transformer = Assert.Single(report.Sections);
        Assert.Equal("transformer", transformer.Label);
        Assert.Equal(BlockLayouts.Flux.Blocks.Skip(1), transformer.Groups.Select(g => g.Name));
        Assert.All(transformer.Groups, g => Assert.True(g.Tensors > 0, g.Name));
    }

    [Fact]
    public void Inpainting_against_plain_lists_the_one_key_of_another_shape()
    {
        string a = SyntheticCheckpoint.Write(_dir.File("a.safetensors"), ArchitectureId.Sd1, "fp16", 1);
        string b = SyntheticCheckpoint.Write(_dir.File("b.safetensors"), ArchitectureId.Sd1Inpainting, "fp16", 2);
        DiffReport report = ModelDiff.Compare(a, b, new DiffOptions(), null, CancellationToken.None);
        string mismatch = Assert.Single(report.ShapeMismatches);
        Assert.StartsWith("model.diffusion_model.input_blocks.0.0.weight ", mismatch, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Tensors, t => t.Key == "model.diffusion_model.input_blocks.0.0.weight");
        Assert.Contains(report.Tensors, t => t.Key == "model.diffusion_model.input_blocks.0.0.bias" && t.Group == "IN00");
    }

    [Fact]
    public void Mixed_families_are_refused_with_both_names()
    {
        string a = SyntheticCheckpoint.Write(_dir.File("a.safetensors"), ArchitectureId.Sd1, "fp16", 1);
        string b = SyntheticCheckpoint.Write(_dir.File("b.safetensors"), ArchitectureId.Sdxl, "fp16", 2);
        var error = Assert.Throws<MixedArchitecturesException>(() => ModelDiff.Compare(a, b, new DiffOptions(), null, CancellationToken.None));
        Assert.StartsWith("A is SD1.x, B is SDXL base", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Progress_reaches_every_byte_and_tensor()
    {
        string a = SyntheticCheckpoint.Write(_dir.File("a.safetensors"), ArchitectureId.Sd1, "fp16", 1);
        string b = SyntheticCheckpoint.Write(_dir.File("b.safetensors"), ArchitectureId.Sd1, "fp16", 2);
        var seen = new List<Fast.Merging.Execution.MergeProgress>();
        var progress = new SynchronousProgress(p =>
        {
            lock (seen)
            {
                seen.Add(p);
            }
        });
        DiffReport report = ModelDiff.Compare(a, b, new DiffOptions { Threads = 1 }, progress, CancellationToken.None);
        var last = seen[^1];
        Assert.Equal(report.BytesRead, last.BytesDone);
        Assert.Equal(last.BytesTotal, last.BytesDone);
        Assert.Equal(report.Tensors.Count, last.TensorsDone);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Every tensor of both files read whole, widened and summed one element after the other in double.</summary>
    private static Dictionary<string, Oracle> PlainDouble(string pathA, string pathB)
    {
        using SafeTensorsFile a = SafeTensorsFile.Open(pathA);
        using SafeTensorsFile b = SafeTensorsFile.Open(pathB);
        var result = new Dictionary<string, Oracle>(StringComparer.Ordinal);
        foreach (TensorInfo ta in a.Tensors.Where(t => DTypeInfo.IsFloating(t.DType)))
        {
            TensorInfo tb = b[ta.Name];
            float[] x = Widen(a, ta);
            float[] y = Widen(b, tb);
            var oracle = new Oracle();
            for (int i = 0; i < x.Length; i++)
            {
                oracle.Add(x[i], y[i]);
            }

            result[ta.Name] = oracle;
        }

        return result;
    }

    private static float[] Widen(SafeTensorsFile file, TensorInfo t)
    {
        byte[] bytes = new byte[t.ByteLength];
        file.CopyTo(t, 0, bytes);
        float[] values = new float[t.ElementCount];
        ElementConvert.Widen(bytes, t.DType switch
        {
            DType.F16 => ElementType.F16,
            DType.BF16 => ElementType.BF16,
            DType.F32 => ElementType.F32,
            _ => throw new InvalidOperationException(t.DType.ToString()),
        }, values);
        return values;
    }

    private sealed class SynchronousProgress(Action<Fast.Merging.Execution.MergeProgress> report) : IProgress<Fast.Merging.Execution.MergeProgress>
    {
        public void Report(Fast.Merging.Execution.MergeProgress value) => report(value);
    }

    private sealed class Oracle
    {
        public double Dot { get; private set; }

        public double Aa { get; private set; }

        public double Bb { get; private set; }

        public double Dd { get; private set; }

        public double Max { get; private set; }

        public long Count { get; private set; }

        public void Add(double x, double y)
        {
            double d = x - y;
            Dot += x * y;
            Aa += x * x;
            Bb += y * y;
            Dd += d * d;
            Max = Math.Max(Max, Math.Abs(d));
            Count++;
        }

        public void Add(Oracle other)
        {
            Dot += other.Dot;
            Aa += other.Aa;
            Bb += other.Bb;
            Dd += other.Dd;
            Max = Math.Max(Max, other.Max);
            Count += other.Count;
        }

        public void AssertMatches(DifferenceSums s, string what)
        {
            Assert.Equal(Count, s.Count);
            Assert.Equal(Max, s.MaxAbsDifference);
            Close(Dot, s.Dot, what);
            Close(Aa, s.SquaresA, what);
            Close(Bb, s.SquaresB, what);
            Close(Dd, s.SquaredDifference, what);
        }

        private static void Close(double expected, double actual, string what) =>
            Assert.True(Math.Abs(expected - actual) <= (1e-12 * Math.Max(1, Math.Abs(expected))) + 1e-15, $"{what}: expected {expected:R}, got {actual:R}");
    }
}
