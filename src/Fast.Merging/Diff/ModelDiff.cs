using System.Buffers;
using System.Collections.Concurrent;
using Fast.Kernels;
using Fast.Merging.Api;
using Fast.Merging.Architectures;
using Fast.Merging.Doctor;
using Fast.Merging.Execution;
using Fast.SafeTensors;

namespace Fast.Merging.Diff;

/// <summary>
/// Compares two checkpoints tensor by tensor and block by block (L2 of the difference, cosine, max |Δ|), streaming:
/// each worker reads one chunk of A and the same chunk of B at a time (positional reads, no mapping), so memory stays
/// at two chunks per thread whatever the model size. Sums are double, in the fixed block layout of
/// <see cref="DifferenceReductions"/>, so the report is the same bits for any thread count, chunking or device.
/// </summary>
public static class ModelDiff
{
    /// <summary>Compares <paramref name="pathA"/> with <paramref name="pathB"/>.</summary>
    /// <exception cref="SafeTensorsFormatException">A file is not a valid safetensors file.</exception>
    /// <exception cref="MixedArchitecturesException">The models are of different families (SD1.x and SDXL).</exception>
    /// <exception cref="MergeDeviceException"><see cref="MergeDevice.Gpu"/> was asked for and none can be opened.</exception>
    /// <exception cref="FileChangedException">A file changed while it was read.</exception>
    public static DiffReport Compare(string pathA, string pathB, DiffOptions options, IProgress<MergeProgress>? progress, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(options);
        using SafeTensorsFile a = SafeTensorsFile.Open(pathA, ReadMode.Buffered);
        using SafeTensorsFile b = SafeTensorsFile.Open(pathB, ReadMode.Buffered);
        ArchitectureRecognition recognitionA = ArchitectureRecognizer.Recognize(Keys(a));
        ArchitectureRecognition recognitionB = ArchitectureRecognizer.Recognize(Keys(b));
        MixedArchitecturesException.ThrowIfMixed("A", recognitionA, "B", recognitionB, "a per-block difference needs two models of one family");

        // The sections come from whichever model was recognised (A first): an unknown file is still compared key by key.
        (ArchitectureRecognition recognition, SafeTensorsFile layoutSource) = recognitionA.Architecture is not null || recognitionB.Architecture is null
            ? (recognitionA, a)
            : (recognitionB, b);
        Plan plan = Classify(a, b, recognition, layoutSource);

        using IDifferenceAccelerator? accelerator = OpenDevice(options);
        DifferenceSums[][] blocks = Reduce(a, b, plan.Compared, accelerator, options, progress, cancellation);
        a.EnsureUnchanged();
        b.EnsureUnchanged();

        var tensors = new List<TensorDifference>(plan.Compared.Count);
        var sections = new List<DiffSection>();
        foreach (PlannedSection section in plan.Sections)
        {
            var groups = new List<DifferenceGroup>();
            foreach ((string group, List<int> members) in section.Groups)
            {
                var sums = default(DifferenceSums);
                foreach (int index in members)
                {
                    Compared c = plan.Compared[index];
                    DifferenceSums tensorSums = DifferenceSums.Total(blocks[index]);
                    sums = sums.Then(tensorSums);
                    tensors.Add(new TensorDifference(c.A.Name, section.Label, group, c.A.Shape, DTypeInfo.ToJsonName(c.A.DType), DTypeInfo.ToJsonName(c.B.DType), tensorSums));
                }

                groups.Add(new DifferenceGroup(group, members.Count, sums));
            }

            sections.Add(new DiffSection(section.Label, section.IsDenoiser, groups));
        }

        return new DiffReport
        {
            PathA = pathA,
            PathB = pathB,
            ArchitectureA = recognitionA.Architecture?.Name ?? "unknown",
            ArchitectureB = recognitionB.Architecture?.Name ?? "unknown",
            Layout = recognition.BlockLayout.Name,
            Device = accelerator?.Name ?? "cpu",
            Sections = sections,
            Tensors = tensors,
            OnlyInA = plan.OnlyInA,
            OnlyInB = plan.OnlyInB,
            ShapeMismatches = plan.ShapeMismatches,
            NotCompared = plan.NotCompared,
            BytesRead = plan.Compared.Sum(c => c.A.ByteLength + c.B.ByteLength),
        };
    }

