using Fast.Kernels;
using Fast.Merging.Planning;
using Fast.SafeTensors;

namespace Fast.Merging.Execution;

/// <summary>
/// The stored bytes of one key's inputs over the merged region: the whole tensor, or for an inpainting/pix2pix A
/// the leading channels of every input that has A's channel count (SPEC §6.3). Mapped whole tensors are zero-copy
/// views; everything else is copied into pooled buffers released on <see cref="Dispose"/>. Each input is read once
/// per output tensor, on first use: a calcmode that looks at an operand twice (trainDifference's equality test, then
/// its formula) gets the same buffer back, not a second read.
/// </summary>
internal sealed class Operands : IDisposable
{
    private readonly List<IDisposable> _leases = [];
    private readonly MergeSources _sources;
    private readonly TensorInfo _a;
    private Memory<byte>? _storedA, _storedB, _storedC;

    public Operands(MergeSources sources, PlannedTensor tensor)
    {
        _sources = sources;
        Tensor = tensor;
        _a = sources.A[tensor.Name];
        Shape = [.. tensor.Shape];
        if (tensor.MergedChannels is { } channels)
        {
            Shape[1] = channels;
        }

        Count = 1;
        foreach (long d in Shape)
        {
            Count *= d;
        }
    }

    public PlannedTensor Tensor { get; }

    /// <summary>The merged region's shape (A's shape with the merged channel count in dim 1).</summary>
    public long[] Shape { get; }

    /// <summary>Elements of the merged region.</summary>
    public long Count { get; }

    public int[] IntShape => [.. Shape.Select(d => checked((int)d))];

    public ElementType TypeA => ElementTypes.Of(_a.DType);

    public ElementType TypeB => ElementTypes.Of(_sources.B[Tensor.Name].DType);

    public ElementType TypeC => ElementTypes.Of(_sources.C![Tensor.Name].DType);

    public ReadOnlySpan<byte> A => (_storedA ??= Stored(_sources.A, _a)).Span;

    public ReadOnlySpan<byte> B => (_storedB ??= Stored(_sources.B, _sources.B[Tensor.Name])).Span;

    public ReadOnlySpan<byte> C => (_storedC ??= Stored(_sources.C!, _sources.C![Tensor.Name])).Span;

    /// <summary>A pooled buffer that lives as long as these operands.</summary>
    public Span<T> Rent<T>(long length) => RentMemory<T>(length).Span;

    /// <summary>An input widened to f32 into a fresh pooled buffer the caller may overwrite.</summary>
    public Span<float> Widened(ReadOnlySpan<byte> stored, ElementType type)
    {
        Span<float> values = Rent<float>(Count);
        ElementConvert.Widen(stored, type, values);
        return values;
    }

    public void Dispose()
    {
        _storedA = _storedB = _storedC = null;
        foreach (IDisposable lease in _leases)
        {
            lease.Dispose();
        }

        _leases.Clear();
    }

    private Memory<T> RentMemory<T>(long length)
    {
        var lease = new Pooled<T>(length);
        _leases.Add(lease);
        return lease.Memory;
    }

    private Memory<byte> Stored(SafeTensorsFile file, TensorInfo t)
    {
        int size = DTypeInfo.BitSize(t.DType) / 8;
        bool sliced = Tensor.MergedChannels is not null && t.Shape[1] == _a.Shape[1];
        if (!sliced)
        {
            // Copied even from a mapped file: a view of the mapping would fault (SIGBUS) if the input shrank.
            Memory<byte> whole = RentMemory<byte>(t.ByteLength);
            _sources.Reader.CopyTo(file, t, 0, whole.Span);
            return whole;
        }

        // Row r of dim 0 holds shape[1]·inner elements; the merged region is its first channels·inner.
        long rows = t.Shape[0];
        long rowBytes = t.ElementCount / Math.Max(1, rows) * size;
        long keptBytes = Count / Math.Max(1, rows) * size;
        Memory<byte> region = RentMemory<byte>(checked(rows * keptBytes));
        for (long r = 0; r < rows; r++)
        {
            _sources.Reader.CopyTo(file, t, r * rowBytes, region.Span.Slice((int)(r * keptBytes), (int)keptBytes));
        }

        return region;
    }
}
