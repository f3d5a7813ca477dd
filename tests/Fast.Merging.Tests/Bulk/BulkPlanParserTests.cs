using Fast.Merging.Bulk;
using Fast.Merging.Recipes;

namespace Fast.Merging.Tests.Bulk;

/// <summary>PLAN JSON Lines: the recipe schema plus "out", one variant per line, every bad line reported by number.</summary>
public sealed class BulkPlanParserTests
{
    [Fact]
    public void Lines_are_recipes_with_an_output()
    {
        const string text = """
            {"mode":"ws","alpha":0.25,"a":{"path":"a.safetensors"},"b":{"path":"b.safetensors"},"out":"o1.safetensors"}

            {"out":"o2.safetensors","mode":"ad","calcmode":"smoothAdd","weights_alpha":"GRAD_V","a":{"path":"a.safetensors"},"b":{"path":"b.safetensors"},"c":{"path":"c.safetensors"},"dtype":"fp16","exclude":["VAE"]}
            """;
        BulkPlan plan = BulkPlanParser.Parse(text, "plan.jsonl");

        Assert.Equal(2, plan.Variants.Count);
        Assert.Equal((0, 1, "o1.safetensors"), (plan.Variants[0].Index, plan.Variants[0].Line!.Value, plan.Variants[0].OutputPath));
        Assert.Equal((1, 3, "o2.safetensors"), (plan.Variants[1].Index, plan.Variants[1].Line!.Value, plan.Variants[1].OutputPath));
        MergeRecipe second = plan.Variants[1].Recipe;
        Assert.Equal(MergeMode.AddDifference, second.Mode);
        Assert.Equal(CalcMode.SmoothAdd, second.CalcMode);
        Assert.Equal("GRAD_V", second.WeightsAlpha);
        Assert.Equal(OutputDType.Fp16, second.OutputDType);
        Assert.Equal(["VAE"], second.Exclude);
        Assert.Equal("c.safetensors", second.C!.Path);
        Assert.Equal(0.5, second.Alpha); // the recipe default
    }

    [Fact]
    public void A_line_round_trips_through_the_recipe_json()
    {
        var recipe = new MergeRecipe { Mode = MergeMode.TripleSum, Alpha = 0.3, Beta = 0.1, A = new("a"), B = new("b"), C = new("c"), Include = ["IN00"] };
        string json = RecipeJson.Serialize(recipe);
        BulkPlan plan = BulkPlanParser.Parse(json[..^1] + ",\"out\":\"x\"}", "p");
        Assert.Equal(recipe, plan.Variants[0].Recipe);
    }

    [Fact]
    public void Every_bad_line_is_reported_with_its_number()
    {
        const string text = """
            {"a":{"path":"a"},"b":{"path":"b"},"out":"ok.safetensors"}
            {"a":{"path":"a"},"b":{"path":"b"}
            {"a":{"path":"a"},"b":{"path":"b"}}
            {"a":{"path":"a"},"b":{"path":"b"},"out":"x","alhpa":0.3}
            {"a":{"path":"a"},"b":{"path":"b"},"out":"y","mode":"wz"}
            [1,2]
            {"a":{"path":"a"},"b":{"path":"b"},"out":"ok.safetensors"}
            {"a":{"path":"a"},"b":{"path":"b"},"out":7}
            """;
        var e = Assert.Throws<BulkPlanException>(() => BulkPlanParser.Parse(text, "plan.jsonl"));

        Assert.Equal([2, 3, 4, 5, 6, 7, 8], e.Errors.Select(error => error.Line!.Value));
        Assert.StartsWith("plan.jsonl line 2: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("\"out\"", e.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("alhpa", e.Errors[2].Message, StringComparison.Ordinal);
        Assert.Contains("also the output of variant 0 (line 1)", e.Errors[5].Message, StringComparison.Ordinal);
        Assert.All(e.Errors, error => Assert.DoesNotContain('\n', error.Message));
    }

    [Fact]
    public void An_empty_plan_is_unusable() =>
        Assert.Throws<BulkPlanException>(() => BulkPlanParser.Parse("\n\n", "empty.jsonl"));

    [Fact]
    public void Nul_characters_unpaired_surrogates_and_duplicate_members_are_bad_lines()
    {
        // Each used to escape the parser: Path.GetFullPath threw ArgumentException (NUL), GetString threw
        // InvalidOperationException (surrogate), and a duplicate was silently last-wins. All were exit 70 or worse.
        const string text = """
            {"a":{"path":"a.safe\u0000tensors"},"b":{"path":"b"},"out":"o1.safetensors"}
            {"a":{"path":"a"},"b":{"path":"b"},"out":"o\u00002.safetensors"}
            {"a":{"path":"a\ud800"},"b":{"path":"b"},"out":"o3.safetensors"}
            {"a":{"path":"a"},"b":{"path":"b"},"out":"o4\udc00.safetensors"}
            {"a":{"path":"a"},"b":{"path":"b"},"out":"o5.safetensors","\u006fut":"o5b.safetensors"}
            {"a":{"path":"a","path":"evil"},"b":{"path":"b"},"out":"o6.safetensors"}
            {"a":{"path":"a"},"b":{"path":"b"},"out":"o7.safetensors","exclude":["VAE\u0000"]}
            {"a":{"path":"a"},"b":{"path":"b"},"out":"ok.safetensors"}
            """;
        var e = Assert.Throws<BulkPlanException>(() => BulkPlanParser.Parse(text, "plan.jsonl"));

        Assert.Equal([1, 2, 3, 4, 5, 6, 7], e.Errors.Select(error => error.Line!.Value));
        Assert.Equal("plan.jsonl line 1: \"a.path\" contains a NUL character (\\u0000), which no path or name may hold", BulkPlanException.Describe(e.Source, e.Errors[0]));
        Assert.Contains("\"out\" contains a NUL character", e.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("\"a.path\" holds an unpaired surrogate", e.Errors[2].Message, StringComparison.Ordinal);
        Assert.Contains("\"out\" holds an unpaired surrogate", e.Errors[3].Message, StringComparison.Ordinal);
        Assert.Contains("out", e.Errors[4].Message, StringComparison.Ordinal);
        Assert.Contains("path", e.Errors[5].Message, StringComparison.Ordinal);
        Assert.Contains("\"exclude\" contains a NUL character", e.Errors[6].Message, StringComparison.Ordinal);
        Assert.All(e.Errors, error => Assert.DoesNotContain('\0', error.Message));
        Assert.All(e.Errors, error => Assert.DoesNotContain('\n', error.Message));
    }
}
