using System.Diagnostics;
using Fast.Merging.Api;
using Fast.Merging.Hashing;
using Fast.Merging.Methods;
using Fast.SafeTensors;

namespace Fast.Merging.Graphs;

/// <summary>
/// The library entry point for recipe graphs and the N-model methods (docs/recipes.md, docs/methods.md): validates,
/// plans (every error before an output byte exists), hashes the inputs into the recorded recipe, then streams the
/// output under a temporary name and renames it into place.
/// </summary>
public static class GraphMerger
{
    /// <summary>Runs <paramref name="recipe"/> into <paramref name="outputPath"/>.</summary>
    /// <param name="recipe">The recipe graph.</param>
    /// <param name="outputPath">The output file.</param>
    /// <param name="options">Threads, read mode, overwrite, hashing, device (gpu runs the elementwise part on <see cref="MergeOptions.Accelerator"/>'s <see cref="IMergeAccelerator.Methods"/>; auto and cpu the CPU).</param>
    /// <param name="progress">Receives output bytes and tensors done, from worker threads.</param>
    /// <param name="cancellationToken">Stops the merge; the output is then not created.</param>
    /// <returns>The plan and hashes.</returns>
    /// <exception cref="MergingException">The recipe or its inputs cannot be used (typed subclasses).</exception>
    public static GraphMergeResult Merge(GraphRecipe recipe, string outputPath, MergeOptions? options = null, IProgress<Execution.MergeProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Merge(recipe, outputPath, options, pieceElements: null, progress, cancellationToken);

    /// <summary><see cref="Merge(GraphRecipe, string, MergeOptions?, IProgress{Execution.MergeProgress}?, CancellationToken)"/> with a chosen piece size (tests: the bytes must not depend on it).</summary>
    internal static GraphMergeResult Merge(GraphRecipe recipe, string outputPath, MergeOptions? options, int? pieceElements, IProgress<Execution.MergeProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        options ??= new MergeOptions();
        var clock = Stopwatch.StartNew();
        recipe = GraphValidator.Validate(recipe, out IReadOnlyList<Graphs.GraphMerge> order);
        string fullOutput = Path.GetFullPath(outputPath);
        foreach (GraphInput input in recipe.Inputs)
        {
            if (!File.Exists(input.Path))
            {
                throw new InvalidGraphException($"input '{input.Name}' of the recipe does not exist: {input.Path}");
            }

            if (!options.Overwrite && string.Equals(Path.GetFullPath(input.Path), fullOutput, StringComparison.Ordinal))
            {
                throw new InvalidGraphException($"the output {outputPath} is also input '{input.Name}'; choose another path, or allow overwriting to replace it");
            }
        }

        if (!options.Overwrite && (File.Exists(fullOutput) || Directory.Exists(fullOutput)))
        {
            throw new InvalidGraphException($"the output {outputPath} already exists; choose another path, or allow overwriting to replace it");
        }

        var files = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
        IMergeAccelerator? accelerator = OpenDevice(options);
        try
        {
            foreach (GraphInput input in recipe.Inputs)
            {
                files[input.Name] = SafeTensorsFile.Open(input.Path, options.ReadMode);
            }

            GraphPlan plan = GraphPlanner.Plan(recipe, order, files);
            if (options.HashInputs)
            {
                var hashes = new ModelHashes[recipe.Inputs.Count];
                Parallel.For(0, hashes.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
                {
                    SafeTensorsFile file = files[recipe.Inputs[i].Name];
                    hashes[i] = HashCache.Default.Get(file.Path, file.Stamp, cancellationToken);
                });
                for (int i = 0; i < hashes.Length; i++)
                {
                    GraphInput input = recipe.Inputs[i];
                    if (input.Sha256 is not null && !string.Equals(input.Sha256, hashes[i].Sha256, StringComparison.OrdinalIgnoreCase))
                    {
                        throw new InvalidGraphException($"input '{input.Name}' ({input.Path}) is not the file the recipe was made from: its sha256 is {hashes[i].Sha256}, the recipe records {input.Sha256}");
                    }
                }

                recipe = recipe with { Inputs = [.. recipe.Inputs.Select((input, i) => input with { Sha256 = hashes[i].Sha256 })] };
                plan = GraphPlanner.Plan(recipe, order, files, recipe.Inputs.Select((input, i) => (input.Name, hashes[i])).ToDictionary(h => h.Name, h => h.Item2, StringComparer.Ordinal));
            }

            using (SafeTensorsWriter writer = SafeTensorsWriter.Create(
                fullOutput, plan.Tensors.Select(t => new TensorSpec(t.Name, t.OutputDType, t.Shape)), plan.Metadata, options.Overwrite, options.FlushToDisk))
            {
                GraphEngine.Run(plan, files, writer, options.Threads, pieceElements, progress, cancellationToken, accelerator?.Methods);
                writer.Commit();
            }

            return new GraphMergeResult
            {
                Plan = plan,
                OutputPath = fullOutput,
                OutputHashes = options.HashOutput ? HashCache.Default.Get(fullOutput, cancellationToken) : null,
                Device = accelerator?.Name ?? "cpu",
                Elapsed = clock.Elapsed,
            };
        }
        finally
        {
            foreach (SafeTensorsFile file in files.Values)
            {
                file.Dispose();
            }

            accelerator?.Dispose();
        }
    }

    /// <summary>
    /// The device of <see cref="MergeOptions.Device"/>: gpu opens <see cref="MergeOptions.Accelerator"/> and needs its
    /// <see cref="IMergeAccelerator.Methods"/> (never a silent CPU run); cpu and auto compute on the CPU, since the
    /// methods read and write far more bytes than they compute and the transfers would dominate.
    /// </summary>
    private static IMergeAccelerator? OpenDevice(MergeOptions options)
    {
        if (options.Device != MergeDevice.Gpu)
        {
            return null;
        }

        if (options.Accelerator is null)
        {
            throw new MergeDeviceException("device gpu: this build has no GPU backend; use device auto or cpu");
        }

        if (!options.Accelerator.TryCreate(out IMergeAccelerator? gpu, out string reason) || gpu is null)
        {
            throw new MergeDeviceException($"device gpu: {reason}; use device auto or cpu");
        }

        if (gpu.Methods is null)
        {
            string name = gpu.Name;
            gpu.Dispose();
            throw new MergeDeviceException($"device gpu: {name} does not run the N-model methods; use device auto or cpu");
        }

        return gpu;
    }

    /// <summary>The recipe graph recorded in a merged file's metadata (<see cref="GraphRecipeJson.MetadataKey"/>).</summary>
    /// <param name="mergedFile">A file written by a recipe-graph merge.</param>
    /// <returns>The recipe, with its inputs' paths and sha256 as recorded.</returns>
    /// <exception cref="InvalidGraphException">The file records no recipe graph.</exception>
    public static GraphRecipe FromMetadata(string mergedFile)
    {
        using SafeTensorsFile file = SafeTensorsFile.Open(mergedFile, ReadMode.Buffered);
        foreach (KeyValuePair<string, string> entry in file.Metadata)
        {
            if (entry.Key == GraphRecipeJson.MetadataKey)
            {
                return GraphRecipeJson.Parse(entry.Value, $"in the metadata of {mergedFile}");
            }
        }

        throw new InvalidGraphException($"{mergedFile} records no recipe graph ({GraphRecipeJson.MetadataKey}) in its metadata; it was not made by fastmerge merge --mode/--recipe");
    }
}
