using Fast.Merging.Methods;
using Fast.SafeTensors;

namespace Fast.Merging.Graphs;

/// <summary>What the graph engine does for one output tensor.</summary>
public enum GraphTensorAction
{
    /// <summary>The primary input's tensor, converted to the output dtype when that differs.</summary>
    CopyPrimary,

    /// <summary>int64 <c>[[0..n−1]]</c> (SPEC §7 policy reset).</summary>
    ResetPositionIds,

    /// <summary>Evaluated through the graph's merges.</summary>
    Merge,
}

/// <summary>One output tensor of a recipe graph, decided before any byte is written, with every merge's parameters at its block.</summary>
/// <param name="Name">The key.</param>
/// <param name="OutputDType">Stored dtype.</param>
/// <param name="Shape">Shape.</param>
/// <param name="Action">What is done.</param>
/// <param name="BlockId">The block its weights were read at.</param>
/// <param name="Parameters">Per merge name, the parameters at this tensor's block (empty unless merged).</param>
public sealed record GraphTensor(
    string Name, DType OutputDType, IReadOnlyList<long> Shape, GraphTensorAction Action, string BlockId,
    IReadOnlyDictionary<string, MethodParameters> Parameters);
