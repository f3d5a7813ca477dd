using System.Collections.Concurrent;
using Fast.Merging.Execution;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Bulk;

/// <summary>The plain read path, recording every range read or requested: (file, tensor, byte offset, length).</summary>
internal sealed class CountingInputReader : IInputReader
{
    public ConcurrentQueue<(string File, string Tensor, long Offset, long Length)> Reads { get; } = new();

    public ReadOnlySpan<byte> Read(SafeTensorsFile file, TensorInfo tensor, long byteOffset, int length, Span<byte> scratch)
    {
        Reads.Enqueue((file.Path, tensor.Name, byteOffset, length));
        return InputTensors.Direct.Read(file, tensor, byteOffset, length, scratch);
    }

    public void CopyTo(SafeTensorsFile file, TensorInfo tensor, long byteOffset, Span<byte> destination)
    {
        Reads.Enqueue((file.Path, tensor.Name, byteOffset, destination.Length));
        InputTensors.Direct.CopyTo(file, tensor, byteOffset, destination);
    }

    /// <summary>Ranges of one tensor that were read more than once (overlapping reads), described; empty when every byte was read at most once.</summary>
    public List<string> Overlaps()
    {
        var problems = new List<string>();
        foreach (var group in Reads.GroupBy(r => (r.File, r.Tensor)))
        {
            var sorted = group.OrderBy(r => r.Offset).ToList();
            for (int i = 1; i < sorted.Count; i++)
            {
                if (sorted[i].Offset < sorted[i - 1].Offset + sorted[i - 1].Length)
                {
                    problems.Add($"{Path.GetFileName(group.Key.File)} {group.Key.Tensor}: {sorted[i - 1].Offset}+{sorted[i - 1].Length} and {sorted[i].Offset}+{sorted[i].Length}");
                }
            }
        }

        return problems;
    }
}
