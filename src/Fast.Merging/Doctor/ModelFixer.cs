using Fast.Merging.Architectures;
using Fast.Merging.PositionIds;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Doctor;

/// <summary>
/// <c>fastmerge fix</c>: writes a repaired copy of a checkpoint (position ids, pruning, dtype, a baked-in VAE or
/// text encoder, NAI key names) in one streaming pass through the atomic writer. The input is only read.
/// </summary>
public static class ModelFixer
{
    private const string VaePrefix = CheckpointPrefixes.Vae;

    /// <summary>Repairs <paramref name="inputPath"/> into <paramref name="outputPath"/>.</summary>
    /// <exception cref="DoctorException">The output is an input or exists, or a <c>--vae</c>/<c>--clip</c> source does not fit.</exception>
    /// <exception cref="SafeTensorsFormatException">An input is not a valid safetensors file.</exception>
    public static FixResult Fix(string inputPath, string outputPath, FixOptions options, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        ArgumentNullException.ThrowIfNull(options);
        if (options.PositionIds == PositionIdsPolicy.Merge)
        {
            throw new DoctorException("fix: --position-ids must be reset or keep");
        }

        OutputPaths.EnsureWritable(outputPath, options.Overwrite, inputPath, options.VaePath, options.ClipPath);
        using SafeTensorsFile file = SafeTensorsFile.Open(inputPath, options.ReadMode);
        using SafeTensorsFile? vae = options.VaePath is null ? null : SafeTensorsFile.Open(options.VaePath, options.ReadMode);
        using SafeTensorsFile? clip = options.ClipPath is null ? null : SafeTensorsFile.Open(options.ClipPath, options.ReadMode);

        var replaced = new HashSet<string>(StringComparer.Ordinal);
        var added = new List<PlannedCopy>();
        int vaeCount = 0, clipCount = 0;
        var junk = new HashSet<string>(StringComparer.Ordinal);

        // Only a replaced component or pruning needs to know the architecture: recognising it (catalogs built, every
        // key matched) was most of the tenth of a second a plain convert or fix of SD1.5 spent before its first copy.
        if (vae is not null || clip is not null || options.Prune)
        {
            ArchitectureRecognition recognition = ArchitectureRecognizer.Recognize(file.Tensors.Select(t => new TensorKey(t.Name, t.Shape)));
            IReadOnlyList<LocatedComponent> components = ComponentLocator.Locate(recognition, ComponentLocator.ShapesOf(file.Tensors.Select(t => new TensorKey(t.Name, t.Shape))));
            if (vae is not null)
            {
                vaeCount = AddVae(file, vae, recognition, components, replaced, added);
            }

            if (clip is not null)
            {
                clipCount = AddClip(file, clip, recognition, components, replaced, added);
            }

            junk.UnionWith(JunkKeys.Of(recognition, components));
        }

        var plan = new List<PlannedCopy>();
        int pruned = 0, renamed = 0;
        foreach (TensorInfo t in file.Tensors)
        {
            if (replaced.Contains(t.Name))
            {
                continue;
            }

            if (options.Prune && (KnownKeys.IsEma(t.Name) || junk.Contains(t.Name)))
            {
                pruned++;
                continue;
            }

            string name = t.Name;
            if (options.RenameNai && NaiKeys.ToStandard(name) is { } standard)
            {
                name = standard;
                renamed++;
            }

            plan.Add(new PlannedCopy(name, t.DType, t.Shape, file, t));
        }

        plan.AddRange(added);
        EnsureUniqueNames(plan);

        int reset = 0;
        for (int i = 0; i < plan.Count; i++)
        {
            PlannedCopy p = plan[i];
            if (PositionIdsKeys.IsPositionIds(p.Name))
            {
                if (options.PositionIds == PositionIdsPolicy.Keep)
                {
                    // Kept means exactly as stored: neither --dtype nor --nan-to-num touches them.
                    continue;
                }

                long n = p.Shape.Count == 2 && p.Shape[0] == 1 ? p.Shape[1] : p.SourceTensor!.ElementCount;

                // Written either way (the same bytes when clean), but only a repair is reported as a reset.
                bool clean = p.Source is { } from && p.SourceTensor is { } ids && PositionIdsDTypes.CanRead(ids.DType)
                    && ids.ElementCount <= 1_000_000 && PositionIdsFileCheck.Check(from, ids).IsClean;
                plan[i] = new PlannedCopy(p.Name, DType.I64, [1, n], null, null);
                reset += clean ? 0 : 1;
            }
            else if (p.SourceTensor is { } source)
            {
                plan[i] = p with { DType = OutputDTypes.StoredAs(source.DType, options.DType), RepairNonFinite = options.NanToNum };
            }
        }

        int converted = plan.Count(p => p.IsConversion);
        long repaired = CopyWriter.Write(plan, outputPath, options.RecordFix ? FixRecord.Apply(Metadata(file), options) : Metadata(file), options.Overwrite, cancellation);
        return new FixResult(Path.GetFullPath(outputPath), plan.Count, pruned, renamed, converted, reset, vaeCount, clipCount, repaired);
    }

