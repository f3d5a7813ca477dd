using System.Buffers;
using Fast.Kernels;

namespace Fast.Merging.Methods;

/// <summary>
/// The f32 operands of one merge node over one whole tensor: the base (when the method has one) and the models in
/// the node's order, with the element type each was stored in (intermediate results are f32). Scratch rented here
/// goes back to the pool with the operands.
/// </summary>
internal sealed class MethodOperands(string tensorName, int count, float[]? baseValues, ElementType baseType, IReadOnlyList<float[]> models, IReadOnlyList<ElementType> modelTypes) : IDisposable
{
    private readonly List<float[]> _rented = [];

    /// <summary>The tensor's name (DARE's masks are keyed by it).</summary>
    public string TensorName { get; } = tensorName;

    /// <summary>Elements of the tensor; the arrays may be longer.</summary>
    public int Count { get; } = count;

    /// <summary>The base's values, or null for a method without one.</summary>
    public ReadOnlySpan<float> Base => baseValues is null ? default : baseValues.AsSpan(0, Count);

    /// <summary>The base's stored element type.</summary>
    public ElementType BaseType { get; } = baseType;

    /// <summary>Model operands in the node's order.</summary>
    public int ModelCount => models.Count;

    /// <summary>Model <paramref name="m"/>'s values.</summary>
    public ReadOnlySpan<float> Model(int m) => models[m].AsSpan(0, Count);

    /// <summary>Model <paramref name="m"/>'s array (at least <see cref="Count"/> elements).</summary>
    public float[] ModelArray(int m) => models[m];

    /// <summary>Model <paramref name="m"/>'s stored element type.</summary>
    public ElementType ModelType(int m) => modelTypes[m];

    /// <summary>A scratch array of at least <see cref="Count"/> elements, returned with the operands.</summary>
    public float[] Rent()
    {
        float[] array = ArrayPool<float>.Shared.Rent(Math.Max(1, Count));
        _rented.Add(array);
        return array;
    }

    public void Dispose()
    {
        foreach (float[] array in _rented)
        {
            ArrayPool<float>.Shared.Return(array);
        }

        _rented.Clear();
    }
}

/// <summary>What a merge method computes for one tensor: the result, f32, into the destination.</summary>
internal delegate void MethodFunction(MethodOperands operands, MethodParameters parameters, Span<float> destination);
