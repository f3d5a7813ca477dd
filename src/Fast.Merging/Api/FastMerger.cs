using System.Diagnostics;
using Fast.Merging.Execution;
using Fast.Merging.Hashing;
using Fast.Merging.Methods;
using Fast.Merging.Planning;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Api;

/// <summary>
/// The library entry point: merges the models of a <see cref="MergeRecipe"/> (SPEC §3–9) into a safetensors file, a
/// stream, or a per-tensor callback. Everything that can be wrong with the recipe or the models is raised as a
/// <see cref="MergingException"/> before any output exists; a failed or cancelled file merge leaves nothing at the path.
/// </summary>
public static class FastMerger
{
    /// <summary>Merges into a safetensors file, written under a temporary name and renamed into place when complete.</summary>
    /// <param name="recipe">What to merge and how; inputs are read from their paths.</param>
    /// <param name="outputPath">The output file; its folder must exist.</param>
    /// <param name="options">Threads, read mode, overwrite, device, hashing; defaults when null.</param>
    /// <param name="progress">Receives progress from worker threads.</param>
    /// <param name="cancellationToken">Stops the merge; the output is then not created.</param>
    /// <returns>The plan, hashes and position-ids reports.</returns>
    /// <exception cref="MergingException">The recipe, the models or the device cannot be used (typed subclasses).</exception>
    /// <exception cref="SafeTensorsFormatException">An input is not a valid safetensors file.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static MergeResult Merge(MergeRecipe recipe, string outputPath, MergeOptions? options = null, IProgress<MergeProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        options ??= new MergeOptions();
        string fullOutput = Path.GetFullPath(outputPath);
        RecipeValidator.EnsureValid(recipe, null);
        if (OutputTargets.IsAnInput(outputPath, InputPaths(recipe)))
        {
            throw new MergePlanException($"the output {outputPath} is also an input (the same file, a link or another spelling of it); an input is never written, even with overwrite: choose another path");
        }

        if (!options.Overwrite && (File.Exists(fullOutput) || Directory.Exists(fullOutput)))
        {
            throw new MergePlanException($"the output {outputPath} already exists; choose another path, or replace it with --overwrite (Python: overwrite=True)");
        }

        // The default merge hashes its inputs and its output while the bytes pass anyway (inputs read for the merge,
        // the output written), on threads of their own: a header whose input hashes are not cached yet is written with
        // placeholders of the same length and patched before the rename, so the plan never waits for a whole-file read.
        FileMergeSink? sink = null;
        IMergeSink CreateSink(MergePlan plan, Func<MergePlan>? finalPlan) =>
            sink = FileMergeSink.Create(plan, fullOutput, options.Overwrite, options.FlushToDisk, options.HashOutput, finalPlan is null ? null : () => finalPlan().Metadata);
        MergeResult result;
        try
        {
            result = Execute(recipe, options, CreateSink, progress, deferInputHashes: true, cancellationToken);
        }
        catch (ProvisionalHeaderMismatchException)
        {
            // Two inputs with the same bytes (rare): their hashes are known now, so the second run plans the final header.
            result = Execute(recipe, options, CreateSink, progress, deferInputHashes: false, cancellationToken);
        }

