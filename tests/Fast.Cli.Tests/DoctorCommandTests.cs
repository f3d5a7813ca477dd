using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using Fast.SafeTensors;

namespace Fast.Cli.Tests;

/// <summary>
/// The doctor commands as a user runs them: <c>check</c> exits 0 when healthy, 1 when it found problems and 2 for an
/// unreadable file; <c>fix</c> repairs into a new file that <c>check</c> then passes, never touching its input;
/// <c>extract</c> and <c>hash</c> agree with the bytes on disk.
/// </summary>
public sealed class DoctorCommandTests : IClassFixture<SyntheticModels>
{
    private const string PositionIdsKey = "cond_stage_model.transformer.text_model.embeddings.position_ids";

    private readonly SyntheticModels _models;

    public DoctorCommandTests(SyntheticModels models) => _models = models;

    [Fact]
    public void Check_of_a_healthy_model_exits_0()
    {
        var r = CliRunner.Run("check", _models.Sd1A);
        Assert.True(r.ExitCode == 0, r.StdOut + r.StdErr);
        Assert.Contains("healthy", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("SD1", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_of_the_real_damaged_position_ids_exits_1_with_the_published_lists_then_fix_makes_it_clean()
    {
        using var dir = new TempDir();
        string damaged = WithDamagedPositionIds(_models.Sd1A, dir.File("damaged.safetensors"));
        byte[] before = File.ReadAllBytes(damaged);

        var check = CliRunner.Run("check", damaged, "--json");
        Assert.True(check.ExitCode == 1, check.StdOut + check.StdErr);
        using (JsonDocument json = JsonDocument.Parse(check.StdOut))
        {
            JsonElement ids = Assert.Single(json.RootElement.GetProperty("position_ids").EnumerateArray());
            Assert.Equal(PositionIdsKey, ids.GetProperty("key").GetString());
            Assert.Equal("F32", ids.GetProperty("dtype").GetString());
            Assert.False(ids.GetProperty("exact_integers").GetBoolean());
            Assert.Equal(
                [1, 2, 3, 4, 6, 7, 8, 11, 12, 13, 14, 16, 17, 19, 21, 22, 24, 26, 27, 28, 29, 31, 32, 33, 34, 37, 38, 39, 42, 43, 44, 47, 48, 49, 52, 53, 54, 56, 57, 58, 59, 61, 62, 63, 64, 65, 66, 67, 68, 69, 71, 73, 74, 76],
                Ints(ids.GetProperty("corrupt")));
            Assert.Equal([4, 8, 14, 17, 19, 22, 24, 29, 34, 39, 44, 49, 54, 59, 69, 71, 74, 76], Ints(ids.GetProperty("missing")));
        }

        string fixedPath = dir.File("fixed.safetensors");
        var fix = CliRunner.Run("fix", damaged, "-o", fixedPath);
        Assert.True(fix.ExitCode == 0, fix.StdOut + fix.StdErr);
        Assert.Equal(before, File.ReadAllBytes(damaged));

        var after = CliRunner.Run("check", fixedPath);
        Assert.True(after.ExitCode == 0, after.StdOut + after.StdErr);
        using SafeTensorsFile file = SafeTensorsFile.Open(fixedPath);
        TensorInfo t = file[PositionIdsKey];
        Assert.Equal(DType.I64, t.DType);
        var bytes = new byte[t.ByteLength];
        file.CopyTo(t, 0, bytes);
        Assert.Equal(Enumerable.Range(0, 77).Select(i => (long)i), Enumerable.Range(0, 77).Select(i => BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i * 8))));
    }

    [Fact]
    public void Ema_and_junk_exit_1_and_fix_prune_gives_a_healthy_file()
    {
        using var dir = new TempDir();
        string input = dir.File("ema-junk.safetensors");
        var synth = CliRunner.Run("synth", "--arch", "sd1", "--scale", "64", "--ema", "--junk", "-o", input);
        Assert.True(synth.ExitCode == 0, synth.StdErr);

        var check = CliRunner.Run("check", input);
        Assert.True(check.ExitCode == 1, check.StdOut + check.StdErr);
        Assert.Contains("EMA", check.StdOut, StringComparison.Ordinal);
        Assert.Contains("junk", check.StdOut, StringComparison.Ordinal);

        string output = dir.File("pruned.safetensors");
        var fix = CliRunner.Run("fix", input, "--prune", "-o", output);
        Assert.True(fix.ExitCode == 0, fix.StdOut + fix.StdErr);
        var after = CliRunner.Run("check", output);
        Assert.True(after.ExitCode == 0, after.StdOut + after.StdErr);
        Assert.True(new FileInfo(output).Length < new FileInfo(input).Length);
    }

    [Fact]
    public void Vpred_and_ztsnr_are_model_type_markers_kept_by_prune_and_merge()
    {
        using var dir = new TempDir();
        string plain = dir.File("plain.safetensors"), input = dir.File("vpred.safetensors");
        Assert.Equal(0, CliRunner.Run("synth", "--arch", "sdxl", "--scale", "64", "-o", plain).ExitCode);
        WithMarkers(plain, input);

        var check = CliRunner.Run("check", input);
        Assert.True(check.ExitCode == 0, check.StdOut + check.StdErr);
        Assert.Contains("model-type markers (kept by fix, copied from A by merge): v_pred (v-prediction), ztsnr (zero terminal SNR)", check.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("junk", check.StdOut, StringComparison.Ordinal);

        string pruned = dir.File("pruned.safetensors"), merged = dir.File("merged.safetensors");
        Assert.Equal(0, CliRunner.Run("fix", input, "--prune", "--dtype", "keep", "-o", pruned).ExitCode); // keep: the one dtype table
        Assert.Equal(2, CliRunner.Run("fix", input, "--dtype", "fp64", "-o", dir.File("x.safetensors")).ExitCode);
        Assert.Equal(0, CliRunner.Run("merge", "-a", input, "-b", plain, "-o", merged, "--alpha", "0.5").ExitCode);
        foreach (string output in new[] { pruned, merged })
        {
            using SafeTensorsFile file = SafeTensorsFile.Open(output);
            Assert.True(file.TryGetTensor("v_pred", out _), output);
            Assert.True(file.TryGetTensor("ztsnr", out _), output);
        }
    }

    [Theory]
    [InlineData("check")]
    [InlineData("hash")]
    public void Unreadable_input_exits_2_naming_the_file(string command)
    {
        using var dir = new TempDir();
        string bad = dir.File("not-a-model.safetensors");
        File.WriteAllBytes(bad, [9, 0, 0, 0, 0, 0, 0, 0, (byte)'{']);
        // hash accepts any file (a .ckpt gets its file hashes), so its unreadable case is a missing file.
        var r = command == "check" ? CliRunner.Run("check", bad) : CliRunner.Run("hash", dir.File("missing.safetensors"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(command == "check" ? "not-a-model.safetensors" : "missing.safetensors", r.StdErr, StringComparison.Ordinal);
        Assert.Single(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Fix_refuses_an_existing_output_and_writes_nothing()
    {
        using var dir = new TempDir();
        string output = dir.File("exists.safetensors");
        File.WriteAllText(output, "keep me");
        var r = CliRunner.Run("fix", _models.Sd1A, "-o", output);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("exists.safetensors", r.StdErr, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(output));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Hash_equals_sha256_of_the_file_and_extracted_vae_rebakes_to_the_same_tensors()
    {
        using var dir = new TempDir();
        var hash = CliRunner.Run("hash", _models.Sd1A, "--json");
        Assert.True(hash.ExitCode == 0, hash.StdErr);
        string expected = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(_models.Sd1A)));
        using (JsonDocument json = JsonDocument.Parse(hash.StdOut))
        {
            Assert.Equal(expected, json.RootElement.GetProperty("sha256").GetString());
            Assert.Equal(expected[..10], json.RootElement.GetProperty("autov2").GetString());
        }

        string vae = dir.File("vae.safetensors");
        var extract = CliRunner.Run("extract", _models.Sd1B, "--component", "vae", "-o", vae);
        Assert.True(extract.ExitCode == 0, extract.StdOut + extract.StdErr);
        string baked = dir.File("baked.safetensors");
        var fix = CliRunner.Run("fix", _models.Sd1A, "--vae", vae, "-o", baked);
        Assert.True(fix.ExitCode == 0, fix.StdOut + fix.StdErr);

        // The baked VAE is B's, byte for byte (a VAE keeps its own dtype), and so is its component content hash.
        using (SafeTensorsFile b = SafeTensorsFile.Open(_models.Sd1B))
        using (SafeTensorsFile result = SafeTensorsFile.Open(baked))
        {
            TensorInfo[] vaeTensors = [.. b.Tensors.Where(t => t.Name.StartsWith("first_stage_model.", StringComparison.Ordinal))];
            Assert.NotEmpty(vaeTensors);
            foreach (TensorInfo t in vaeTensors)
            {
                Assert.Equal(Bytes(b, t), Bytes(result, result[t.Name]));
            }
        }

        Assert.Equal(ComponentHash(_models.Sd1B, "vae"), ComponentHash(baked, "vae"));
        Assert.NotEqual(ComponentHash(_models.Sd1A, "vae"), ComponentHash(baked, "vae"));
    }

    private static byte[] Bytes(SafeTensorsFile file, TensorInfo t)
    {
        var data = new byte[t.ByteLength];
        file.CopyTo(t, 0, data);
        return data;
    }

    private static string? ComponentHash(string path, string label)
    {
        var r = CliRunner.Run("hash", path, "--json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        using JsonDocument json = JsonDocument.Parse(r.StdOut);
        return json.RootElement.GetProperty("components").GetProperty(label).GetString();
    }

    private static int[] Ints(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetInt32())];

    /// <summary>A copy of <paramref name="source"/> whose position ids are the real damaged tensor of tests/vectors.</summary>
    private static string WithDamagedPositionIds(string source, string path)
    {
        using SafeTensorsFile vector = SafeTensorsFile.Open(Path.Combine(AppContext.BaseDirectory, "vectors", "8528d-fix.position_ids.safetensors"));
        using SafeTensorsFile model = SafeTensorsFile.Open(source);
        TensorInfo damaged = vector[PositionIdsKey];
        var specs = model.Tensors.Select(t => t.Name == PositionIdsKey ? new TensorSpec(t.Name, damaged.DType, [.. damaged.Shape]) : new TensorSpec(t.Name, t.DType, [.. t.Shape]));
        using (SafeTensorsWriter writer = SafeTensorsWriter.Create(path, specs, [new("format", "pt")]))
        {
            foreach (TensorInfo t in model.Tensors)
            {
                (SafeTensorsFile from, TensorInfo info) = t.Name == PositionIdsKey ? (vector, damaged) : (model, t);
                var data = new byte[info.ByteLength];
                from.CopyTo(info, 0, data);
                writer.Write(t.Name, 0, data);
            }

            writer.Commit();
        }

        return path;
    }

    /// <summary>A copy of <paramref name="source"/> with the empty <c>v_pred</c> and <c>ztsnr</c> tensors a v-prediction SDXL checkpoint carries.</summary>
    private static void WithMarkers(string source, string path)
    {
        using SafeTensorsFile model = SafeTensorsFile.Open(source);
        var specs = model.Tensors.Select(t => new TensorSpec(t.Name, t.DType, [.. t.Shape]))
            .Append(new TensorSpec("v_pred", DType.F32, [0])).Append(new TensorSpec("ztsnr", DType.F32, [0]));
        using SafeTensorsWriter writer = SafeTensorsWriter.Create(path, specs, [new("format", "pt")]);
        foreach (TensorInfo t in model.Tensors)
        {
            var data = new byte[t.ByteLength];
            model.CopyTo(t, 0, data);
            writer.Write(t.Name, 0, data);
        }

        writer.Commit();
    }
}
