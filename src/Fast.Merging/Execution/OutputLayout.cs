using Fast.Merging.Planning;
using Fast.SafeTensors;

namespace Fast.Merging.Execution;

/// <summary>
/// The file a plan's output would be, known before any data: the 8-byte length prefix and header exactly as
/// <see cref="SafeTensorsWriter"/> writes them, and where each tensor's bytes start in the data buffer.
/// </summary>
internal sealed class OutputLayout
{
    private readonly Dictionary<string, long> _dataStart;

    private OutputLayout(byte[] head, IReadOnlyList<TensorInfo> tensors)
    {
        Head = head;
        DataOrder = [.. tensors.Select(t => t.Name)];
        DataLength = tensors.Count == 0 ? 0 : tensors[^1].DataEnd;
        _dataStart = tensors.ToDictionary(t => t.Name, t => t.DataStart, StringComparer.Ordinal);
    }

    /// <summary>The length prefix and the header: the file's first bytes.</summary>
    public byte[] Head { get; }

    /// <summary>Tensor names in the order their bytes appear in the file.</summary>
    public IReadOnlyList<string> DataOrder { get; }

    /// <summary>Bytes of the data buffer.</summary>
    public long DataLength { get; }

    public static OutputLayout Of(MergePlan plan)
    {
        byte[] head = SafeTensorsWriter.PlanHead(plan.Tensors.Select(t => new TensorSpec(t.Name, t.OutputDType, t.Shape)), plan.Metadata, out IReadOnlyList<TensorInfo> layout);
        return new OutputLayout(head, layout);
    }

    /// <summary>Where <paramref name="tensor"/>'s bytes start in the data buffer.</summary>
    public long DataStart(string tensor) => _dataStart[tensor];
}
