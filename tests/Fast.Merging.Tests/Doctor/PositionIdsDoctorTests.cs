using System.Buffers.Binary;
using System.Text.Json;
using Fast.Merging.Doctor;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Doctor;

public sealed class PositionIdsDoctorTests
{
    private const string Key = "cond_stage_model.transformer.text_model.embeddings.position_ids";

    private static readonly int[] s_corrupt =
        [1, 2, 3, 4, 6, 7, 8, 11, 12, 13, 14, 16, 17, 19, 21, 22, 24, 26, 27, 28, 29, 31, 32, 33, 34, 37, 38, 39, 42, 43, 44, 47, 48, 49, 52, 53, 54, 56, 57, 58, 59, 61, 62, 63, 64, 65, 66, 67, 68, 69, 71, 73, 74, 76];

    private static readonly int[] s_missing = [4, 8, 14, 17, 19, 22, 24, 29, 34, 39, 44, 49, 54, 59, 69, 71, 74, 76];

    [Fact]
    public void Real_damaged_vector_in_a_checkpoint_is_reported_then_fixed_bit_exact()
    {
        using var dir = new TempDir();
        TestTensor damaged = TestCheckpoint.Read(Path.Combine(AppContext.BaseDirectory, "vectors", "8528d-fix.position_ids.safetensors"))[Key];
        var tensors = TestCheckpoint.Create();
        TestCheckpoint.Replace(tensors, Key, _ => damaged);
        string input = TestCheckpoint.Write(dir.File("damaged.safetensors"), tensors);
        byte[] inputBytes = File.ReadAllBytes(input);

        CheckReport report = ModelChecker.Check(input);
        PositionIdsEntry entry = Assert.Single(report.PositionIds);
        Assert.Equal(Key, entry.Key);
        Assert.Equal("F32", entry.Report.DType);
        Assert.False(entry.Report.AllExactIntegers);
        Assert.Equal(s_corrupt, entry.Report.CorruptIndexes);
        Assert.Equal(s_missing, entry.Report.MissingTokens);
        Assert.Equal(CheckProblemKind.PositionIds, Assert.Single(report.Problems).Kind);

        string output = dir.File("fixed.safetensors");
        FixResult result = ModelFixer.Fix(input, output, new FixOptions());
        Assert.Equal(1, result.PositionIdsReset);
        Assert.Equal(inputBytes, File.ReadAllBytes(input));

        TestTensor ids = TestCheckpoint.Read(output)[Key];
        Assert.Equal(DType.I64, ids.DType);
        Assert.Equal([1L, 77L], ids.Shape);
        Assert.Equal(Enumerable.Range(0, 77).Select(i => (long)i), Enumerable.Range(0, 77).Select(i => BinaryPrimitives.ReadInt64LittleEndian(ids.Data.AsSpan(i * 8))));

        CheckReport after = ModelChecker.Check(output);
        Assert.True(after.IsHealthy, string.Join("; ", after.Problems.Select(p => p.Message)));
        Assert.True(Assert.Single(after.PositionIds).Report.IsClean);

        // Everything else is copied byte for byte.
        var original = tensors.ToDictionary(t => t.Name);
        foreach (var (name, t) in TestCheckpoint.Read(output).Where(t => t.Key != Key))
        {
            Assert.Equal(original[name].Data, t.Data);
        }
    }

    [Fact]
    public void Keep_policy_copies_the_damaged_tensor_and_check_still_reports_it()
    {
        using var dir = new TempDir();
        TestTensor damaged = TestCheckpoint.Read(Path.Combine(AppContext.BaseDirectory, "vectors", "8528d-fix.position_ids.safetensors"))[Key];
        var tensors = TestCheckpoint.Create();
        TestCheckpoint.Replace(tensors, Key, _ => damaged);
        string input = TestCheckpoint.Write(dir.File("damaged.safetensors"), tensors);
        string output = dir.File("kept.safetensors");

        ModelFixer.Fix(input, output, new FixOptions { PositionIds = Fast.Merging.Recipes.PositionIdsPolicy.Keep, DType = Fast.Merging.Recipes.OutputDType.Fp16 });
        Assert.Equal(DType.F32, TestCheckpoint.Read(output)[Key].DType);

        Assert.Equal(damaged.Data, TestCheckpoint.Read(output)[Key].Data);
        Assert.Equal(s_missing, Assert.Single(ModelChecker.Check(output).PositionIds).Report.MissingTokens);
    }

    [Fact]
    public void A_checkpoint_without_position_ids_is_healthy_as_loaders_build_them()
    {
        using var dir = new TempDir();
        string path = TestCheckpoint.Write(dir.File("no-ids.safetensors"), TestCheckpoint.Create().Where(t => t.Name != Key));
        CheckReport report = ModelChecker.Check(path);
        Assert.Empty(report.PositionIds);
        Assert.Equal([Key], report.Components.Single(c => c.Label == "text_encoder").Component.Match.MissingKeys);
        Assert.True(report.IsHealthy, string.Join("; ", report.Problems.Select(p => p.Message)));
    }

    [Fact]
    public void Json_report_has_the_position_ids_schema()
    {
        using var dir = new TempDir();
        TestTensor damaged = TestCheckpoint.Read(Path.Combine(AppContext.BaseDirectory, "vectors", "8528d-fix.position_ids.safetensors"))[Key];
        var tensors = TestCheckpoint.Create();
        TestCheckpoint.Replace(tensors, Key, _ => damaged);
        string input = TestCheckpoint.Write(dir.File("damaged.safetensors"), tensors);

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            CheckReportJson.Write(writer, ModelChecker.Check(input));
        }

        using JsonDocument json = JsonDocument.Parse(stream.ToArray());
        JsonElement root = json.RootElement;
        Assert.Equal(CheckReportJson.Schema, root.GetProperty("schema").GetString());
        Assert.False(root.GetProperty("healthy").GetBoolean());
        Assert.Equal("sd1", root.GetProperty("architecture").GetProperty("id").GetString());
        JsonElement p = Assert.Single(root.GetProperty("position_ids").EnumerateArray());
        Assert.Equal(Key, p.GetProperty("key").GetString());
        Assert.Equal("F32", p.GetProperty("dtype").GetString());
        Assert.False(p.GetProperty("exact_integers").GetBoolean());
        Assert.Equal(s_corrupt, p.GetProperty("corrupt").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(s_missing, p.GetProperty("missing").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(JsonValueKind.Array, p.GetProperty("drifting").ValueKind);
        Assert.Equal("position_ids", Assert.Single(root.GetProperty("problems").EnumerateArray()).GetProperty("kind").GetString());
        Assert.Equal(64, root.GetProperty("hashes").GetProperty("sha256").GetString()!.Length);
        Assert.Equal(3, root.GetProperty("hashes").GetProperty("components").EnumerateObject().Count());
    }
}
