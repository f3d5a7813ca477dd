using Fast.Kernels;

namespace Fast.Merging.Methods;

/// <summary>
/// The elementwise kernels a device offers the catalog's GPU operators (<see cref="MergeModeEntry.Gpu"/>). One
/// instance is bound to one call: A, B and, for a mode that reads C, C are already on the device, widened to f32, and
/// every kernel writes its result over A, which the device path then narrows into the output. The device adapter
/// (<c>Fast.Merging.Gpu</c>) implements it; the catalog says which kernel each mode runs, so the adapter never
/// switches on a mode.
/// </summary>
public interface IElementwiseDevice
{
    /// <summary>Weighted sum: <c>lerp(A, B, α)</c>, except that α exactly 0 keeps A and 1 copies B (SPEC §3).</summary>
    /// <param name="alpha">α as parsed.</param>
    void WeightedSum(double alpha);

    /// <summary><c>A + α·round_to_dtype_of_B(B − C)</c>, the multiply and the add rounded separately.</summary>
    /// <param name="typeB">B's stored element type, which the difference is rounded through.</param>
    /// <param name="alpha">α as f32.</param>
    void AddDifference(ElementType typeB, float alpha);

    /// <summary>Triple sum (SPEC §3), the weights combined in double from the decimal α and β.</summary>
    /// <param name="alpha">α as parsed.</param>
    /// <param name="beta">β as parsed.</param>
    void TripleSum(double alpha, double beta);

    /// <summary><c>lerp(lerp(A, B, α), C, β)</c>.</summary>
    /// <param name="alpha">α as f32.</param>
    /// <param name="beta">β as f32.</param>
    void SumTwice(float alpha, float beta);

    /// <summary><c>(factorA·A) + (factorB·B)</c>, each product and the sum rounded separately.</summary>
    /// <param name="factorA">A's factor as f32.</param>
    /// <param name="factorB">B's factor as f32.</param>
    void ScaledSum(float factorA, float factorB);
}
