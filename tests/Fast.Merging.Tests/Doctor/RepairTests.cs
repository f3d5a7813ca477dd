using System.Buffers.Binary;
using Fast.Merging.Doctor;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Doctor;

public sealed class RepairTests
{
    [Fact]
    public void Ema_and_junk_are_reported_with_sizes_and_pruned()
    {
        using var dir = new TempDir();
        var tensors = TestCheckpoint.Create(ema: true, junk: true);
        string input = TestCheckpoint.Write(dir.File("ema.safetensors"), tensors);

        CheckReport report = ModelChecker.Check(input);
        Assert.True(report.Recognition.HasEma);
        var emaNames = tensors.Where(t => t.Name.StartsWith("model_ema.", StringComparison.Ordinal)).ToList();
        Assert.Equal(emaNames.Count, report.Ema.Count);
        Assert.Equal(emaNames.Sum(t => (long)t.Data.Length), report.Ema.Sum(e => e.Bytes));
        Assert.Equal(
            ["control_model.input_blocks.0.0.bias", "embedding_manager.string_to_param_dict.*", "lora_te_text_model_encoder_layers_0_mlp_fc1.alpha"],
            report.Junk.Select(j => j.Key).Order(StringComparer.Ordinal));
        Assert.All(report.Junk, j => Assert.Equal(tensors.Single(t => t.Name == j.Key).Data.Length, j.Bytes));
        Assert.Equal([CheckProblemKind.Junk, CheckProblemKind.Ema], report.Problems.Select(p => p.Kind));
        Assert.All(report.Problems, p => Assert.Equal("--prune", p.Fix));

        string output = dir.File("pruned.safetensors");
        FixResult result = ModelFixer.Fix(input, output, new FixOptions { Prune = true });
        Assert.Equal(emaNames.Count + 3, result.Pruned);

        CheckReport after = ModelChecker.Check(output);
        Assert.True(after.IsHealthy, string.Join("; ", after.Problems.Select(p => p.Message)));
        Assert.Equal(tensors.Count - emaNames.Count - 3, after.TensorCount);
        Assert.Equal(report.Components.Select(c => c.ContentHash), after.Components.Select(c => c.ContentHash));
    }

    [Fact]
    public void Float64_tensors_are_reported_with_fp16_savings_and_converted_by_dtype()
    {
        using var dir = new TempDir();
        var tensors = TestCheckpoint.Create(dtype: "F32");
        string[] wide = ["model.diffusion_model.out.2.weight", "first_stage_model.decoder.conv_out.bias"];
        foreach (string name in wide)
        {
            TestCheckpoint.Replace(tensors, name, t => t with { DType = DType.F64, Data = ToF64(t.Data) });
        }

        string input = TestCheckpoint.Write(dir.File("f64.safetensors"), tensors);
        CheckReport report = ModelChecker.Check(input);
        Assert.Equal(wide.Order(StringComparer.Ordinal), report.Fp64Tensors.Select(t => t.Key).Order(StringComparer.Ordinal));
        long elements = report.Fp64Tensors.Sum(t => t.Elements);
        Assert.Equal(elements * 6, report.Fp64SavingsAsFp16);
        Assert.Equal(CheckProblemKind.Fp64, Assert.Single(report.Problems).Kind);

        string output = dir.File("fp16.safetensors");
        FixResult result = ModelFixer.Fix(input, output, new FixOptions { DType = OutputDType.Fp16 });
        var written = TestCheckpoint.Read(output);
        Assert.All(written.Values, t => Assert.Contains(t.DType, new[] { DType.F16, DType.I64 }));
        Assert.Equal(written.Values.Count(t => t.DType == DType.F16), result.Converted);
        Assert.True(ModelChecker.Check(output).IsHealthy);

        // The f64 values were exact f32 values, so f64 -> fp16 equals f32 -> fp16.
        var original = tensors.ToDictionary(t => t.Name);
        Assert.Equal(HalfOf(original["model.diffusion_model.out.0.bias"].Data), written["model.diffusion_model.out.0.bias"].Data);
        Assert.Equal(HalfOf(FromF64(original[wide[0]].Data)), written[wide[0]].Data);
    }

