namespace Fast.Kernels.Gpu.Kernels;

/// <summary>
/// <c>Fast.Kernels.TorchRowSum</c> (torch 1.13's f32 <c>cascade_sum</c> of one contiguous row) run by one device
/// thread, bit for bit. The CPU emulates torch's 8-lane vectors; lanes never meet until the final reduction, so each
/// lane's chain of additions is run here as scalars, one lane and one ILP accumulator after another, and the chains
/// are added in the order the vectors would be: every addition of the CPU path happens here on the same operands.
/// </summary>
internal static class CascadeRowSum
{
    private const int Lanes = 8;
    private const int IlpFactor = 4;

    /// <summary>torch's f32 sum of the <paramref name="length"/> terms of <paramref name="terms"/> (+0 for none).</summary>
    public static float Sum<TMath, TTerms>(TTerms terms, int length)
        where TMath : struct, IStrictMath
        where TTerms : struct, IRowTerms
    {
        var math = default(TMath);
        if (length < Lanes)
        {
            return ScalarRowSum<TMath, TTerms>(terms, length);
        }

        // vectorized_inner_sum: the scalar tail into a fresh accumulator, then the 8 lane sums in lane order.
        int vectors = length / Lanes;
        int groups = vectors / IlpFactor;
        int levelPower = Math.Max(4, CeilLog2(groups) / 4);
        float total = 0f;
        for (int k = vectors * Lanes; k < length; k++)
        {
            total = math.Add(total, terms.Term(k));
        }

        for (int lane = 0; lane < Lanes; lane++)
        {
            total = math.Add(total, LaneSum<TMath, TTerms>(terms, lane, vectors, groups, levelPower));
        }

        // The store into torch's zero-filled output: turns −0 into +0.
        return math.Add(0f, total);
    }

    /// <summary>Rows shorter than 8: 4 accumulators over the first 4·⌊n/4⌋ terms, the rest into the first, then the 4 in order.</summary>
    private static float ScalarRowSum<TMath, TTerms>(TTerms terms, int length)
        where TMath : struct, IStrictMath
        where TTerms : struct, IRowTerms
    {
        var math = default(TMath);
        float p0 = 0f, p1 = 0f, p2 = 0f, p3 = 0f;
        int grouped = length / IlpFactor * IlpFactor;
        for (int i = 0; i < grouped; i += IlpFactor)
        {
            p0 = math.Add(p0, terms.Term(i));
            p1 = math.Add(p1, terms.Term(i + 1));
            p2 = math.Add(p2, terms.Term(i + 2));
            p3 = math.Add(p3, terms.Term(i + 3));
        }

        for (int i = grouped; i < length; i++)
        {
            p0 = math.Add(p0, terms.Term(i));
        }

        p0 = math.Add(p0, p1);
        p0 = math.Add(p0, p2);
        p0 = math.Add(p0, p3);
        return math.Add(0f, p0);
    }

    /// <summary>One lane of row_sum over whole vectors: ILP column 0, the leftover vectors, then columns 1..3.</summary>
    private static float LaneSum<TMath, TTerms>(TTerms terms, int lane, int vectors, int groups, int levelPower)
        where TMath : struct, IStrictMath
        where TTerms : struct, IRowTerms
    {
        var math = default(TMath);
        float sum = ChainSum<TMath, TTerms>(terms, lane, 0, groups, levelPower);
        for (int v = groups * IlpFactor; v < vectors; v++)
        {
            sum = math.Add(sum, terms.Term((v * Lanes) + lane));
        }

        for (int k = 1; k < IlpFactor; k++)
        {
            sum = math.Add(sum, ChainSum<TMath, TTerms>(terms, lane, k, groups, levelPower));
        }

        return sum;
    }

    /// <summary>
    /// multi_row_sum for one lane of ILP column <paramref name="column"/>: level 0 adds chunks of 2^p groups; after
    /// each chunk a level is added into the next and cleared, moving up while the group count is a multiple of the
    /// next level's chunk; the leftover groups go into level 0 and levels 1..3 are added to it in order.
    /// </summary>
    private static float ChainSum<TMath, TTerms>(TTerms terms, int lane, int column, int groups, int levelPower)
        where TMath : struct, IStrictMath
        where TTerms : struct, IRowTerms
    {
        var math = default(TMath);
        int levelStep = 1 << levelPower;
        int levelMask = levelStep - 1;
        int offset = (column * Lanes) + lane;
        float level0 = 0f, level1 = 0f, level2 = 0f, level3 = 0f;
        int i = 0;
        while (i + levelStep <= groups)
        {
            for (int j = 0; j < levelStep; j++, i++)
            {
                level0 = math.Add(level0, terms.Term((i * IlpFactor * Lanes) + offset));
            }

            level1 = math.Add(level1, level0);
            level0 = 0f;
            if ((i & (levelMask << levelPower)) == 0)
            {
                level2 = math.Add(level2, level1);
                level1 = 0f;
                if ((i & (levelMask << (2 * levelPower))) == 0)
                {
                    level3 = math.Add(level3, level2);
                    level2 = 0f;
                }
            }
        }

        for (; i < groups; i++)
        {
            level0 = math.Add(level0, terms.Term((i * IlpFactor * Lanes) + offset));
        }

        level0 = math.Add(level0, level1);
        level0 = math.Add(level0, level2);
        return math.Add(level0, level3);
    }

    /// <summary>c10's <c>utils::CeilLog2</c>: 1 for x ≤ 2, else ⌈log2 x⌉ (a loop: no bit-scan intrinsic is needed on the device).</summary>
    private static int CeilLog2(int x)
    {
        if (x <= 2)
        {
            return 1;
        }

        int log = 1;
        while ((1L << log) < x)
        {
            log++;
        }

        return log;
    }
}
