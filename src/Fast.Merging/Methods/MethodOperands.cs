using Fast.Kernels;

namespace Fast.Merging.Methods;

/// <summary>
/// The f32 operands of one merge node over one piece of a tensor (elements <see cref="Start"/> to
/// <see cref="Start"/> + <see cref="Count"/>; the whole tensor when it is small): the base (when the method has one)
/// and the models in the node's order, with the element type each was stored in (intermediate results are f32).
/// Scratch rented here goes back to the worker's <see cref="ScratchBuffers"/> with the operands. With a
/// <see cref="Device"/> the methods run their elementwise part there (device gpu), the per-tensor scalars on the CPU.
/// </summary>
internal sealed class MethodOperands(
    string tensorName, long start, int count, float[]? baseValues, ElementType baseType, float[][] models, IReadOnlyList<ElementType> modelTypes, ScratchBuffers scratch,
    IMethodAccelerator? device = null)
    : IDisposable
{
    private readonly List<float[]> _rented = [];

    /// <summary>The device the elementwise part runs on, or null for the CPU's SIMD kernels.</summary>
    public IMethodAccelerator? Device { get; } = device;

    /// <summary>The tensor's name (DARE's masks are keyed by it).</summary>
    public string TensorName { get; } = tensorName;

    /// <summary>Index in the tensor of the piece's first element (a multiple of 4: reductions keep their lanes).</summary>
    public long Start { get; } = start;

    /// <summary>Elements of the piece; the arrays may be longer.</summary>
    public int Count { get; } = count;

    /// <summary>The base's values, or null for a method without one.</summary>
    public ReadOnlySpan<float> Base => baseValues is null ? default : baseValues.AsSpan(0, Count);

    /// <summary>The base's stored element type.</summary>
    public ElementType BaseType { get; } = baseType;

    /// <summary>Model operands in the node's order.</summary>
    public int ModelCount => models.Length;

    /// <summary>Model <paramref name="m"/>'s values.</summary>
    public ReadOnlySpan<float> Model(int m) => models[m].AsSpan(0, Count);

    /// <summary>Model <paramref name="m"/>'s array (at least <see cref="Count"/> elements).</summary>
    public float[] ModelArray(int m) => models[m];

    /// <summary>The model arrays in the node's order (each at least <see cref="Count"/> elements).</summary>
    public IReadOnlyList<float[]> ModelArrays => models;

    /// <summary>
    /// The same arrays as a span over the array held here: a kernel that takes them per piece (<see cref="Fast.Kernels.Methods.TiesCombine"/>)
    /// gets them without a copy (a 64 Ki-element piece is short enough that a small array per call shows).
    /// </summary>
    public ReadOnlySpan<float[]> ModelArraySpan => models;

    /// <summary>Model <paramref name="m"/>'s stored element type.</summary>
    public ElementType ModelType(int m) => modelTypes[m];

    /// <summary>A scratch array of at least <see cref="Count"/> elements, returned with the operands.</summary>
    public float[] Rent()
    {
        float[] array = scratch.Rent(Count);
        _rented.Add(array);
        return array;
    }

    public void Dispose()
    {
        foreach (float[] array in _rented)
        {
            scratch.Return(array);
        }

        _rented.Clear();
    }
}
