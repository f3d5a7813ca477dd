namespace Fast.Kernels.Methods;

/// <summary>
/// DARE's random drop (Yu et al., "Language Models are Super Mario", 2023; mergekit <c>sparsify.py</c>,
/// <c>bernoulli</c>), made reproducible: element <c>j</c> of operand <c>m</c> of a tensor whose name hashes to
/// <c>h</c> (<see cref="NameHash"/>) is kept when the 24-bit uniform <c>u = word(j) &gt;&gt; 8</c> satisfies
/// <c>u &lt; density·2²⁴</c>, where <c>word(j)</c> is word <c>j mod 4</c> of Philox4x32-10 with counter
/// <c>(j div 4 mod 2³², j div 2³⁴, m, 0)</c> and key <c>(seed, h)</c>. A kept element is rescaled to <c>δ / density</c>
/// (in f32, density rounded to f32), a dropped one becomes 0.
/// </summary>
public static class DareMask
{
    /// <summary>FNV-1a (32-bit) of the UTF-8 bytes of <paramref name="tensorName"/>: the key's second word.</summary>
    /// <param name="tensorName">The tensor's name in the output file.</param>
    /// <returns>The hash.</returns>
    public static uint NameHash(string tensorName)
    {
        ArgumentNullException.ThrowIfNull(tensorName);
        uint hash = 2166136261;
        foreach (byte b in System.Text.Encoding.UTF8.GetBytes(tensorName))
        {
            hash = (hash ^ b) * 16777619;
        }

        return hash;
    }

    /// <summary>
    /// Drops and rescales <paramref name="deltas"/> in place, element <c>i</c> being element <c>start + i</c> of the
    /// tensor (so any split of a tensor gives the same bytes).
    /// </summary>
    /// <param name="deltas">The operand's differences from the base, f32.</param>
    /// <param name="start">Index in the tensor of <paramref name="deltas"/>[0].</param>
    /// <param name="seed">The recipe's seed.</param>
    /// <param name="nameHash">The tensor's <see cref="NameHash"/>.</param>
    /// <param name="operand">The operand's index among the method's models (0-based).</param>
    /// <param name="density">The kept fraction, in (0, 1].</param>
    /// <returns>How many elements were kept.</returns>
    public static long DropAndRescale(Span<float> deltas, long start, uint seed, uint nameHash, uint operand, double density)
    {
        double limit = density * 16777216.0;
        float scale = (float)density;
        long kept = 0;
        long j = start;
        int i = 0;
        while (i < deltas.Length)
        {
            ulong block = (ulong)j >> 2;
            (uint x0, uint x1, uint x2, uint x3) = Philox4x32.Block((uint)block, (uint)(block >> 32), operand, 0, seed, nameHash);
            for (int lane = (int)(j & 3); lane < 4 && i < deltas.Length; lane++, i++, j++)
            {
                uint word = lane switch { 0 => x0, 1 => x1, 2 => x2, _ => x3 };
                if ((word >> 8) < limit)
                {
                    deltas[i] /= scale;
                    kept++;
                }
                else
                {
                    deltas[i] = 0f;
                }
            }
        }

        return kept;
    }
}