    [Theory]
    [InlineData(OutputDType.Bf16, DType.BF16)]
    [InlineData(OutputDType.Fp32, DType.F32)]
    [InlineData(OutputDType.Fp8E4M3, DType.F8_E4M3)]
    [InlineData(OutputDType.Fp8E5M2, DType.F8_E5M2)]
    public void Dtype_converts_floating_tensors_only(OutputDType requested, DType expected)
    {
        using var dir = new TempDir();
        string input = TestCheckpoint.Write(dir.File("in.safetensors"), TestCheckpoint.Create(ema: true));
        string output = dir.File("out.safetensors");
        ModelFixer.Fix(input, output, new FixOptions { DType = requested });
        var written = TestCheckpoint.Read(output);
        Assert.Equal(DType.I64, written["cond_stage_model.transformer.text_model.embeddings.position_ids"].DType);
        Assert.Equal(DType.I32, written["model_ema.num_updates"].DType);
        Assert.All(written.Values.Where(t => t.Name != "model_ema.num_updates" && !t.Name.EndsWith("position_ids", StringComparison.Ordinal)), t => Assert.Equal(expected, t.DType));
    }

    [Fact]
    public void Nan_and_inf_are_counted_per_tensor()
    {
        using var dir = new TempDir();
        var tensors = TestCheckpoint.Create();
        const string a = "model.diffusion_model.input_blocks.0.0.weight", b = "first_stage_model.encoder.conv_in.bias";
        TestCheckpoint.Replace(tensors, a, t =>
        {
            byte[] data = (byte[])t.Data.Clone();
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2), 0x7E00); // NaN
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(10), 0xFC01); // -NaN, payload
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(data.Length - 2), 0x7C00); // +Inf
            return t with { Data = data };
        });
        TestCheckpoint.Replace(tensors, b, t =>
        {
            byte[] data = (byte[])t.Data.Clone();
            BinaryPrimitives.WriteUInt16LittleEndian(data, 0xFC00); // -Inf
            return t with { Data = data };
        });
        string input = TestCheckpoint.Write(dir.File("nan.safetensors"), tensors);

        CheckReport report = ModelChecker.Check(input);
        var found = report.NonFinite.ToDictionary(n => n.Key, n => n.Count);
        Assert.Equal(2, found.Count);
        Assert.Equal(new NonFiniteCount(2, 1), found[a]);
        Assert.Equal(new NonFiniteCount(0, 1), found[b]);
        Assert.Contains(report.Problems, p => p.Kind == CheckProblemKind.NonFinite);

        Assert.Empty(ModelChecker.Check(input, new CheckOptions { ScanNonFinite = false }).NonFinite);

        // nan_to_num: NaN -> 0, +Inf -> 65504, -Inf -> -65504; every other byte unchanged.
        string output = dir.File("repaired.safetensors");
        FixResult result = ModelFixer.Fix(input, output, new FixOptions { NanToNum = true });
        Assert.Equal(4, result.NonFiniteReplaced);
        Assert.True(ModelChecker.Check(output).IsHealthy);
        var written = TestCheckpoint.Read(output);
        byte[] before = tensors.Single(t => t.Name == a).Data, after = written[a].Data;
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(after.AsSpan(2)));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(after.AsSpan(10)));
        Assert.Equal(0x7BFF, BinaryPrimitives.ReadUInt16LittleEndian(after.AsSpan(after.Length - 2)));
        Assert.Equal(0xFBFF, BinaryPrimitives.ReadUInt16LittleEndian(written[b].Data));
        Assert.Equal(before.Length, after.Length);
        Assert.All(Enumerable.Range(0, before.Length / 2).Where(i => i is not (1 or 5) && i != (before.Length / 2) - 1), i => Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(before.AsSpan(i * 2)), BinaryPrimitives.ReadUInt16LittleEndian(after.AsSpan(i * 2))));
    }

    [Fact]
    public void Nai_style_clip_is_recognised_reported_and_renamed()
    {
        using var dir = new TempDir();
        var standard = TestCheckpoint.Create();
        const string std = "cond_stage_model.transformer.text_model.", nai = "cond_stage_model.transformer.";
        var naiTensors = standard.Select(t => t.Name.StartsWith(std, StringComparison.Ordinal) ? t with { Name = nai + t.Name[std.Length..] } : t).ToList();
        string input = TestCheckpoint.Write(dir.File("nai.safetensors"), naiTensors);
        string reference = TestCheckpoint.Write(dir.File("std.safetensors"), standard);

        CheckReport report = ModelChecker.Check(input);
        Assert.Equal(Fast.Merging.Architectures.ArchitectureId.Sd1, report.Recognition.Id);
        Assert.Equal(CheckProblemKind.NaiClipKeys, Assert.Single(report.Problems).Kind);
        Assert.Equal("cond_stage_model.transformer.embeddings.position_ids", Assert.Single(report.PositionIds).Key);
        ComponentReport clip = report.Components.Single(c => c.Label == "text_encoder");
        Assert.Equal(ModelChecker.Check(reference).Components.Single(c => c.Label == "text_encoder").ContentHash, clip.ContentHash);

        string output = dir.File("renamed.safetensors");
        FixResult result = ModelFixer.Fix(input, output, new FixOptions { RenameNai = true });
        Assert.Equal(197, result.Renamed);
        Assert.True(ModelChecker.Check(output).IsHealthy);
        var written = TestCheckpoint.Read(output);
        Assert.Equal(standard.Select(t => t.Name).Order(StringComparer.Ordinal), written.Keys.Order(StringComparer.Ordinal));
        Assert.All(standard, t => Assert.Equal(t.Data, written[t.Name].Data));
    }

    [Fact]
    public void The_input_is_never_the_output()
    {
        using var dir = new TempDir();
        string input = TestCheckpoint.Write(dir.File("in.safetensors"), TestCheckpoint.Create());
        byte[] before = File.ReadAllBytes(input);
        Assert.Throws<DoctorException>(() => ModelFixer.Fix(input, input, new FixOptions { Overwrite = true }));
        Assert.Throws<DoctorException>(() => ModelFixer.Fix(input, Path.Combine(dir.Path, ".", "in.safetensors"), new FixOptions { Prune = true, Overwrite = true }));
        Assert.Throws<DoctorException>(() => ComponentExtractor.Extract(input, ComponentRole.Vae, input, overwrite: true));
        string other = TestCheckpoint.Write(dir.File("other.safetensors"), TestCheckpoint.Create(seed: 2));
        Assert.Throws<DoctorException>(() => ModelFixer.Fix(input, other, new FixOptions()));
        Assert.Equal(before, File.ReadAllBytes(input));
        Assert.Equal(["in.safetensors", "other.safetensors"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Unreadable_input_is_a_format_error()
    {
        using var dir = new TempDir();
        string path = dir.File("bad.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Throws<SafeTensorsFormatException>(() => ModelChecker.Check(path));
        Assert.Throws<SafeTensorsFormatException>(() => ModelFixer.Fix(path, dir.File("out.safetensors"), new FixOptions()));
        Assert.False(File.Exists(dir.File("out.safetensors")));
    }

    private static byte[] ToF64(byte[] f32)
    {
        var result = new byte[f32.Length * 2];
        for (int i = 0; i < f32.Length / 4; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(result.AsSpan(i * 8), BinaryPrimitives.ReadSingleLittleEndian(f32.AsSpan(i * 4)));
        }

        return result;
    }

    private static byte[] FromF64(byte[] f64)
    {
        var result = new byte[f64.Length / 2];
        for (int i = 0; i < result.Length / 4; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(result.AsSpan(i * 4), (float)BinaryPrimitives.ReadDoubleLittleEndian(f64.AsSpan(i * 8)));
        }

        return result;
    }

    // (Half)float rounds to nearest even, as the fix's narrowing must.
    private static byte[] HalfOf(byte[] f32)
    {
        var result = new byte[f32.Length / 2];
        for (int i = 0; i < result.Length / 2; i++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(result.AsSpan(i * 2), (Half)BinaryPrimitives.ReadSingleLittleEndian(f32.AsSpan(i * 4)));
        }

        return result;
    }
}
