using System.Text.Json;
using Fast.Merging.Api;
using Fast.Merging.Architectures;
using Fast.Merging.Hashing;
using Fast.Merging.Planning;
using Fast.Merging.Recipes;
using Fast.Merging.Synthesis;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Recipes;

/// <summary>
/// Lineage metadata (issue 17): A1111's <c>sd_merge_models</c> with the inputs' own recipes and ancestors, the model
/// spec keys, the user's entries, the tree read back, and the name a recipe gives its output.
/// </summary>
public sealed class LineageMetadataTests : IDisposable
{
    private readonly TempDir _dir = new("fastmerge-lineage-");

    [Fact]
    public void A_merge_of_two_merges_has_a_lineage_two_generations_deep()
    {
        string a = Model("a", 1), b = Model("b", 2), c = Model("c", 3);
        string left = Merge(new MergeRecipe { A = new MergeInput(a), B = new MergeInput(b), Alpha = 0.3 }, "left");
        string right = Merge(new MergeRecipe { A = new MergeInput(b), B = new MergeInput(c), Alpha = 0.7 }, "right");
        string top = Merge(new MergeRecipe { A = new MergeInput(left), B = new MergeInput(right), Alpha = 0.5 }, "top");

        using SafeTensorsFile file = SafeTensorsFile.Open(top);
        LineageNode tree = LineageTree.Read("top.safetensors", file.Metadata);
        Assert.Equal(2, tree.Depth);
        Assert.Equal(["left.safetensors", "right.safetensors"], tree.Parents.Select(p => p.Name));
        Assert.Equal([Sha(left), Sha(right)], tree.Parents.Select(p => p.Sha256));
        Assert.Equal(["a-1.safetensors", "b-2.safetensors"], tree.Parents[0].Parents.Select(p => p.Name));
        Assert.Equal(["b-2.safetensors", "c-3.safetensors"], tree.Parents[1].Parents.Select(p => p.Name));
        Assert.Equal([Sha(b), Sha(c)], tree.Parents[1].Parents.Select(p => p.Sha256));
        Assert.All(tree.Parents[0].Parents, p => Assert.Equal(0, p.Depth));
        Assert.Contains("alpha 0.3", tree.Parents[0].Recipe, StringComparison.Ordinal);

        // sd_merge_models lists the two inputs with their recipes, then their ancestors (a dict update: b once).
        using JsonDocument models = JsonDocument.Parse(file.Metadata.Single(m => m.Key == A1111MergeMetadata.ModelsKey).Value);
        Assert.Equal([Sha(left), Sha(a), Sha(b), Sha(right), Sha(c)], models.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Sha(a), models.RootElement.GetProperty(Sha(left)).GetProperty("sd_merge_recipe").GetProperty("model_a").GetString());
        Assert.Equal(JsonValueKind.Null, models.RootElement.GetProperty(Sha(a)).GetProperty("sd_merge_recipe").ValueKind);
    }

    [Fact]
    public void The_model_spec_and_the_users_entries_are_written()
    {
        string a = Model("a", 4), b = Model("b", 5);
        var recipe = new MergeRecipe
        {
            A = new MergeInput(a),
            B = new MergeInput(b),
            Alpha = 0.25,
            UserMetadata = [new("modelspec.title", "My merge"), new("modelspec.author", "me"), new("notes", "ünïcode")],
        };
        string output = Merge(recipe, "spec");
        using SafeTensorsFile file = SafeTensorsFile.Open(output);
        var metadata = file.Metadata.ToDictionary(m => m.Key, m => m.Value);
        Assert.Equal("1.0.0", metadata["modelspec.sai_model_spec"]);
        Assert.Equal("stable-diffusion-v1", metadata["modelspec.architecture"]);
        Assert.Equal("https://github.com/Stability-AI/generative-models", metadata["modelspec.implementation"]);
        Assert.Equal("512x512", metadata["modelspec.resolution"]);
        Assert.Equal("My merge", metadata["modelspec.title"]); // the user's value replaces the recipe's title in place
        Assert.Equal("a-4, b-5", metadata["modelspec.merged_from"]);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", metadata["modelspec.date"]);
        Assert.Equal("me", metadata["modelspec.author"]);
        Assert.Equal("ünïcode", metadata["notes"]);
        Assert.Equal(1, file.Metadata.Count(m => m.Key == "modelspec.title"));
    }

    [Theory]
    [InlineData("fastmerge.recipe")]
    [InlineData("sd_merge_models")]
    [InlineData("format")]
    public void A_user_entry_may_not_replace_what_the_merge_is_read_from(string key)
    {
        string a = Model("a", 6), b = Model("b", 7);
        var recipe = new MergeRecipe { A = new MergeInput(a), B = new MergeInput(b), UserMetadata = [new(key, "x")] };
        var e = Assert.Throws<MergePlanException>(() => FastMerger.Merge(recipe, _dir.File("no.safetensors")));
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("no.safetensors")));
    }

    [Fact]
    public void A_recipe_names_its_output_from_the_inputs_the_mode_and_a_hash_of_everything_else()
    {
        var recipe = new MergeRecipe { A = new MergeInput("/models/A.safetensors"), B = new MergeInput("x/B.ckpt"), Alpha = 0.3 };
        Assert.Matches("^A_x_B_ws0.3_[0-9a-f]{8}\\.safetensors$", RecipeFileName.For(recipe));
        Assert.Equal(RecipeFileName.For(recipe), RecipeFileName.For(recipe with { A = new MergeInput("elsewhere/A.safetensors", new string('0', 64)) }));
        Assert.NotEqual(RecipeFileName.For(recipe), RecipeFileName.For(recipe with { Exclude = ["VAE"] }));
        MergeRecipe three = recipe with { Mode = MergeMode.AddDifference, C = new MergeInput("C.safetensors"), Alpha = 0.5, Beta = 0.2, CalcMode = CalcMode.CosineA };
        Assert.Equal($"A_x_B_x_C_ad0.5{(three.UsesBeta ? "_b0.2" : string.Empty)}_{RecipeNames.Name(CalcMode.CosineA)}", RecipeFileName.Stem(three));
        Assert.Equal("A_x_B_wsmbw", RecipeFileName.Stem(recipe with { WeightsAlpha = "0.5,1,0.9,0.8,0.7,0.6,0.5,0.4,0.3,0.2,0.1,0,0,0.5,0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1,0.5" }));
        Assert.Equal("A_x_B_wsGRAD_V", RecipeFileName.Stem(recipe with { WeightsAlpha = "GRAD_V" }));
    }

    public void Dispose() => _dir.Dispose();

    private static string Sha(string path) => FileHasher.Compute(path).Sha256;

    private string Merge(MergeRecipe recipe, string name)
    {
        string output = _dir.File(name + ".safetensors");
        FastMerger.Merge(recipe, output);
        return output;
    }

    private string Model(string name, ulong seed) => SyntheticCheckpoint.Write(_dir.File($"{name}-{seed}.safetensors"), ArchitectureId.Sd1, SyntheticDTypes.F16, seed);
}
