using Fast.Kernels;
using Fast.Merging.Methods;
using Fast.Merging.Recipes;

namespace Fast.Merging.Execution.Calcmodes;

/// <summary>
/// The calcmodes that need a whole tensor at once (neighbourhoods, reductions, slice bands, the equality test of
/// trainDifference): one key's merged region in, its output elements in the output type out.
/// </summary>
internal sealed class WholeTensorMerge(MergeRecipe recipe, CosineStatistics? cosine, IMergeAccelerator? accelerator, int filterThreads)
{
    /// <summary>Computes the merged region of <paramref name="operands"/> into <paramref name="destination"/>.</summary>
    public void Run(Operands operands, Span<byte> destination, ElementType outputType)
    {
        Planning.PlannedTensor t = operands.Tensor;
        switch (recipe.CalcMode)
        {
            case CalcMode.Tensor or CalcMode.Tensor2:
                TensorSliceMerge.Merge(operands.A, operands.TypeA, operands.B, operands.TypeB, operands.Shape, t.Alpha, t.Beta, recipe.CalcMode == CalcMode.Tensor2, destination, outputType);
                return;
            case CalcMode.TrainDifference when accelerator is not null:
                accelerator.TrainDifference(operands.A, operands.TypeA, operands.B, operands.TypeB, operands.C, operands.TypeC, t.Alpha, destination, outputType);
                return;
            case CalcMode.TrainDifference:
                if (Reductions.AllEqual(operands.B, operands.TypeB, operands.C, operands.TypeC))
                {
                    ElementConvert.Convert(operands.A, operands.TypeA, destination, outputType); // B equals C: keep A
                }
                else
                {
                    MergeKernels.TrainDifference(operands.A, operands.TypeA, operands.B, operands.TypeB, operands.C, operands.TypeC, t.Alpha, destination, outputType);
                }

                return;
            case CalcMode.Extract when accelerator is not null && operands.Count > 0:
                accelerator.Extract(
                    operands.A, operands.TypeA, operands.B, operands.TypeB, operands.C, operands.TypeC,
                    t.Alpha, t.Beta, recipe.Gamma, Extract.Columns(operands.Shape), destination, outputType);
                return;
            case CalcMode.CosineA or CalcMode.CosineB when accelerator is not null && operands.Count > 0:
                bool difference = recipe.Mode == MergeMode.AddDifference;
                accelerator.CosineLerp(
                    operands.A, operands.TypeA,
                    operands.B, operands.TypeB,
                    difference ? operands.C : default, difference ? operands.TypeC : operands.TypeB,
                    cosine!.Weights(t, recipe.CalcMode == CalcMode.CosineA), destination, outputType);
                return;
            case CalcMode.SmoothAdd when accelerator is not null && operands.Shape.Length is >= 1 and <= 4:
                accelerator.SmoothAdd(operands.A, operands.TypeA, operands.B, operands.TypeB, operands.C, operands.TypeC, (float)t.Alpha, operands.IntShape, destination, outputType);
                return;
        }

        Span<float> result = operands.Rent<float>(operands.Count);
        switch (recipe.CalcMode)
        {
            case CalcMode.SmoothAdd:
                SmoothAdd.Run(operands, (float)t.Alpha, filterThreads, result);
                break;
            case CalcMode.Extract:
                Extract.Run(operands, t.Alpha, t.Beta, recipe.Gamma, result);
                break;
            case CalcMode.CosineA or CalcMode.CosineB:
                bool favorA = recipe.CalcMode == CalcMode.CosineA;
                CosineStatistics.Inputs(operands, recipe.Mode == MergeMode.AddDifference, out Span<float> a, out Span<float> other);
                CosineSimilarity.Lerp(other, a, cosine!.Weights(t, favorA), result);
                break;
            default:
                throw new InvalidOperationException($"calcmode {recipe.CalcMode} is not a whole-tensor calcmode");
        }

        ElementConvert.Narrow(result, destination, outputType);
    }
}
