using System.Globalization;
using Fast.Merging.Planning;
using Fast.SafeTensors;

namespace Fast.Merging.Lora.Bake;

/// <summary>Plans the LyCORIS terms: checks their factors fit the target weight and works out their scale.</summary>
internal static class BakeTerms
{
    /// <summary>A LoHa module's term: <c>w1_a</c> is <c>rows × r₁</c>, <c>w1_b</c> <c>r₁ × columns</c> (any trailing shape), the same for pair 2.</summary>
    public static HadamardTerm Hadamard(SafeTensorsFile file, HadamardModule module, TensorInfo weight, ModuleTarget target, double ratio)
    {
        (long rows, long columns) = Matrix(file, module.Name, weight, target);
        long rank1 = Inner(module.W1A, module.W1B, rows, columns), rank2 = Inner(module.W2A, module.W2B, rows, columns);
        if (rank1 <= 0 || rank2 <= 0)
        {
            throw new LoraException(
                $"{file.Path}: module '{module.Name}': hada_w1_a {ShapeFormatting.Format(module.W1A.Shape)} · hada_w1_b {ShapeFormatting.Format(module.W1B.Shape)} and hada_w2_a {ShapeFormatting.Format(module.W2A.Shape)} · hada_w2_b {ShapeFormatting.Format(module.W2B.Shape)} do not fit '{weight.Name}' {ShapeFormatting.Format(weight.Shape)}{Rows(target, rows)}");
        }

        // ComfyUI loha.py: alpha / w1b.shape[0], or 1 without an alpha.
        float scale = module.Alpha is null ? 1f : LoraFactors.Scalar(file, module.Alpha) / (float)rank1;
        return new HadamardTerm(file, module, target.RowOffset, (int)rows, (int)rank1, (int)rank2, (int)columns, (float)ratio, scale);
    }

    /// <summary>A LoKr module's term: <c>w1</c> is <c>out₁ × in₁</c>, <c>w2</c> <c>out₂ × (in₂·kh·kw)</c>, with <c>out₁·out₂</c> the rows and <c>in₁·in₂·kh·kw</c> the columns.</summary>
    public static KroneckerTerm Kronecker(SafeTensorsFile file, KroneckerModule module, TensorInfo weight, ModuleTarget target, double ratio)
    {
        (long rows, long columns) = Matrix(file, module.Name, weight, target);
        var w1 = Factor(module.W1, module.W1A, module.W1B);
        var w2 = Factor(module.W2, module.W2A, module.W2B);
        if (w1 is null || w2 is null || w1.Value.Rows * w2.Value.Rows != rows || w1.Value.Columns * w2.Value.Columns != columns)
        {
            throw new LoraException(
                $"{file.Path}: module '{module.Name}': lokr factors {Describe(module.W1, module.W1A, module.W1B)} ⊗ {Describe(module.W2, module.W2A, module.W2B)} do not fit '{weight.Name}' {ShapeFormatting.Format(weight.Shape)}{Rows(target, rows)}");
        }

        // ComfyUI lokr.py: alpha / dim, dim the rank of the factored pair (w2's when both are); 1 when neither is or without an alpha.
        long dim = module.W2B is not null ? module.W2B.Shape[0] : module.W1B is not null ? module.W1B.Shape[0] : 0;
        float scale = module.Alpha is null || dim == 0 ? 1f : LoraFactors.Scalar(file, module.Alpha) / (float)dim;
        return new KroneckerTerm(file, module, target.RowOffset, (int)rows, (int)columns, w1.Value, w2.Value, (float)ratio, scale);
    }

    private static (long Rows, long Columns) Matrix(SafeTensorsFile file, string name, TensorInfo weight, ModuleTarget target)
    {
        IReadOnlyList<long> w = weight.Shape;
        if (!ElementTypes.TryGet(weight.DType, out _) || w.Count < 2)
        {
            throw new LoraException($"{file.Path}: module '{name}' targets '{weight.Name}' ({weight.DType}, {w.Count}-D), which is not a floating matrix or convolution");
        }

        long columns = weight.ElementCount / w[0];
        if (columns > int.MaxValue / 64)
        {
            throw new LoraException($"{file.Path}: module '{name}': {columns} columns is larger than bake supports");
        }

        return (target.Rows ?? w[0], columns);
    }

    // The rank of a fitting pair (left rows × r, right r × columns flattened), else 0.
    private static long Inner(TensorInfo left, TensorInfo right, long rows, long columns)
    {
        IReadOnlyList<long> a = left.Shape, b = right.Shape;
        bool fits = a.Count == 2 && a[0] == rows && b.Count >= 2 && b[0] == a[1] && a[1] > 0 && a[1] <= 1 << 16 && right.ElementCount == a[1] * columns;
        return fits ? a[1] : 0;
    }

    // A factor's matrix shape (out × everything else) and the rank of its pair (0 when stored whole); null when a pair does not chain.
    private static (int Rows, int Columns, int Rank)? Factor(TensorInfo? whole, TensorInfo? left, TensorInfo? right)
    {
        if (whole is not null)
        {
            return whole.Shape.Count >= 2 && whole.ElementCount > 0 ? ((int)whole.Shape[0], (int)(whole.ElementCount / whole.Shape[0]), 0) : null;
        }

        IReadOnlyList<long> a = left!.Shape, b = right!.Shape;
        if (a.Count != 2 || b.Count < 2 || b[0] != a[1] || a[1] <= 0 || a[0] <= 0 || (right.ElementCount / b[0]) > int.MaxValue / 64)
        {
            return null;
        }

        return ((int)a[0], (int)(right.ElementCount / b[0]), (int)a[1]);
    }

    private static string Describe(TensorInfo? whole, TensorInfo? left, TensorInfo? right) =>
        whole is not null ? ShapeFormatting.Format(whole.Shape) : $"{ShapeFormatting.Format(left!.Shape)}·{ShapeFormatting.Format(right!.Shape)}";

    private static string Rows(ModuleTarget target, long rows) =>
        target.Rows is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" rows {target.RowOffset}..{target.RowOffset + rows}");
}
