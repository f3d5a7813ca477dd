using Fast.Kernels;

namespace Fast.Merging.Methods;

/// <summary>
/// The whole-tensor operators the engine offers the catalog's calcmodes (<see cref="CalcModeEntry.Operator"/>), bound to
/// one output tensor's operands; each writes the merged region, in the output type, into the destination and runs on
/// the device where the engine has one for it. The catalog says which operator a calcmode runs, so the engine never
/// switches on a calcmode.
/// </summary>
internal interface IWholeTensorOperators
{
    /// <summary>tensor / tensor2 (SPEC §4): a band of B's slices (rows, or with <paramref name="columns"/> dim-1 columns) in A.</summary>
    void TensorSlices(bool columns, Span<byte> destination, ElementType outputType);

    /// <summary>trainDifference (SPEC §4): A when B equals C, else the spec's f32 sequence.</summary>
    void TrainDifference(Span<byte> destination, ElementType outputType);

    /// <summary>smoothAdd (SPEC §4): A + α·gaussian(median(B − C)).</summary>
    void SmoothAdd(Span<byte> destination, ElementType outputType);

    /// <summary>extract (SPEC §4): the row-cosine blend of B − A and C − A.</summary>
    void Extract(Span<byte> destination, ElementType outputType);

    /// <summary>cosineA / cosineB (SPEC §4): lerp by the first pass's per-key weights, favouring A or B.</summary>
    void CosineLerp(bool favorA, Span<byte> destination, ElementType outputType);

    /// <summary>self (SPEC §4): A·α in A's dtype.</summary>
    void Scale(Span<byte> destination, ElementType outputType);

    /// <summary>plus random (SPEC §4): A + randn_like(A)·α in A's dtype, from the key's point of torch's generator stream.</summary>
    void AddNoise(Span<byte> destination, ElementType outputType);
}

/// <summary>What a whole-tensor calcmode runs: one of <paramref name="operators"/>' operations.</summary>
internal delegate void WholeTensorOperator(IWholeTensorOperators operators, Span<byte> destination, ElementType outputType);
