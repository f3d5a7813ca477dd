using Fast.Merging.Architectures;
using Fast.Merging.Hashing;
using Fast.Merging.PositionIds;
using Fast.SafeTensors;

namespace Fast.Merging.Doctor;

/// <summary>
/// <c>fastmerge check</c>: reads a safetensors file once, in file order, and reports its architecture and
/// components, missing and unknown keys, position ids, junk and EMA, float64 tensors, NaN/Inf, the file hashes and
/// a content hash per component. The file is only read.
/// </summary>
public static class ModelChecker
{
    /// <summary>Checks <paramref name="path"/>.</summary>
    /// <exception cref="SafeTensorsFormatException">The file is not a valid safetensors file.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static CheckReport Check(string path, CheckOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new CheckOptions();
        using SafeTensorsFile file = SafeTensorsFile.Open(path, ReadMode.Buffered);
        ArchitectureRecognition recognition = ArchitectureRecognizer.Recognize(file.Tensors.Select(t => new TensorKey(t.Name, t.Shape)));
        IReadOnlyList<LocatedComponent> components = ComponentLocator.Locate(recognition, ComponentLocator.ShapesOf(file.Tensors.Select(t => new TensorKey(t.Name, t.Shape))));

        var componentKeys = options.HashComponents
            ? components.SelectMany(c => c.Keys.Select(k => k.Key)).ToHashSet(StringComparer.Ordinal)
            : [];
        var scanner = new TensorStreamScanner(file, options.ScanNonFinite, t => componentKeys.Contains(t.Name));
        ModelHashes hashes = StreamingPass.Run(path, file.FileLength, scanner.Consume, cancellation);
        Dictionary<string, byte[]> digests = scanner.Digests();

        var componentReports = components.Select(c => Describe(file, c, options.HashComponents ? digests : null)).ToList();
        var junk = Sized(file, JunkKeys.Of(recognition, components));
        var ema = Sized(file, recognition.EmaKeys);
        var positionIds = file.Tensors
            .Where(t => PositionIdsKeys.IsPositionIds(t.Name))
            .Select(t => new PositionIdsEntry(t.Name, PositionIdsFileCheck.Check(file, t)))
            .ToList();
        var float64 = Sized(file, file.Tensors.Where(t => t.DType == DType.F64).Select(t => t.Name));
        Dictionary<string, NonFiniteCount> nonFiniteByName = scanner.NonFinite();
        var nonFinite = file.Tensors
            .Where(t => nonFiniteByName.ContainsKey(t.Name))
            .Select(t => new NonFiniteTensor(t.Name, DTypeInfo.ToJsonName(t.DType), nonFiniteByName[t.Name]))
            .ToList();

        var report = new CheckReport(
            file.Path, file.FileLength, file.Tensors.Count, recognition, componentReports, junk, ema, positionIds, float64, nonFinite, hashes, []);
        return report with { Problems = CheckProblems.Find(report) };
    }

    private static ComponentReport Describe(SafeTensorsFile file, LocatedComponent component, Dictionary<string, byte[]>? digests)
    {
        var dtypes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        long parameters = 0, bytes = 0;
        foreach (var (key, _) in component.Keys)
        {
            TensorInfo t = file[key];
            string dtype = DTypeInfo.ToJsonName(t.DType);
            dtypes[dtype] = dtypes.GetValueOrDefault(dtype) + 1;
            parameters += t.ElementCount;
            bytes += t.ByteLength;
        }

        string? contentHash = digests is null || component.Keys.Count == 0
            ? null
            : ComponentHash.Compute(component.Keys.Select(k =>
            {
                TensorInfo t = file[k.Key];
                return (k.RelativeName, DTypeInfo.ToJsonName(t.DType), t.Shape, digests[k.Key]);
            }));
        return new ComponentReport(component, dtypes, parameters, bytes, contentHash);
    }

    private static List<SizedTensor> Sized(SafeTensorsFile file, IEnumerable<string> keys) =>
        keys.Select(k => file[k])
            .Select(t => new SizedTensor(t.Name, DTypeInfo.ToJsonName(t.DType), t.ElementCount, t.ByteLength))
            .ToList();
}
