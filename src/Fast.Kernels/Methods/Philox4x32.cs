namespace Fast.Kernels.Methods;

/// <summary>
/// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011; the Random123 library's
/// <c>philox4x32_10</c>): a counter-based generator. Each 128-bit counter under a 64-bit key gives four 32-bit words
/// with no state carried from one call to the next, so a value depends only on (key, counter): the same bytes on any
/// thread count, chunking, read mode or device. docs/methods.md and native-compat/reference/merge_methods.py define
/// how the DARE masks use it.
/// </summary>
public static class Philox4x32
{
    private const uint M0 = 0xD2511F53;
    private const uint M1 = 0xCD9E8D57;
    private const uint W0 = 0x9E3779B9;
    private const uint W1 = 0xBB67AE85;

    /// <summary>The four words of counter (c0, c1, c2, c3) under key (k0, k1), ten rounds.</summary>
    /// <param name="c0">Counter word 0.</param>
    /// <param name="c1">Counter word 1.</param>
    /// <param name="c2">Counter word 2.</param>
    /// <param name="c3">Counter word 3.</param>
    /// <param name="k0">Key word 0.</param>
    /// <param name="k1">Key word 1.</param>
    /// <returns>The output words x0..x3.</returns>
    public static (uint X0, uint X1, uint X2, uint X3) Block(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (int round = 0; round < 10; round++)
        {
            if (round > 0)
            {
                k0 += W0;
                k1 += W1;
            }

            ulong p0 = (ulong)M0 * c0;
            ulong p1 = (ulong)M1 * c2;
            uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0;
            uint n2 = (uint)(p0 >> 32) ^ c3 ^ k1;
            c1 = (uint)p1;
            c3 = (uint)p0;
            c0 = n0;
            c2 = n2;
        }

        return (c0, c1, c2, c3);
    }
}