    private static IEnumerable<TensorKey> Keys(SafeTensorsFile file) => file.Tensors.Select(t => new TensorKey(t.Name, t.Shape));

    private static IDifferenceAccelerator? OpenDevice(DiffOptions options)
    {
        if (options.Device != MergeDevice.Gpu)
        {
            return null;
        }

        if (options.Accelerator is null)
        {
            throw new MergeDeviceException("diff: --device gpu: this build has no GPU backend (the NativeAOT build is CPU only)");
        }

        return options.Accelerator.TryCreate(out IDifferenceAccelerator? accelerator, out string reason)
            ? accelerator!
            : throw new MergeDeviceException($"diff: --device gpu: no GPU could be opened ({reason})");
    }

    /// <summary>Which keys are compared, and the section and group each one is reported in.</summary>
    private static Plan Classify(SafeTensorsFile a, SafeTensorsFile b, ArchitectureRecognition recognition, SafeTensorsFile layoutSource)
    {
        var plan = new Plan();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        IReadOnlyList<LocatedComponent> components = ComponentLocator.Locate(recognition, ComponentLocator.ShapesOf(Keys(layoutSource)));
        ComponentPlacement? denoiser = recognition.Architecture?.Placements[0];
        var layout = recognition.BlockLayout;
        foreach (LocatedComponent component in components)
        {
            bool isDenoiser = layout.HasBlocks && component.Match.Placement == denoiser;
            string label = isDenoiser && component.Role != ComponentRole.Unet ? "transformer" : component.Label;
            var section = new PlannedSection(label, isDenoiser);
            if (isDenoiser)
            {
                // Every block is a row, compared or not; BASE only when the denoiser has keys no block claims.
                foreach (string block in layout.Blocks.Skip(1))
                {
                    section.Groups.Add((block, []));
                }
            }

            foreach ((string key, string relative) in component.Keys)
            {
                if (seen.Add(key))
                {
                    Place(plan, section, isDenoiser ? layout.Blocks[layout.IndexOf(key)] : DiffGrouping.GroupOf(relative), a, b, key);
                }
            }

            plan.Sections.Add(section);
        }

        var other = new PlannedSection("other", false);
        foreach (TensorInfo t in a.Tensors.Concat(b.Tensors))
        {
            if (seen.Add(t.Name))
            {
                Place(plan, other, DiffGrouping.GroupOf(t.Name), a, b, t.Name);
            }
        }

        if (other.Groups.Count > 0)
        {
            plan.Sections.Add(other);
        }

        return plan;
    }

    private static void Place(Plan plan, PlannedSection section, string group, SafeTensorsFile a, SafeTensorsFile b, string key)
    {
        bool inA = a.TryGetTensor(key, out TensorInfo? ta);
        bool inB = b.TryGetTensor(key, out TensorInfo? tb);
        if (!inA || !inB)
        {
            (inA ? plan.OnlyInA : plan.OnlyInB).Add(key);
            return;
        }

        if (!ta!.ShapeSpan.SequenceEqual(tb!.ShapeSpan))
        {
            plan.ShapeMismatches.Add($"{key} {ShapeFormatting.Format(ta.Shape)} vs {ShapeFormatting.Format(tb.Shape)}");
            return;
        }

        if (!ElementTypes.TryGet(ta.DType, out _) || !ElementTypes.TryGet(tb.DType, out _))
        {
            plan.NotCompared.Add($"{key} ({DTypeInfo.ToJsonName(ta.DType)} vs {DTypeInfo.ToJsonName(tb.DType)})");
            return;
        }

        int index = plan.Compared.Count;
        plan.Compared.Add(new Compared(ta, tb));
        int at = section.Groups.FindIndex(g => g.Name == group);
        if (at < 0)
        {
            section.Groups.Add((group, [index]));
        }
        else
        {
            section.Groups[at].Members.Add(index);
        }
    }

