using Fast.Merging.Api;
using Fast.Merging.Hashing;
using Fast.Merging.Planning;
using Fast.Merging.Recipes;
using Fast.Merging.Tests.Doctor;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Engine;

/// <summary>A merge that cannot be planned fails before any input is hashed (hashing reads whole files).</summary>
public sealed class HashAfterPlanTests
{
    [Fact]
    public void Inputs_are_hashed_only_after_the_plan_succeeds()
    {
        using var folder = new TempDir();
        var tensors = TestCheckpoint.Create(seed: 3);
        string a = TestCheckpoint.Write(folder.File("a.safetensors"), tensors);

        // B: one UNet weight with another shape, so the planner refuses the pair.
        var other = TestCheckpoint.Create(seed: 4);
        TestTensor victim = other.First(t => t.Name.StartsWith("model.diffusion_model.", StringComparison.Ordinal) && t.Shape.Length == 1);
        TestCheckpoint.Replace(other, victim.Name, t => t with { Shape = [t.Shape[0] * 2], Data = [.. t.Data, .. t.Data] });
        string b = TestCheckpoint.Write(folder.File("b.safetensors"), other);

        var recipe = new MergeRecipe { A = new MergeInput(a), B = new MergeInput(b), Alpha = 0.5 };
        Assert.Throws<MergePlanException>(() => FastMerger.Merge(recipe, folder.File("out.safetensors")));
        Assert.False(HashCache.Default.Knows(a));
        Assert.False(HashCache.Default.Knows(b));
        Assert.False(File.Exists(folder.File("out.safetensors")));

        // The same inputs in a merge that can run are hashed, and the output records their sha256.
        string good = TestCheckpoint.Write(folder.File("b2.safetensors"), TestCheckpoint.Create(seed: 4));
        FastMerger.Merge(recipe with { B = new MergeInput(good) }, folder.File("ok.safetensors"));
        Assert.True(HashCache.Default.Knows(a));
        using SafeTensorsFile output = SafeTensorsFile.Open(folder.File("ok.safetensors"));
        Assert.Contains(HashCache.Default.Get(a).Sha256, output.Metadata.Single(m => m.Key == "fastmerge.recipe").Value, StringComparison.Ordinal);
    }
}
