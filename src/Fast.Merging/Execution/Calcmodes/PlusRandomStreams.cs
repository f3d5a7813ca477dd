using System.Text;
using Fast.Kernels;
using Fast.Merging.Planning;
using Fast.Merging.Randomness;

namespace Fast.Merging.Execution.Calcmodes;

/// <summary>
/// Where each key of a <c>plus random</c> merge starts in torch's generator stream. The reference seeds nothing and
/// draws <c>randn_like(A[key])</c> key after key in its state dict's order (safetensors' <c>load_file</c>: names sorted
/// by their UTF-8 bytes); we seed it with <c>torch.manual_seed(seed)</c> and walk the merged keys in that order once,
/// taking a copy of the generator before each, so the keys can then be drawn side by side in any order.
/// </summary>
internal sealed class PlusRandomStreams
{
    private readonly Dictionary<string, TorchCpuGenerator> _starts;

    private PlusRandomStreams(Dictionary<string, TorchCpuGenerator> starts) => _starts = starts;

    /// <summary>Walks the plan's merged keys in the reference's order from <c>manual_seed(<paramref name="seed"/>)</c>.</summary>
    public static PlusRandomStreams Compute(MergePlan plan, MergeSources sources, uint seed)
    {
        var generator = new TorchCpuGenerator(seed);
        var starts = new Dictionary<string, TorchCpuGenerator>(StringComparer.Ordinal);
        IEnumerable<PlannedTensor> merged = plan.Tensors
            .Where(t => t.Action == TensorAction.Merge)
            .OrderBy(t => Encoding.UTF8.GetBytes(t.Name), Utf8Order.Instance);
        foreach (PlannedTensor t in merged)
        {
            starts[t.Name] = generator.Clone();
            var a = sources.A[t.Name];
            TorchRandn.Advance(generator, ElementTypes.Of(a.DType), a.ElementCount);
        }

        return new PlusRandomStreams(starts);
    }

    /// <summary>A fresh copy of the generator as it stands when <paramref name="name"/>'s draw starts.</summary>
    public TorchCpuGenerator For(string name) => _starts[name].Clone();

    /// <summary>Byte-wise order, as Rust sorts the names safetensors returns.</summary>
    private sealed class Utf8Order : IComparer<byte[]>
    {
        public static readonly Utf8Order Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
