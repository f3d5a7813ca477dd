using Fast.Merging.Recipes;

namespace Fast.Merging.Execution;

/// <summary>Which calcmodes <see cref="Api.MergeDevice.Auto"/> sends to a GPU.</summary>
internal static class DeviceCalcModes
{
    /// <summary>
    /// The compute-heavy whole-tensor calcmodes (SPEC issue 4): smoothAdd's filters, the cosine reductions and extract's
    /// row cosines do enough arithmetic per byte to pay for the transfers; elementwise modes do not.
    /// </summary>
    public static bool IsComputeHeavy(CalcMode calcMode) =>
        calcMode is CalcMode.SmoothAdd or CalcMode.CosineA or CalcMode.CosineB or CalcMode.Extract;
}
