namespace Fast.SafeTensors;

/// <summary>
/// Places tensors in the data buffer (SPEC §1.2): descending element size, then ordinal name order,
/// back to back from 0. With the header padded to a multiple of 8, every tensor of a byte-sized
/// dtype is then aligned to its element size in the file.
/// </summary>
internal static class TensorLayoutPlanner
{
    public static TensorInfo[] Plan(IEnumerable<TensorSpec> specs)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var list = new List<TensorSpec>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (TensorSpec spec in specs)
        {
            ArgumentNullException.ThrowIfNull(spec, nameof(specs));
            ArgumentNullException.ThrowIfNull(spec.Name, nameof(specs));
            ArgumentNullException.ThrowIfNull(spec.Shape, nameof(specs));
            if (spec.Name == KnownKeys.Metadata)
            {
                throw new ArgumentException($"A tensor cannot be called {KnownKeys.Metadata}.", nameof(specs));
            }

            if (!names.Add(spec.Name))
            {
                throw new ArgumentException($"Tensor '{SafeTensorsFormatException.OneLine(spec.Name)}' is listed twice.", nameof(specs));
            }

            _ = DTypeInfo.BitSize(spec.DType); // rejects undefined enum values
            list.Add(spec);
        }

        list.Sort(static (a, b) =>
        {
            int bySize = DTypeInfo.BitSize(b.DType).CompareTo(DTypeInfo.BitSize(a.DType));
            return bySize != 0 ? bySize : string.CompareOrdinal(a.Name, b.Name);
        });

        var layout = new TensorInfo[list.Count];
        long offset = 0;
        for (int i = 0; i < list.Count; i++)
        {
            TensorSpec spec = list[i];
            long[] shape = [.. spec.Shape];
            foreach (long dim in shape)
            {
                if (dim < 0)
                {
                    throw new ArgumentException($"Tensor '{SafeTensorsFormatException.OneLine(spec.Name)}' has a negative dimension.", nameof(specs));
                }
            }

            long count;
            long bytes;
            try
            {
                count = TensorSize.ElementCount(shape, spec.Name, "(output)");
                bytes = TensorSize.ByteLength(spec.DType, count, spec.Name, "(output)");
                offset = checked(offset + bytes);
            }
            catch (Exception e) when (e is SafeTensorsFormatException or OverflowException)
            {
                throw new ArgumentException($"Tensor '{SafeTensorsFormatException.OneLine(spec.Name)}': {e.Message}", nameof(specs), e);
            }

            layout[i] = new TensorInfo(spec.Name, spec.DType, shape, count, offset - bytes, offset) { DataOrdinal = i };
        }

        return layout;
    }
}
