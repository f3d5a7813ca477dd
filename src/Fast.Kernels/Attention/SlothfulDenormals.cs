namespace Fast.Kernels.Attention;

/// <summary>
/// Whether the calling thread's floating-point unit keeps binary32 subnormals, as IEEE 754 and .NET do by default. A
/// host can turn them off for its threads (MXCSR's DAZ and FTZ bits on x86, e.g. torch.set_flush_denormal(True)
/// before calling the C ABI); <see cref="SlothfulHalfKernel"/> computes in a scaled space where small values are
/// subnormals, so it runs only where this holds, and the general kernel, which never makes or reads one, elsewhere.
/// </summary>
internal static class SlothfulDenormals
{
    // Not readonly, read through Volatile: the JIT must not fold the probe below into a constant.
    private static float s_smallest = float.Epsilon;

    /// <summary>
    /// 2^-149 + 2^-149 is 2^-148, itself a subnormal: zero when subnormal inputs are read as zero (DAZ) or subnormal
    /// results are flushed (FTZ). The same control register governs scalar and vector instructions.
    /// </summary>
    public static bool AreHonoured()
    {
        float smallest = Volatile.Read(ref s_smallest);
        return smallest + smallest != 0f;
    }
}
