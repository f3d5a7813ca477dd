namespace Fast.Merging.Synthesis;

/// <summary>One tensor of a synthesized checkpoint plan.</summary>
/// <param name="Name">The full key.</param>
/// <param name="DType">The safetensors dtype name: <c>F16</c>, <c>BF16</c>, <c>F32</c>, <c>I64</c> or <c>I32</c>.</param>
/// <param name="Shape">The shape after scaling.</param>
/// <param name="Content">What its values are.</param>
public sealed record SynthesizedTensor(string Name, string DType, IReadOnlyList<long> Shape, SyntheticContent Content)
{
    /// <summary>Number of elements (1 for a scalar).</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (var d in Shape)
            {
                count = checked(count * d);
            }

            return count;
        }
    }

    /// <summary>Bytes per element of <see cref="DType"/>.</summary>
    public int ElementSize => SyntheticDTypes.SizeOf(DType);

    /// <summary>Bytes of data.</summary>
    public long ByteSize => checked(ElementCount * ElementSize);

    /// <summary>The key and shape, as recognition sees them.</summary>
    public TensorKey Key => new(Name, Shape);
}
