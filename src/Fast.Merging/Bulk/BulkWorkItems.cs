using Fast.Merging.Execution;
using Fast.Merging.Methods;
using Fast.Merging.Planning;
using Fast.SafeTensors;

namespace Fast.Merging.Bulk;

/// <summary>
/// Cuts a wave into work items. Keys come in the data order of the first variant's output file (then any keys only
/// other variants have), so each variant produces its bytes in file order and the hash sink holds nothing back.
/// A key is cut into chunks of <see cref="WorkScratch.ChunkElements"/> when every variant copies it or merges it with
/// calcmode normal; otherwise it is one whole-key item. Each input range is requested by exactly one item.
/// </summary>
internal static class BulkWorkItems
{
    public static List<BulkWorkItem> Build(IReadOnlyList<PreparedVariant> wave)
    {
        var items = new List<BulkWorkItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (PreparedVariant v in wave)
        {
            foreach (string name in v.Layout.DataOrder)
            {
                if (seen.Add(name))
                {
                    AddKey(name, wave, items);
                }
            }
        }

        return items;
    }

    /// <summary>The inputs a planned tensor reads: A to copy; A, B (and C) to merge; none to reset position ids.</summary>
    public static IEnumerable<SafeTensorsFile> Reads(PlannedTensor t, MergeSources sources)
    {
        if (t.Action == TensorAction.ResetPositionIds)
        {
            yield break;
        }

        yield return sources.A;
        if (t.Action == TensorAction.CopyA)
        {
            yield break;
        }

        yield return sources.B;
        if (sources.C is not null)
        {
            yield return sources.C;
        }
    }

    /// <summary>Estimated working memory of one whole-tensor operation: f32 copies of the inputs and the result, plus the output.</summary>
    public static long WorkBytes(PlannedTensor t, CalcMode calcMode)
    {
        long count = Elements(t.Shape);
        return t.Action switch
        {
            TensorAction.Merge when CalcModeCatalog.Get(calcMode).WholeTensor => (6 * 4 * count) + (count * DTypeInfo.BitSize(t.OutputDType) / 8),
            TensorAction.MergePositionIds => 16 * count,
            _ => 0,
        };
    }

    public static long Elements(IReadOnlyList<long> shape)
    {
        long n = 1;
        foreach (long d in shape)
        {
            n = checked(n * d);
        }

        return n;
    }

    private static void AddKey(string name, IReadOnlyList<PreparedVariant> wave, List<BulkWorkItem> items)
    {
        var byVariant = new PlannedTensor?[wave.Count];
        var inputs = new List<TensorInfo>();
        var files = new List<SafeTensorsFile>();
        bool chunked = true;
        long elements = 0, work = 0;
        for (int slot = 0; slot < wave.Count; slot++)
        {
            PreparedVariant v = wave[slot];
            if (v.Error is not null || !v.Tensors.TryGetValue(name, out PlannedTensor? t))
            {
                continue;
            }

            byVariant[slot] = t;
            chunked &= TensorOperations.IsChunkable(t, v.Plan.Recipe.CalcMode, copies: true);
            elements = Math.Max(elements, Elements(t.Shape));
            work = Math.Max(work, WorkBytes(t, v.Plan.Recipe.CalcMode));
            foreach (SafeTensorsFile file in Reads(t, v.Sources))
            {
                if (!files.Contains(file))
                {
                    files.Add(file);
                    inputs.Add(file[name]);
                }
            }
        }

        if (!chunked || elements == 0)
        {
            WindowRequest[] whole = [.. files.Select((f, i) => new WindowRequest(f, inputs[i], 0, checked((int)inputs[i].ByteLength))).Where(w => w.Length > 0)];
            items.Add(new BulkWorkItem(name, 0, 0, byVariant, whole, work));
            return;
        }

        for (long start = 0; start < elements; start += WorkScratch.ChunkElements)
        {
            var windows = new List<WindowRequest>(files.Count);
            for (int i = 0; i < files.Count; i++)
            {
                TensorInfo input = inputs[i];
                long end = Math.Min(start + WorkScratch.ChunkElements, input.ElementCount);
                int size = DTypeInfo.BitSize(input.DType) / 8;
                if (end > start)
                {
                    windows.Add(new WindowRequest(files[i], input, start * size, checked((int)((end - start) * size))));
                }
            }

            items.Add(new BulkWorkItem(name, start, (int)Math.Min(WorkScratch.ChunkElements, elements - start), byVariant, windows, 0));
        }
    }
}
