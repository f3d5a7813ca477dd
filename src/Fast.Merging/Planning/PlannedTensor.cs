using Fast.SafeTensors;

namespace Fast.Merging.Planning;

/// <summary>
/// One output tensor, decided before any byte is written.
/// <paramref name="MergedChannels"/> is the number of leading dim-1 channels merged when A is an
/// inpainting/pix2pix model with more input channels than B and C (SPEC §6.3); null means all.
/// </summary>
public sealed record PlannedTensor(
    string Name,
    DType OutputDType,
    IReadOnlyList<long> Shape,
    TensorAction Action,
    string BlockId,
    double Alpha,
    double Beta,
    long? MergedChannels = null);