    /// <summary>Every compared tensor's block sums; chunks go to the workers in A's data order, so the reads stream.</summary>
    private static DifferenceSums[][] Reduce(
        SafeTensorsFile a, SafeTensorsFile b, List<Compared> compared, IDifferenceAccelerator? accelerator, DiffOptions options,
        IProgress<MergeProgress>? progress, CancellationToken cancellation)
    {
        var blocks = new DifferenceSums[compared.Count][];
        var remaining = new int[compared.Count];
        var chunks = new List<(int Tensor, int FirstBlock, int Blocks)>();
        foreach (int i in Enumerable.Range(0, compared.Count).OrderBy(i => compared[i].A.DataStart))
        {
            long count = DifferenceReductions.BlockCount(compared[i].A.ElementCount);
            blocks[i] = new DifferenceSums[count];
            for (long first = 0; first < count; first += options.ChunkBlocks)
            {
                chunks.Add((i, (int)first, (int)Math.Min(options.ChunkBlocks, count - first)));
                remaining[i]++;
            }
        }

        long bytesTotal = compared.Sum(c => c.A.ByteLength + c.B.ByteLength);
        long bytesDone = 0;
        int tensorsDone = compared.Count(c => c.A.ElementCount == 0);
        int chunkBytes = options.ChunkBlocks * Reductions.BlockElements * 8;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Threads), CancellationToken = cancellation };
        Parallel.ForEach(
            Partitioner.Create(chunks, EnumerablePartitionerOptions.NoBuffering),
            parallel,
            () => (ArrayPool<byte>.Shared.Rent(chunkBytes), ArrayPool<byte>.Shared.Rent(chunkBytes)),
            (chunk, _, buffers) =>
            {
                Compared c = compared[chunk.Tensor];
                ElementType typeA = ElementTypes.Of(c.A.DType), typeB = ElementTypes.Of(c.B.DType);
                long firstElement = (long)chunk.FirstBlock * Reductions.BlockElements;
                int elements = (int)Math.Min((long)chunk.Blocks * Reductions.BlockElements, c.A.ElementCount - firstElement);
                Span<byte> bytesA = buffers.Item1.AsSpan(0, elements * ElementTypeInfo.SizeOf(typeA));
                Span<byte> bytesB = buffers.Item2.AsSpan(0, elements * ElementTypeInfo.SizeOf(typeB));
                a.CopyTo(c.A, firstElement * ElementTypeInfo.SizeOf(typeA), bytesA);
                b.CopyTo(c.B, firstElement * ElementTypeInfo.SizeOf(typeB), bytesB);
                Span<DifferenceSums> destination = blocks[chunk.Tensor].AsSpan(chunk.FirstBlock, chunk.Blocks);
                if (accelerator is null)
                {
                    DifferenceReductions.BlockSums(bytesA, typeA, bytesB, typeB, destination);
                }
                else
                {
                    accelerator.BlockSums(bytesA, typeA, bytesB, typeB, destination);
                }

                long done = Interlocked.Add(ref bytesDone, bytesA.Length + bytesB.Length);
                int tensors = Interlocked.Decrement(ref remaining[chunk.Tensor]) == 0 ? Interlocked.Increment(ref tensorsDone) : Volatile.Read(ref tensorsDone);
                progress?.Report(new MergeProgress(done, bytesTotal, tensors, compared.Count));
                return buffers;
            },
            buffers =>
            {
                ArrayPool<byte>.Shared.Return(buffers.Item1);
                ArrayPool<byte>.Shared.Return(buffers.Item2);
            });

        return blocks;
    }

    private sealed record Compared(TensorInfo A, TensorInfo B);

    private sealed class PlannedSection(string label, bool isDenoiser)
    {
        public string Label => label;

        public bool IsDenoiser => isDenoiser;

        public List<(string Name, List<int> Members)> Groups { get; } = [];
    }

    private sealed class Plan
    {
        public List<PlannedSection> Sections { get; } = [];

        public List<Compared> Compared { get; } = [];

        public List<string> OnlyInA { get; } = [];

        public List<string> OnlyInB { get; } = [];

        public List<string> ShapeMismatches { get; } = [];

        public List<string> NotCompared { get; } = [];
    }
}
