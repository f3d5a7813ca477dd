using System.Text.Json;
using Fast.Merging.Api;
using Fast.Merging.Architectures;
using Fast.Merging.Doctor;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Doctor;

/// <summary>
/// fix says what it did and only that: a clean model's position ids are not reported as reset, and after
/// <c>--dtype</c> the copied recipe and <c>fastmerge.fix</c> give the dtype the file now has.
/// </summary>
public sealed class FixRecordTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void A_clean_models_position_ids_are_not_claimed_as_reset()
    {
        string input = SyntheticCheckpoint.Write(_dir.File("m.safetensors"), ArchitectureId.Sd1, "fp16", 3);
        string once = _dir.File("once.safetensors");
        ModelFixer.Fix(input, once, new FixOptions());
        Assert.True(ModelChecker.Check(once).PositionIds.All(p => p.Report.IsClean));

        FixResult again = ModelFixer.Fix(once, _dir.File("twice.safetensors"), new FixOptions());
        Assert.Equal(0, again.PositionIdsReset);
    }

    [Fact]
    public void Fix_dtype_is_recorded_in_the_copied_recipe_and_in_fastmerge_fix()
    {
        string a = SyntheticCheckpoint.Write(_dir.File("a.safetensors"), ArchitectureId.Sd1, "fp16", 1);
        string b = SyntheticCheckpoint.Write(_dir.File("b.safetensors"), ArchitectureId.Sd1, "fp16", 2);
        string merged = _dir.File("merged.safetensors");
        FastMerger.Merge(new MergeRecipe { A = new MergeInput(a), B = new MergeInput(b), OutputDType = OutputDType.Fp32 }, merged, new MergeOptions { FlushToDisk = false });
        Assert.Equal("fp32", Recipe(merged).GetProperty("dtype").GetString());

        string fixedPath = _dir.File("fixed.safetensors");
        ModelFixer.Fix(merged, fixedPath, new FixOptions { DType = OutputDType.Fp16, Prune = true });
        Assert.Equal("fp16", Recipe(fixedPath).GetProperty("dtype").GetString());
        using SafeTensorsFile file = SafeTensorsFile.Open(fixedPath);
        using JsonDocument fix = JsonDocument.Parse(file.Metadata.Single(m => m.Key == "fastmerge.fix").Value);
        Assert.Equal("fp16", fix.RootElement.GetProperty("dtype").GetString());
        Assert.True(fix.RootElement.GetProperty("prune").GetBoolean());
    }

    public void Dispose() => _dir.Dispose();

    private static JsonElement Recipe(string path)
    {
        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        using JsonDocument doc = JsonDocument.Parse(file.Metadata.Single(m => m.Key == "fastmerge.recipe").Value);
        return doc.RootElement.Clone();
    }
}
