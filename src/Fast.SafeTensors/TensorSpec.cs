namespace Fast.SafeTensors;

/// <summary>What the writer needs to plan a tensor's place in the file: its name, dtype and shape.</summary>
/// <param name="Name">Header key; any string except <c>__metadata__</c>.</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions, outermost first; empty for a scalar.</param>
public sealed record TensorSpec(string Name, DType DType, IReadOnlyList<long> Shape);
