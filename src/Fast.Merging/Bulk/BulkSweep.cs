using System.Globalization;
using Fast.Merging.Recipes;

namespace Fast.Merging.Bulk;

/// <summary>
/// A sweep: one base recipe (A, C, β, γ, dtype, position ids, include/exclude…) and the axes to vary. It expands to the
/// cartesian product in a fixed order (B, then mode, then calcmode, then α block list, then α, the last varying
/// fastest) with deterministic output names under <see cref="OutputDirectory"/>:
/// <c>{B file stem}_{mode}_{calcmode}[_w{k}]_a{α}.safetensors</c> (<c>_w{k}</c>, the 1-based α block list, only when
/// lists are given). Model C goes to the modes that read it (ad, ts, st) and is left out of the others, so one sweep
/// can mix ws and ad.
/// </summary>
public sealed record BulkSweep
{
    /// <summary>The recipe every variant starts from; its B, mode, calcmode, α and α block list are replaced by the axes.</summary>
    public required MergeRecipe Base { get; init; }

    /// <summary>The folder the outputs go to.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The B models (at least one).</summary>
    public required IReadOnlyList<string> BModels { get; init; }

    /// <summary>The modes; empty means the base recipe's.</summary>
    public IReadOnlyList<MergeMode> Modes { get; init; } = [];

    /// <summary>The calcmodes; empty means the base recipe's.</summary>
    public IReadOnlyList<CalcMode> CalcModes { get; init; } = [];

    /// <summary>The α values (see <see cref="AlphaRange"/>); empty means the base recipe's.</summary>
    public IReadOnlyList<double> Alphas { get; init; } = [];

    /// <summary>α block lists or presets; empty means the base recipe's (usually none).</summary>
    public IReadOnlyList<string> WeightsAlpha { get; init; } = [];

    /// <summary>Every variant, in expansion order.</summary>
    /// <exception cref="BulkPlanException">No B model, or two variants would get the same output name (two B files with one stem).</exception>
    public BulkPlan Expand()
    {
        if (BModels.Count == 0)
        {
            throw new BulkPlanException("sweep", [new BulkPlanError(null, "give at least one B model (-b)")]);
        }

        IReadOnlyList<MergeMode> modes = Modes.Count > 0 ? Modes : [Base.Mode];
        IReadOnlyList<CalcMode> calcModes = CalcModes.Count > 0 ? CalcModes : [Base.CalcMode];
        IReadOnlyList<double> alphas = Alphas.Count > 0 ? Alphas : [Base.Alpha];
        IReadOnlyList<string?> lists = WeightsAlpha.Count > 0 ? [.. WeightsAlpha] : [Base.WeightsAlpha];
        var variants = new List<BulkVariant>();
        foreach (string b in BModels)
        {
            foreach (MergeMode mode in modes)
            {
                foreach (CalcMode calc in calcModes)
                {
                    for (int w = 0; w < lists.Count; w++)
                    {
                        foreach (double alpha in alphas)
                        {
                            MergeRecipe recipe = Base with { B = new MergeInput(b), Mode = mode, CalcMode = calc, Alpha = alpha, WeightsAlpha = lists[w] };
                            recipe = recipe with { C = recipe.UsesModelC ? Base.C : null };
                            string list = WeightsAlpha.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $"_w{w + 1}") : string.Empty;
                            string name = string.Create(
                                CultureInfo.InvariantCulture,
                                $"{Path.GetFileNameWithoutExtension(b)}_{RecipeNames.ShortName(mode)}_{RecipeNames.Name(calc)}{list}_a{alpha.ToString("R", CultureInfo.InvariantCulture)}.safetensors");
                            variants.Add(new BulkVariant(variants.Count, recipe, Path.Combine(OutputDirectory, name)));
                        }
                    }
                }
            }
        }

        BulkPlanError[] duplicates = [.. BulkPlanParser.DuplicateOutputs(variants)];
        if (duplicates.Length > 0)
        {
            throw new BulkPlanException("sweep", [new BulkPlanError(null, $"{duplicates.Length} variants would share an output name ({duplicates[0].Message}); give B models distinct file names")]);
        }

        return new BulkPlan(variants);
    }
}
