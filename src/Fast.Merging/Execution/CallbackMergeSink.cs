using Fast.Merging.Planning;
using Fast.SafeTensors;

namespace Fast.Merging.Execution;

/// <summary>
/// Assembles each output tensor in a pooled buffer and hands it to a callback once every byte of it is written;
/// callbacks never run concurrently. Buffers live only while their tensor is in flight (about one per worker).
/// </summary>
internal sealed class CallbackMergeSink(MergePlan plan, Action<MergedTensor> onTensor) : IMergeSink
{
    private readonly Dictionary<string, Assembly> _inFlight = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Lock _callbackGate = new();

    public void Write(PlannedTensor tensor, long byteOffset, ReadOnlySpan<byte> data)
    {
        Assembly assembly;
        lock (_gate)
        {
            if (!_inFlight.TryGetValue(tensor.Name, out assembly!))
            {
                long bytes = ByteLength(tensor);
                assembly = new Assembly(new Pooled<byte>(bytes), bytes);
                _inFlight.Add(tensor.Name, assembly);
            }
        }

        data.CopyTo(assembly.Buffer.Span[(int)byteOffset..]);
        if (Interlocked.Add(ref assembly.Remaining, -data.Length) != 0)
        {
            return;
        }

        lock (_gate)
        {
            _inFlight.Remove(tensor.Name);
        }

        using (assembly.Buffer)
        {
            lock (_callbackGate)
            {
                onTensor(new MergedTensor(tensor.Name, tensor.OutputDType, tensor.Shape, assembly.Buffer.Memory));
            }
        }
    }

    public void Complete()
    {
        // Zero-byte tensors get no writes; they are announced here.
        foreach (PlannedTensor t in plan.Tensors.Where(t => ByteLength(t) == 0))
        {
            lock (_callbackGate)
            {
                onTensor(new MergedTensor(t.Name, t.OutputDType, t.Shape, ReadOnlyMemory<byte>.Empty));
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (Assembly assembly in _inFlight.Values)
            {
                assembly.Buffer.Dispose();
            }

            _inFlight.Clear();
        }
    }

    private static long ByteLength(PlannedTensor t)
    {
        long n = DTypeInfo.BitSize(t.OutputDType) / 8;
        foreach (long d in t.Shape)
        {
            n = checked(n * d);
        }

        return n;
    }

    private sealed class Assembly(Pooled<byte> buffer, long remaining)
    {
        public long Remaining = remaining;

        public Pooled<byte> Buffer { get; } = buffer;
    }
}
