namespace Fast.Merging.Architectures;

/// <summary>One tensor of a model component: its name below the component's prefix and its full-scale shape.</summary>
/// <param name="Name">The name without prefix, e.g. <c>input_blocks.0.0.weight</c>.</param>
/// <param name="Shape">The shape at full scale; a dimension of -1 matches any size (the rank of a LoRA).</param>
public readonly record struct ComponentTensor(string Name, IReadOnlyList<long> Shape)
{
    /// <summary>The value in <see cref="Shape"/> that stands for "any size".</summary>
    public const long AnySize = -1;

    /// <summary>Number of elements at full scale, or null when a dimension is <see cref="AnySize"/>.</summary>
    public long? ElementCount
    {
        get
        {
            long count = 1;
            foreach (var d in Shape)
            {
                if (d == AnySize)
                {
                    return null;
                }

                count = checked(count * d);
            }

            return count;
        }
    }
}
