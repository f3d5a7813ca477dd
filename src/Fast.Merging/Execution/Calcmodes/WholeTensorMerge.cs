using Fast.Kernels;
using Fast.Merging.Methods;
using Fast.Merging.Planning;
using Fast.Merging.Recipes;

namespace Fast.Merging.Execution.Calcmodes;

/// <summary>
/// The calcmodes that need a whole tensor at once (neighbourhoods, reductions, slice bands, the equality test of
/// trainDifference): one key's merged region in, its output elements in the output type out. Which operation runs is
/// the calcmode's catalog entry's <see cref="CalcModeEntry.Operator"/>; this class implements the operations.
/// </summary>
internal sealed class WholeTensorMerge(MergeRecipe recipe, CosineStatistics? cosine, IMergeAccelerator? accelerator, int filterThreads, PlusRandomStreams? random = null)
{
    private readonly PlusRandomStreams? _random = random;

    /// <summary>plus random's generator states, for its element ranges (<see cref="TensorOperations"/>); null for other calcmodes.</summary>
    public PlusRandomStreams? Random => _random;

    private readonly MergeRecipe _recipe = recipe;
    private readonly CosineStatistics? _cosine = cosine;
    private readonly IMergeAccelerator? _accelerator = accelerator;
    private readonly int _filterThreads = filterThreads;
    private readonly WholeTensorOperator? _operator = CalcModeCatalog.Get(recipe.CalcMode).Operator;

    // As the reference: the cosine calcmodes weigh B against A, or, in a mode that reads C (add difference), B − C.
    private readonly bool _cosineOnDifference = MergeModeCatalog.Get(recipe.Mode).UsesC;

    // The reference replaces B by B − C before its key loop in add difference only: smoothAdd filters raw B in the
    // other modes (ws, ts, st).
    private readonly bool _smoothOnDifference = recipe.Mode == MergeMode.AddDifference;

    /// <summary>Computes the merged region of <paramref name="operands"/> into <paramref name="destination"/>.</summary>
    public void Run(Operands operands, Span<byte> destination, ElementType outputType)
    {
        WholeTensorOperator run = _operator ?? throw new InvalidOperationException($"calcmode {_recipe.CalcMode} is not a whole-tensor calcmode");
        run(new Operators(this, operands), destination, outputType);
    }

    /// <summary>
    /// The cosine calcmodes' merge pass on one range of a tensor's elements (stored A, B, and C in add difference; the
    /// range starts at flat element <paramref name="start"/>): <c>lerp(B, A, k)</c> with k per column, element by
    /// element, so ranges give the whole tensor's bytes.
    /// </summary>
    public void CosineRange(
        PlannedTensor t, long start, ReadOnlySpan<byte> a, ElementType typeA, ReadOnlySpan<byte> b, ElementType typeB,
        ReadOnlySpan<byte> c, ElementType typeC, Span<byte> destination, ElementType outputType)
    {
        CosineStatistics cosine = _cosine ?? throw new InvalidOperationException("the cosine calcmodes need the similarity pass's statistics");
        float[] k = cosine.Weights(t, CalcModeCatalog.Get(_recipe.CalcMode).CosineFavorsA == true);
        int firstColumn = (int)(start % k.Length);
        if (_accelerator is not null && destination.Length > 0)
        {
            // The device lerps whole rows of its weights: the range as one row, each element given its column's k.
            var rangeWeights = new float[destination.Length / ElementTypeInfo.SizeOf(outputType)];
            for (int i = 0; i < rangeWeights.Length; i++)
            {
                rangeWeights[i] = k[(int)((firstColumn + (long)i) % k.Length)];
            }

            _accelerator.CosineLerp(a, typeA, b, typeB, _cosineOnDifference ? c : default, _cosineOnDifference ? typeC : typeB, rangeWeights, destination, outputType);
            return;
        }

        CosineMerge.RunRange(a, typeA, b, typeB, c, typeC, _cosineOnDifference, k, firstColumn, destination, outputType);
    }

