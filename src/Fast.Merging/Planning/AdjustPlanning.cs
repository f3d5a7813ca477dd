using Fast.Merging.Architectures;
using Fast.Merging.Blocks;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Planning;

/// <summary>
/// Attaches a recipe's Adjust (<see cref="AdjustValues"/>) to the merged tensors it changes. Keys that keep A (excluded,
/// self's skipped keys, ...) are not adjusted, as the reference's loop <c>continue</c>s before its Adjust step.
/// </summary>
internal static class AdjustPlanning
{
    /// <exception cref="InvalidRecipeException">Adjust values that do not parse.</exception>
    /// <exception cref="MergePlanException">An adjusted tensor the reference's arithmetic cannot be reproduced for.</exception>
    public static void Apply(MergeRecipe recipe, ArchitectureRecognition arch, SafeTensorsFile a, List<PlannedTensor> planned)
    {
        if (recipe.Adjust is null)
        {
            return;
        }

        AdjustValues? values;
        try
        {
            // supermerger tests for SDXL by a key of B's OpenCLIP bigG; the recogniser says the same of A (B must match it).
            values = AdjustValues.Parse(recipe.Adjust, arch.Id == ArchitectureId.Sdxl);
        }
        catch (InvalidBlockWeightsException ex)
        {
            throw new InvalidRecipeException([new RecipeError(RecipeErrorKind.InvalidBlockWeights, ex.Message)]);
        }

        if (values is null)
        {
            return;
        }

        for (int i = 0; i < planned.Count; i++)
        {
            PlannedTensor t = planned[i];
            int index = IndexOf(t.Name);
            if (index < 0 || t.Action != TensorAction.Merge)
            {
                continue;
            }

            DType stored = a[t.Name].DType;
            if (stored is not (DType.F16 or DType.BF16 or DType.F32))
            {
                throw new MergePlanException($"--adjust changes {t.Name} in A's dtype as torch does, for F16, BF16 or F32; it is {DTypeInfo.ToJsonName(stored)}");
            }

            long count = t.Shape.Aggregate(1L, (n, d) => n * d);
            if (index == 5 && count != values.Offsets.Count)
            {
                throw new MergePlanException($"--adjust adds {values.Offsets.Count} offsets to {t.Name}, which has {count} elements");
            }

            planned[i] = t with { Adjust = index < 5 ? new TensorAdjustment(values.Factors[index], null) : new TensorAdjustment(null, values.Offsets) };
        }
    }

    private static int IndexOf(string key)
    {
        for (int i = 0; i < AdjustValues.Keys.Count; i++)
        {
            if (key == AdjustValues.Keys[i])
            {
                return i;
            }
        }

        return -1;
    }
}
