using Fast.Merging.Methods;
using Fast.Merging.Recipes;

namespace Fast.Merging.Tests.Methods;

/// <summary>The catalog is the one place modes and calcmodes are declared: complete, unambiguous, never a fallback.</summary>
public class MethodCatalogTests
{
    [Fact]
    public void Every_mode_and_calcmode_has_exactly_one_entry()
    {
        Assert.Equal(Enum.GetValues<MergeMode>().Order(), MergeModeCatalog.All.Select(e => e.Mode).Order());
        Assert.Equal(Enum.GetValues<CalcMode>().Order(), CalcModeCatalog.All.Select(e => e.CalcMode).Order());
        Assert.Throws<ArgumentOutOfRangeException>(() => MergeModeCatalog.Get((MergeMode)99));
        Assert.Throws<ArgumentOutOfRangeException>(() => CalcModeCatalog.Get((CalcMode)99));
    }

    [Fact]
    public void Every_spelling_parses_to_its_own_entry_and_no_spelling_is_shared()
    {
        var modeSpellings = MergeModeCatalog.All.SelectMany(e => e.Spellings).ToList();
        Assert.Equal(modeSpellings.Count, modeSpellings.Distinct().Count());
        foreach (var entry in MergeModeCatalog.All)
        {
            Assert.All(entry.Spellings, s => Assert.Equal(entry.Mode, RecipeNames.ParseMode(s)));
            Assert.Equal(entry.Mode, RecipeNames.ParseMode(entry.ReferenceName));
            Assert.Equal(entry.ShortName, RecipeNames.ShortName(entry.Mode));

            // The recipe JSON writes the enum by the same short name the catalog declares.
            Assert.Contains($"\"mode\":\"{entry.ShortName}\"", RecipeJson.Serialize(new MergeRecipe { Mode = entry.Mode }), StringComparison.Ordinal);
        }

        var calcSpellings = CalcModeCatalog.All.SelectMany(e => e.Spellings).ToList();
        Assert.Equal(calcSpellings.Count, calcSpellings.Distinct().Count());
        foreach (var entry in CalcModeCatalog.All)
        {
            Assert.Equal(entry.CalcMode, RecipeNames.ParseCalcMode(entry.Name));
            Assert.Contains($"\"calcmode\":\"{entry.Name}\"", RecipeJson.Serialize(new MergeRecipe { CalcMode = entry.CalcMode }), StringComparison.Ordinal);
        }

        Assert.Equal(CalcMode.SmoothAdd, RecipeNames.ParseCalcMode("smoothAdd MT"));
    }

    [Fact]
    public void Unknown_names_are_usage_errors_listing_the_catalogs_names()
    {
        var mode = Assert.Throws<InvalidRecipeException>(() => RecipeNames.ParseMode("wd"));
        Assert.Contains("ws, ad, ts, st, ss", mode.Message, StringComparison.Ordinal);
        var calc = Assert.Throws<InvalidRecipeException>(() => RecipeNames.ParseCalcMode("normalish"));
        Assert.Contains("normal, cosineA, cosineB, trainDifference, smoothAdd, smoothAdd MT, tensor, tensor2, extract, self, plus random.", calc.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_listed_calcmode_name_is_accepted_and_every_accepted_spelling_is_listed()
    {
        var listed = Assert.Throws<InvalidRecipeException>(() => RecipeNames.ParseCalcMode("?")).Message;
        foreach (var entry in CalcModeCatalog.All)
        {
            foreach (var name in entry.DisplayNames)
            {
                Assert.Equal(entry.CalcMode, RecipeNames.ParseCalcMode(name));
                Assert.Contains(name, listed, StringComparison.Ordinal);
            }

            // No spelling is accepted that no listed name stands for.
            Assert.All(entry.Spellings, spelling => Assert.Contains(
                entry.DisplayNames, name => string.Concat(name.Where(c => c is not (' ' or '-' or '_'))).Equals(spelling, StringComparison.OrdinalIgnoreCase)));
        }
    }

    [Fact]
    public void Every_calcmode_declares_work_for_the_tensors_it_cannot_cut_and_for_those_it_can()
    {
        foreach (var entry in CalcModeCatalog.All)
        {
            if (entry.Ranges == ElementRangeWork.ModeOperator)
            {
                // The mode's own kernel runs the ranges, and the whole tensors too: an operator of its own would be ignored.
                Assert.Null(entry.Operator);
            }
            else
            {
                // Whole-tensor work (and, for a calcmode with ranges, the tensors that cannot be cut: an inpainting
                // model's merged channels, Adjust's keys) runs the entry's operator, so it must have one.
                Assert.NotNull(entry.Operator);
            }
        }

        Assert.Equal(
            [CalcMode.Normal, CalcMode.CosineA, CalcMode.CosineB, CalcMode.Self, CalcMode.PlusRandom],
            CalcModeCatalog.All.Where(e => e.Ranges != ElementRangeWork.None).Select(e => e.CalcMode).Order());
    }

    [Fact]
    public void Arity_comes_from_the_entries()
    {
        Assert.Equal(["ad", "ts", "st"], MergeModeCatalog.All.Where(e => e.UsesC).Select(e => e.ShortName));
        Assert.True(new MergeRecipe { Mode = MergeMode.TripleSum }.UsesBeta);
        Assert.True(new MergeRecipe { CalcMode = CalcMode.Extract }.UsesBeta);
        Assert.False(new MergeRecipe { Mode = MergeMode.AddDifference }.UsesBeta);
        Assert.True(new MergeRecipe { Mode = MergeMode.SumTwice }.UsesModelC);
        Assert.False(new MergeRecipe { Mode = MergeMode.ScaledSum }.UsesModelC);
    }
}