        // From here the output is in place: a cancellation must not read as "nothing was written".
        try
        {
            using SafeTensorsFile written = SafeTensorsFile.Open(fullOutput, ReadMode.Buffered);
            MergeResult done = result with
            {
                OutputPath = fullOutput,
                OutputHashes = options.HashOutput ? OutputHashes(sink!, written, cancellationToken) : null,
                PositionIdsAfter = PositionIdsInspection.Check(written),
            };

            // The output hash is usually known before the rename now, so nothing above may look at the token: a Ctrl+C
            // that arrived after the rename still gets its answer ("complete, summary skipped") rather than none.
            cancellationToken.ThrowIfCancellationRequested();
            return done;
        }
        catch (OperationCanceledException cancelled)
        {
            throw new CancelledAfterOutputException(fullOutput, cancelled);
        }
    }

    /// <summary>
    /// Merges into a stream as a complete safetensors file. The file is assembled in the temporary folder first (the
    /// header needs every size and the data order is not the computation order), then copied to
    /// <paramref name="destination"/> and deleted.
    /// </summary>
    /// <param name="recipe">What to merge and how.</param>
    /// <param name="destination">A writable stream; left open, positioned after the file.</param>
    /// <param name="options">Threads, read mode, device, hashing; <see cref="MergeOptions.Overwrite"/> does not apply.</param>
    /// <param name="progress">Receives progress from worker threads.</param>
    /// <param name="cancellationToken">Stops the merge.</param>
    /// <returns>The plan and hashes.</returns>
    /// <exception cref="MergingException">The recipe, the models or the device cannot be used.</exception>
    public static MergeResult MergeToStream(MergeRecipe recipe, Stream destination, MergeOptions? options = null, IProgress<MergeProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(destination);
        options ??= new MergeOptions();
        string temp = Path.Combine(Path.GetTempPath(), $"fastmerge-{Guid.NewGuid():N}.safetensors");
        try
        {
            MergeResult result = Execute(recipe, options, (plan, _) => FileMergeSink.Create(plan, temp, overwrite: false, flushToDisk: false), progress, deferInputHashes: false, cancellationToken);
            using (var file = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan))
            {
                file.CopyTo(destination, 1 << 20);
            }

            return result with { OutputHashes = options.HashOutput ? FileHasher.Compute(temp, cancellationToken) : null };
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Merges without writing a file: <paramref name="onTensor"/> receives every output tensor once, complete, in
    /// completion order (not file order), never concurrently. The bytes are exactly those a file merge would store.
    /// </summary>
    /// <param name="recipe">What to merge and how.</param>
    /// <param name="onTensor">Receives each finished tensor; its bytes are valid only during the call.</param>
    /// <param name="options">Threads, read mode, device, hashing.</param>
    /// <param name="progress">Receives progress from worker threads.</param>
    /// <param name="cancellationToken">Stops the merge.</param>
    /// <returns>The plan (its metadata is what a file would hold).</returns>
    /// <exception cref="MergingException">The recipe, the models or the device cannot be used.</exception>
    public static MergeResult MergeToCallback(MergeRecipe recipe, Action<MergedTensor> onTensor, MergeOptions? options = null, IProgress<MergeProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(onTensor);
        return Execute(recipe, options ?? new MergeOptions(), (plan, _) => new CallbackMergeSink(plan, onTensor), progress, deferInputHashes: false, cancellationToken);
    }

    /// <summary>
    /// Plans and runs a merge. With <paramref name="deferInputHashes"/>, inputs whose hashes are not cached are hashed
    /// on their own threads during the merge: the sink gets a plan whose metadata holds placeholders of the final
    /// length and a function giving the final plan (which waits for the hashes); otherwise it gets the final plan.
    /// </summary>
    private static MergeResult Execute(
        MergeRecipe recipe,
        MergeOptions options,
        Func<MergePlan, Func<MergePlan>?, IMergeSink> createSink,
        IProgress<MergeProgress>? progress,
        bool deferInputHashes,
        CancellationToken cancellation)
    {
        RecipeValidator.EnsureValid(recipe, null);
        var clock = Stopwatch.StartNew();
        using DeviceOpening device = DeviceOpening.Start(options, recipe.CalcMode);
        using SafeTensorsFile a = SafeTensorsFile.Open(recipe.A.Path, options.ReadMode);
        using SafeTensorsFile b = SafeTensorsFile.Open(recipe.B!.Path, options.ReadMode);
        using SafeTensorsFile? c = recipe.UsesModelC ? SafeTensorsFile.Open(recipe.C!.Path, options.ReadMode) : null;
        var sources = new MergeSources(a, b, c);

        // Every incompatibility (shapes, block lists, missing C) is raised before an input is hashed: hashing reads each
        // whole file, seconds per gigabyte, which a merge that cannot run must not cost.
        MergePlan plan = MergePlanner.Plan(recipe, a, b, c);
        ModelHashes[] hashes = [];
        MergePlan? finalPlan = null;
        Func<MergePlan>? waitForFinalPlan = null;
        using InputHashing? hashing = options.HashInputs ? InputHashing.Start(c is null ? [a, b] : [a, b, c], HashCache.Default, cancellation) : null;
        if (hashing is not null)
        {
            // Each input is hashed as the version this merge opened (its handle and stamp), and MergeEngine checks
            // before the commit that none changed since: the recorded sha256 is of the bytes the merge read. The plan
            // is made again with the hashes recorded in the metadata (planning is key bookkeeping, milliseconds).
            if (hashing.AllKnown || !deferInputHashes)
            {
                hashes = WaitForHashes(hashing, sources);
                plan = finalPlan = RecordedPlan(recipe, hashes, a, b, c);
            }
            else
            {
                plan = RecordedPlan(recipe, hashing.Provisional(), a, b, c);
                waitForFinalPlan = () =>
                {
                    hashes = WaitForHashes(hashing, sources);
                    return finalPlan = RecordedPlan(recipe, hashes, a, b, c);
                };
            }
        }

        using IMergeAccelerator? accelerator = device.Take();
        var engineOptions = new EngineOptions(options.Threads, accelerator, options.Device == MergeDevice.Gpu);
        MergePlan planned = plan;
        MergeEngine.Run(planned, sources, () => createSink(planned, waitForFinalPlan), engineOptions, progress, cancellation);
        return new MergeResult
        {
            Plan = finalPlan ?? plan,
            InputHashes = hashes,
            Warnings = RecordedInputCheck.Warnings(recipe, hashes),
            Device = accelerator?.Name ?? "cpu",
            Elapsed = clock.Elapsed,
            PositionIdsBefore = PositionIdsInspection.Check(a),
        };
    }

    private static ModelHashes[] WaitForHashes(InputHashing hashing, MergeSources sources)
    {
        try
        {
            return hashing.Wait();
        }
        catch (FileChangedException changed)
        {
            throw sources.Changed(changed);
        }
    }

    private static MergePlan RecordedPlan(MergeRecipe recipe, IReadOnlyList<ModelHashes> hashes, SafeTensorsFile a, SafeTensorsFile b, SafeTensorsFile? c) =>
        MergePlanner.Plan(Recorded(recipe, hashes, out List<MergeModelInfo> models), a, b, c, models);

    /// <summary>
    /// The output's hashes: those computed while it was written, remembered in the hash cache for the file now at the
    /// path when it is the one written (same inode, size and mtime; the rename moved only its ctime).
    /// </summary>
    private static ModelHashes OutputHashes(FileMergeSink sink, SafeTensorsFile written, CancellationToken cancellation)
    {
        if (sink.OutputHashes is not { } hashes || sink.HashedStamp is not { } hashed)
        {
            return HashCache.Default.Get(written.Path, cancellation);
        }

        FileStamp now = written.Stamp;
        if (now.Device == hashed.Device && now.Inode == hashed.Inode && now.Size == hashed.Size && now.MTimeNs == hashed.MTimeNs)
        {
            HashCache.Default.Remember(written.Path, now, hashes);
        }

        return hashes;
    }

    /// <summary>
    /// The recipe as the output's metadata records it: every input with its sha256 (<paramref name="hashes"/> in the
    /// order of <see cref="InputPaths"/>), and the inputs as A1111 names them.
    /// </summary>
    internal static MergeRecipe Recorded(MergeRecipe recipe, IReadOnlyList<ModelHashes> hashes, out List<MergeModelInfo> models)
    {
        string[] paths = [.. InputPaths(recipe)];
        models = [.. paths.Select((p, i) => new MergeModelInfo(Path.GetFileName(p), hashes[i].Sha256, hashes[i].LegacyHash))];
        return recipe with
        {
            A = recipe.A with { Sha256 = hashes[0].Sha256 },
            B = recipe.B! with { Sha256 = hashes[1].Sha256 },
            C = recipe.UsesModelC ? recipe.C! with { Sha256 = hashes[2].Sha256 } : recipe.C,
        };
    }

    /// <summary>The paths of the inputs a recipe reads: A, B, and C for three-model modes.</summary>
    internal static IEnumerable<string> InputPaths(MergeRecipe recipe)
    {
        yield return recipe.A.Path;
        if (recipe.B is not null)
        {
            yield return recipe.B.Path;
        }

        if (recipe.UsesModelC && recipe.C is not null)
        {
            yield return recipe.C.Path;
        }
    }
}