    /// <summary>The operations on one tensor's operands: on the device where there is one for them, else the CPU kernels.</summary>
    private sealed class Operators(WholeTensorMerge merge, Operands operands) : IWholeTensorOperators
    {
        private readonly PlannedTensor _t = operands.Tensor;

        public void TensorSlices(bool columns, Span<byte> destination, ElementType outputType) =>
            TensorSliceMerge.Merge(operands.A, operands.TypeA, operands.B, operands.TypeB, operands.Shape, _t.Alpha, _t.Beta, columns, destination, outputType);

        public void TrainDifference(Span<byte> destination, ElementType outputType)
        {
            if (merge._accelerator is not null)
            {
                merge._accelerator.TrainDifference(operands.A, operands.TypeA, operands.B, operands.TypeB, operands.C, operands.TypeC, _t.Alpha, destination, outputType);
            }
            else if (Reductions.AllEqual(operands.B, operands.TypeB, operands.C, operands.TypeC))
            {
                ElementConvert.Convert(operands.A, operands.TypeA, destination, outputType); // B equals C: keep A
            }
            else
            {
                MergeKernels.TrainDifference(operands.A, operands.TypeA, operands.B, operands.TypeB, operands.C, operands.TypeC, _t.Alpha, destination, outputType);
            }
        }

        public void SmoothAdd(Span<byte> destination, ElementType outputType)
        {
            if (merge._accelerator is not null && merge._smoothOnDifference && operands.Shape.Length is >= 1 and <= 4)
            {
                merge._accelerator.SmoothAdd(operands.A, operands.TypeA, operands.B, operands.TypeB, operands.C, operands.TypeC, (float)_t.Alpha, operands.IntShape, destination, outputType);
                return;
            }

            Span<float> result = operands.Rent<float>(operands.Count);
            Calcmodes.SmoothAdd.Run(operands, (float)_t.Alpha, merge._filterThreads, merge._smoothOnDifference, result);
            ElementConvert.Narrow(result, destination, outputType);
        }

        public void Extract(Span<byte> destination, ElementType outputType)
        {
            if (merge._accelerator is not null && operands.Count > 0)
            {
                merge._accelerator.Extract(
                    operands.A, operands.TypeA, operands.B, operands.TypeB, operands.C, operands.TypeC,
                    _t.Alpha, _t.Beta, merge._recipe.Gamma, Calcmodes.Extract.Columns(operands.Shape), destination, outputType);
                return;
            }

            Span<float> result = operands.Rent<float>(operands.Count);
            Calcmodes.Extract.Run(operands, _t.Alpha, _t.Beta, merge._recipe.Gamma, result);
            ElementConvert.Narrow(result, destination, outputType);
        }

        public void CosineLerp(bool favorA, Span<byte> destination, ElementType outputType)
        {
            bool difference = merge._cosineOnDifference;
            if (merge._accelerator is not null && operands.Count > 0)
            {
                merge._accelerator.CosineLerp(
                    operands.A, operands.TypeA,
                    operands.B, operands.TypeB,
                    difference ? operands.C : default, difference ? operands.TypeC : operands.TypeB,
                    merge._cosine!.Weights(_t, favorA), destination, outputType);
                return;
            }

            CosineMerge.Run(operands, difference, merge._cosine!.Weights(_t, favorA), destination, outputType);
        }

        public void Scale(Span<byte> destination, ElementType outputType)
        {
            SelfCalcmodes.Scale(operands, _t.Alpha, destination, outputType);
        }

        public void AddNoise(Span<byte> destination, ElementType outputType)
        {
            PlusRandomStreams streams = merge._random ?? throw new InvalidOperationException("plus random needs the generator streams of its plan");
            SelfCalcmodes.AddNoise(operands, _t.Alpha, streams.For(_t.Name), destination, outputType);
        }
    }
}
