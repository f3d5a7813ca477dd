using ILGPU;
using ILGPU.Runtime;

namespace Fast.Kernels.Gpu.Kernels;

/// <summary>
/// Every kernel compiled once for one accelerator and cached as a launcher on its default stream.
/// <typeparamref name="TMath"/> picks the rounding-exact arithmetic of that accelerator.
/// </summary>
internal sealed class GpuKernels<TMath> : IGpuKernels
    where TMath : struct, IStrictMath
{
    public GpuKernels(Accelerator accelerator)
    {
        Lerp = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>(
            ElementwiseKernels.Lerp<TMath>);
        DoubleLerp = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, int>(
            ElementwiseKernels.DoubleLerp<TMath>);
        WeightedSum3 = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float>(
            ElementwiseKernels.WeightedSum3<TMath>);
        WeightedSum2 = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float>(
            ElementwiseKernels.WeightedSum2<TMath>);
        Difference = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(
            ElementwiseKernels.Difference<TMath>);
        AddDifference = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(
            ElementwiseKernels.AddDifference<TMath>);
        AddScaled = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>(
            ElementwiseKernels.AddScaled<TMath>);
        TrainDifference = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>(
            ElementwiseKernels.TrainDifference<TMath>);
        AnyDifferent = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>>(
            ElementwiseKernels.AnyDifferent);

        WidenHalf = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<ushort>, ArrayView<float>>(ConversionKernels.WidenHalf<TMath>);
        WidenBFloat16 = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<ushort>, ArrayView<float>>(ConversionKernels.WidenBFloat16);
        WidenDouble = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<float>>(ConversionKernels.WidenDouble);
        WidenFp8 = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<byte>, ArrayView<float>, int>(ConversionKernels.WidenFp8<TMath>);
        NarrowHalf = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<ushort>>(ConversionKernels.NarrowHalf);
        NarrowBFloat16 = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<ushort>>(ConversionKernels.NarrowBFloat16);
        NarrowToDouble = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<double>>(ConversionKernels.NarrowToDouble);
        NarrowFp8 = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<byte>, int>(ConversionKernels.NarrowFp8);

        Median = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, FilterShape>(FilterKernels.Median);
        GaussianPass = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(
            FilterKernels.GaussianPass<TMath>);
        DotAndNorms = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<double>, int, int>(
            ReductionKernels.DotAndNorms<TMath>);
        DifferenceSums = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<double>, int, int>(
            ReductionKernels.DifferenceSums<TMath>);

        ExtractDifferences = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(
            ExtractKernels.Differences<TMath>);
        RowCosine = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(ExtractKernels.RowCosine<TMath>);
        ExtractBlend = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, int>(
            ExtractKernels.Blend<TMath>);
        ColumnSums = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<double>, int, int>(CosineKernels.ColumnSums<TMath>);
        NormalizeColumns = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<double>, int, float>(CosineKernels.NormalizeColumns);
        ColumnLerp = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(
            CosineKernels.ColumnLerp<TMath>);
        SlothfulPool = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, SlothfulShape>(
            SlothfulKernels.Pool<TMath>);

        Scale = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, float>(MultiModelKernels.Scale<TMath>);
        Subtract = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(MultiModelKernels.Subtract<TMath>);
        Divide = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, float>(MultiModelKernels.Divide<TMath>);
        KeepByMagnitude = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, uint, int>(MultiModelKernels.KeepByMagnitude);
        DropAndRescale = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, DropParameters>(MultiModelKernels.DropAndRescale<TMath>);
        SignElectedMean = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(MultiModelKernels.SignElectedMean<TMath>);
        Combine = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, double, double>(MultiModelKernels.Combine<TMath>);
        ModelStockCombine = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, double, double>(MultiModelKernels.ModelStockCombine<TMath>);
    }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float> Lerp { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, int> DoubleLerp { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float> WeightedSum3 { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float> WeightedSum2 { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> Difference { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float> AddDifference { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float> AddScaled { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float> TrainDifference { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>> AnyDifferent { get; }

    public Action<Index1D, ArrayView<ushort>, ArrayView<float>> WidenHalf { get; }

    public Action<Index1D, ArrayView<ushort>, ArrayView<float>> WidenBFloat16 { get; }

    public Action<Index1D, ArrayView<double>, ArrayView<float>> WidenDouble { get; }

    public Action<Index1D, ArrayView<byte>, ArrayView<float>, int> WidenFp8 { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<ushort>> NarrowHalf { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<ushort>> NarrowBFloat16 { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<double>> NarrowToDouble { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<byte>, int> NarrowFp8 { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, FilterShape> Median { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, int, int> GaussianPass { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<double>, int, int> DotAndNorms { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<double>, int, int> DifferenceSums { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> ExtractDifferences { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> RowCosine { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, int> ExtractBlend { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<double>, int, int> ColumnSums { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<double>, int, float> NormalizeColumns { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> ColumnLerp { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, SlothfulShape> SlothfulPool { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, float> Scale { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>> Subtract { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, float> Divide { get; }

    public Action<Index1D, ArrayView<float>, uint, int> KeepByMagnitude { get; }

    public Action<Index1D, ArrayView<float>, DropParameters> DropAndRescale { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> SignElectedMean { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, double, double> Combine { get; }

    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, double, double> ModelStockCombine { get; }
}
