using System.Collections.ObjectModel;

namespace Fast.SafeTensors;

/// <summary>
/// One tensor of a safetensors file: name, dtype, shape and its byte range in the data buffer.
/// Offsets are relative to the data buffer, which starts at <see cref="SafeTensorsFile.DataOffset"/>.
/// </summary>
public sealed class TensorInfo
{
    private readonly long[] _shape;

    internal TensorInfo(string name, DType dtype, long[] shape, long elementCount, long dataStart, long dataEnd)
    {
        Name = name;
        DType = dtype;
        _shape = shape;
        Shape = new ReadOnlyCollection<long>(shape);
        ElementCount = elementCount;
        DataStart = dataStart;
        DataEnd = dataEnd;
    }

    /// <summary>The file or writer this tensor belongs to, so a tensor of one file is not read from another.</summary>
    internal object? Owner { get; set; }

    /// <summary>Position in the owner's data order; lets the writer track written bytes without a lookup.</summary>
    internal int DataOrdinal { get; set; }

    /// <summary>The tensor's key in the header.</summary>
    public string Name { get; }

    /// <summary>Element type.</summary>
    public DType DType { get; }

    /// <summary>Dimensions, outermost first; empty for a scalar.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>The dimensions as a span, for hot paths that index them.</summary>
    public ReadOnlySpan<long> ShapeSpan => _shape;

    /// <summary>Number of dimensions (0 for a scalar).</summary>
    public int Rank => _shape.Length;

    /// <summary>Product of the dimensions (1 for a scalar, 0 when a dimension is 0).</summary>
    public long ElementCount { get; }

    /// <summary>First byte of the tensor, relative to the data buffer.</summary>
    public long DataStart { get; }

    /// <summary>One past the last byte of the tensor, relative to the data buffer.</summary>
    public long DataEnd { get; }

    /// <summary>Size of the tensor's data in bytes.</summary>
    public long ByteLength => DataEnd - DataStart;

    /// <summary>The name, dtype and shape, as a writer would need them.</summary>
    public TensorSpec ToSpec() => new(Name, DType, Shape);

    /// <summary>
    /// Splits the tensor's bytes into consecutive chunks of at most <paramref name="maxChunkBytes"/>,
    /// never splitting an element (see <see cref="DTypeInfo.ElementGroupBytes"/>). Use it to stream a
    /// tensor of any size (including &gt; 2 GiB) through <see cref="SafeTensorsFile.CopyTo"/>,
    /// <see cref="SafeTensorsFile.GetSpan"/> or <see cref="SafeTensorsWriter.Write(TensorInfo, long, ReadOnlySpan{byte})"/>.
    /// A zero-byte tensor has no chunks.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxChunkBytes"/> is smaller than one element group.</exception>
    public TensorChunks Chunks(int maxChunkBytes)
    {
        int group = DTypeInfo.ElementGroupBytes(DType);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChunkBytes, group);
        return new TensorChunks(ByteLength, maxChunkBytes / group * group);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name} {DTypeInfo.ToJsonName(DType)} [{string.Join(',', _shape)}] @{DataStart}..{DataEnd}";
}
