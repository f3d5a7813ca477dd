using System.Runtime.Intrinsics;

namespace Fast.Kernels.Simd;

/// <summary>The vector width, in bits, the drivers use for long spans on this process (0 = scalar only).</summary>
internal static class SimdWidth
{
    /// <summary>
    /// 512, 256, 128 or 0. Follows <c>VectorNNN.IsHardwareAccelerated</c>, so <c>DOTNET_EnableAVX512=0</c>,
    /// <c>DOTNET_EnableAVX2=0</c> and <c>DOTNET_EnableHWIntrinsic=0</c> select the 256, 128 and scalar paths.
    /// </summary>
    public static int Widest =>
        Vector512.IsHardwareAccelerated ? 512 :
        Vector256.IsHardwareAccelerated ? 256 :
        Vector128.IsHardwareAccelerated ? 128 : 0;
}
