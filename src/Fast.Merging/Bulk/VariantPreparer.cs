using Fast.Merging.Api;
using Fast.Merging.Execution;
using Fast.Merging.Execution.Calcmodes;
using Fast.Merging.Hashing;
using Fast.Merging.Methods;
using Fast.Merging.Planning;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Bulk;

/// <summary>
/// Plans one variant as <see cref="FastMerger"/> does (validation, the output checks, input hashes recorded in the
/// recipe, <see cref="MergePlanner.Plan"/>, the cosine first pass), on the run's shared inputs. A variant whose
/// output is already complete is reported skipped when resuming.
/// </summary>
internal sealed class VariantPreparer(InputFiles files, BulkOptions options, IInputReader directReader, CancellationToken cancellation)
{
    /// <summary>The prepared variant, or null with <paramref name="skipped"/> set when resuming found it complete.</summary>
    public PreparedVariant? Prepare(BulkVariant variant, out bool skipped)
    {
        skipped = false;
        MergeRecipe recipe = variant.Recipe;
        RecipeValidator.EnsureValid(recipe, null);
        string output = Path.GetFullPath(variant.OutputPath);
        bool writes = options.Sink == BulkSinkKind.Files;
        if (writes && OutputTargets.IsAnInput(output, FastMerger.InputPaths(recipe)))
        {
            throw new MergePlanException($"the output {variant.OutputPath} is also an input (the same file, a link or another spelling of it); an input is never written, even with overwrite: choose another path");
        }

        SafeTensorsFile a = files.Open(recipe.A.Path);
        SafeTensorsFile b = files.Open(recipe.B!.Path);
        SafeTensorsFile? c = recipe.UsesModelC ? files.Open(recipe.C!.Path) : null;
        MergeRecipe recorded = recipe;
        List<MergeModelInfo>? models = null;
        IReadOnlyList<string> warnings = [];
        if (options.HashInputs)
        {
            ModelHashes[] hashes = [.. FastMerger.InputPaths(recipe).Select(p => files.Hash(p, cancellation))];
            recorded = FastMerger.Recorded(recipe, hashes, out models);
            warnings = RecordedInputCheck.Warnings(recipe, hashes);
        }

        if (writes && options.Resume)
        {
            // A resumed run follows a killed one: its temp files are swept even where every output is skipped and
            // no writer (which sweeps on creation) ever opens in that folder.
            TempFileNames.RemoveStale(Path.GetDirectoryName(Path.GetFullPath(output))!);
        }

        if (writes && (File.Exists(output) || Directory.Exists(output)))
        {
            if (options.Resume && ResumeCheck.IsComplete(output, recorded))
            {
                skipped = true;
                return null;
            }

            if (!options.Overwrite)
            {
                throw new MergePlanException($"the output {variant.OutputPath} already exists; choose another path, or replace it with --overwrite (Python: overwrite=True)");
            }
        }

        MergePlan plan = MergePlanner.Plan(recorded, a, b, c, models);
        var direct = new MergeSources(a, b, c) { Reader = directReader };
        CosineStatistics? cosine = CalcModeCatalog.Get(plan.Recipe.CalcMode).UsesCosineStatistics
            ? CosineStatistics.Compute(plan, direct, options.Threads, cancellation)
            : null;
        PlusRandomStreams? random = CalcModeCatalog.Get(plan.Recipe.CalcMode).DrawsRandom ? PlusRandomStreams.Compute(plan, direct, plan.Recipe.Seed!.Value) : null;
        return new PreparedVariant(variant, plan, direct, new WholeTensorMerge(plan.Recipe, cosine, null, Math.Max(1, options.Threads), random)) { Warnings = warnings };
    }
}