    private static int AddVae(
        SafeTensorsFile file, SafeTensorsFile vae, ArchitectureRecognition recognition, IReadOnlyList<LocatedComponent> components, HashSet<string> replaced, List<PlannedCopy> added)
    {
        LocatedComponent? target = components.FirstOrDefault(c => c.Role == ComponentRole.Vae);
        ModelComponent component = target?.Match.Placement.Component ?? ComponentCatalog.Get("VAE-v1-SD");
        string prefix = target?.Match.Placement.Prefix ?? VaePrefix;
        foreach (var (key, _) in target?.Keys ?? [])
        {
            replaced.Add(key);
        }

        var tensors = ComponentSource.Find(
            vae, component, [VaePrefix, string.Empty], name => ExpectedShape(file, component, target?.Match.Prefix ?? prefix, name, recognition.Scale), "--vae");
        added.AddRange(tensors.Select(t => new PlannedCopy(prefix + t.RelativeName, t.Tensor.DType, t.Tensor.Shape, vae, t.Tensor)));
        return tensors.Count;
    }

    private static int AddClip(
        SafeTensorsFile file, SafeTensorsFile clip, ArchitectureRecognition recognition, IReadOnlyList<LocatedComponent> components, HashSet<string> replaced, List<PlannedCopy> added)
    {
        var targets = components.Where(c => c.Role == ComponentRole.TextEncoder).ToList();
        if (targets.Count == 0)
        {
            throw new DoctorException($"--clip: {file.Path} has no recognised text encoder to replace (architecture {recognition.Architecture?.Name ?? "unknown"})");
        }

        int count = 0;
        foreach (LocatedComponent target in targets)
        {
            foreach (var (key, _) in target.Keys)
            {
                replaced.Add(key);
            }

            ComponentPlacement placement = target.Match.Placement;
            var tensors = ComponentSource.Find(
                clip, placement.Component, placement.AllPrefixes, name => ExpectedShape(file, placement.Component, target.Match.Prefix, name, recognition.Scale), "--clip");
            added.AddRange(tensors.Select(t => new PlannedCopy(placement.Prefix + t.RelativeName, t.Tensor.DType, t.Tensor.Shape, clip, t.Tensor)));
            count += tensors.Count;
        }

        return count;
    }

    // The target's own tensor when it has one, else the key list's shape at the target's scale.
    private static IReadOnlyList<long> ExpectedShape(SafeTensorsFile file, ModelComponent component, string prefix, string name, int scale) =>
        file.TryGetTensor(prefix + name, out TensorInfo? own)
            ? own.Shape
            : component.TryGetTensor(name, out ComponentTensor t) ? ShapeScaling.ScaleShape(t.Shape, scale) : [];

    private static void EnsureUniqueNames(List<PlannedCopy> plan)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (PlannedCopy p in plan)
        {
            if (!names.Add(p.Name))
            {
                throw new DoctorException($"the output would hold '{p.Name}' twice (the model has both NAI-style and standard text-encoder keys?); drop --rename-nai");
            }
        }
    }

    // The input's metadata describes the same model; it is kept, with the format A1111 expects first.
    private static List<KeyValuePair<string, string>> Metadata(SafeTensorsFile file)
    {
        var metadata = new List<KeyValuePair<string, string>> { new("format", "pt") };
        metadata.AddRange(file.Metadata.Where(m => m.Key != "format"));
        return metadata;
    }
}
