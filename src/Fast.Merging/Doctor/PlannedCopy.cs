using Fast.SafeTensors;

namespace Fast.Merging.Doctor;

/// <summary>
/// One output tensor of <c>fix</c> or <c>extract</c>: copied from a source tensor (converted when the dtypes
/// differ), or, with no source, the int64 position ids <c>[[0..n-1]]</c>.
/// </summary>
internal sealed record PlannedCopy(string Name, DType DType, IReadOnlyList<long> Shape, SafeTensorsFile? Source, TensorInfo? SourceTensor)
{
    /// <summary>Replace NaN and ±Inf as <c>torch.nan_to_num</c> does, after any conversion.</summary>
    public bool RepairNonFinite { get; init; }

    public bool IsConversion => SourceTensor is not null && SourceTensor.DType != DType;
}
