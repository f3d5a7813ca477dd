using ILGPU;
using ILGPU.Runtime;

namespace Fast.Kernels.Gpu.Kernels;

/// <summary>The loaded kernel launchers, independent of which strict-math instantiation produced them.</summary>
internal interface IGpuKernels
{
    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float> Lerp { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, int> DoubleLerp { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float> WeightedSum3 { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float> WeightedSum2 { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> Difference { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float> AddDifference { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float> AddScaled { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float> TrainDifference { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>> AnyDifferent { get; }

    Action<Index1D, ArrayView<ushort>, ArrayView<float>> WidenHalf { get; }

    Action<Index1D, ArrayView<ushort>, ArrayView<float>> WidenBFloat16 { get; }

    Action<Index1D, ArrayView<double>, ArrayView<float>> WidenDouble { get; }

    Action<Index1D, ArrayView<byte>, ArrayView<float>, int> WidenFp8 { get; }

    Action<Index1D, ArrayView<float>, ArrayView<ushort>> NarrowHalf { get; }

    Action<Index1D, ArrayView<float>, ArrayView<ushort>> NarrowBFloat16 { get; }

    Action<Index1D, ArrayView<float>, ArrayView<double>> NarrowToDouble { get; }

    Action<Index1D, ArrayView<float>, ArrayView<byte>, int> NarrowFp8 { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, FilterShape> Median { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, int, int> GaussianPass { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<double>, int, int> DotAndNorms { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<double>, int, int> DifferenceSums { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> ExtractDifferences { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> RowCosine { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, int> ExtractBlend { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<double>, int, int> ColumnSums { get; }

    Action<Index1D, ArrayView<float>, ArrayView<double>, int, float> NormalizeColumns { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> ColumnLerp { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, SlothfulShape> SlothfulPool { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, float> Scale { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>> Subtract { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, float> Divide { get; }

    Action<Index1D, ArrayView<float>, uint, int> KeepByMagnitude { get; }

    Action<Index1D, ArrayView<float>, DropParameters> DropAndRescale { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> SignElectedMean { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, double, double> Combine { get; }

    Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, double, double> ModelStockCombine { get; }
}
