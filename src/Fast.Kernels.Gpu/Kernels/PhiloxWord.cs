namespace Fast.Kernels.Gpu.Kernels;

/// <summary>
/// Philox4x32-10 on the device, the same function as <see cref="Fast.Kernels.Methods.Philox4x32.Block"/> (integer
/// arithmetic only, so every device gives the same words), returning one of the block's four words: the kernel needs
/// one word per element and ILGPU kernels avoid tuples.
/// </summary>
internal static class PhiloxWord
{
    private const uint M0 = 0xD2511F53;
    private const uint M1 = 0xCD9E8D57;
    private const uint W0 = 0x9E3779B9;
    private const uint W1 = 0xBB67AE85;

    /// <summary>Word <paramref name="lane"/> (0–3) of counter (c0, c1, c2, c3) under key (k0, k1).</summary>
    public static uint Of(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, int lane)
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

        return lane == 0 ? c0 : lane == 1 ? c1 : lane == 2 ? c2 : c3;
    }
}
