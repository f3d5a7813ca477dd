using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fast.Kernels;

/// <summary>
/// torch's f32 <c>sum</c> of one contiguous row (a reduction over the last dim), in the exact order of torch 1.13's
/// CPU kernel (<c>aten/src/ATen/native/cpu/SumKernel.cpp</c>, <c>cascade_sum</c>), so the result is torch's to the
/// bit. The order is torch's: f32 accumulators in 8 lanes (its <c>Vectorized&lt;float&gt;</c> in the AVX2 and in the
/// default build; only an explicit <c>ATEN_CPU_CAPABILITY=avx512</c> gives 16 lanes and other bits), 4 ILP
/// accumulators, and a cascade of up to 4 levels that adds chunks of 16 (more for very long rows) so only partial
/// sums of similar size meet. It is emulated with <see cref="Vector256{T}"/> lane arithmetic, which is IEEE per
/// lane, so the result does not depend on the machine's own SIMD width. Rows shorter than 8 take torch's scalar
/// route (4 ILP accumulators, no vectors).
/// </summary>
/// <remarks>
/// Summing in double would be more accurate, but not what the reference computes: cosine similarities that go
/// through a steep <c>((c + 1)/2)^γ</c> (calcmode extract) then miss torch's by several ulp.
/// </remarks>
public static class TorchRowSum
{
    /// <summary>Floats per torch <c>Vectorized&lt;float&gt;</c> in its AVX2 and default CPU kernels.</summary>
    public const int Lanes = 8;

    private const int IlpFactor = 4;
    private const int CascadeLevels = 4;

    /// <summary>torch's <c>row.sum()</c> for a contiguous f32 row (+0 for an empty row).</summary>
    public static float Sum(ReadOnlySpan<float> row) => Sum(new RowTerms(row));

    /// <summary>torch's f32 sum of the terms <paramref name="terms"/> yields, in the order described on the type.</summary>
    internal static float Sum<TTerms>(TTerms terms)
        where TTerms : IRowTerms, allows ref struct
    {
        int n = terms.Length;
        if (n < Lanes)
        {
            return ScalarRowSum(terms, n);
        }

        // vectorized_inner_sum: the whole vectors by row_sum, the scalar tail into a fresh f32 accumulator, then
        // the 8 lanes added to that accumulator in lane order.
        int vectors = n / Lanes;
        Vector256<float> lanes = VectorRowSum(terms, vectors);
        float total = 0f;
        for (int k = vectors * Lanes; k < n; k++)
        {
            total += terms.Scalar(k);
        }

        for (int lane = 0; lane < Lanes; lane++)
        {
            total += lanes.GetElement(lane);
        }

        // The result is added into the zero-filled output (CastStoreAccumulate); this only turns −0 into +0.
        return 0f + total;
    }

    /// <summary>
    /// row_sum over scalars for rows shorter than <see cref="Lanes"/>: with fewer than 16 groups of 4 the cascade
    /// never moves a level, so it is 4 accumulators over the first 4·⌊n/4⌋ values, the rest into the first, then
    /// the 4 added in order.
    /// </summary>
    private static float ScalarRowSum<TTerms>(TTerms terms, int n)
        where TTerms : IRowTerms, allows ref struct
    {
        float p0 = 0f, p1 = 0f, p2 = 0f, p3 = 0f;
        int grouped = n / IlpFactor * IlpFactor;
        for (int i = 0; i < grouped; i += IlpFactor)
        {
            p0 += terms.Scalar(i);
            p1 += terms.Scalar(i + 1);
            p2 += terms.Scalar(i + 2);
            p3 += terms.Scalar(i + 3);
        }

        for (int i = grouped; i < n; i++)
        {
            p0 += terms.Scalar(i);
        }

        p0 += p1;
        p0 += p2;
        p0 += p3;
        return 0f + p0;
    }

    /// <summary>
    /// row_sum over whole vectors: the row viewed as [vectors/4, 4] vectors, the 4 columns summed by
    /// <see cref="MultiRowSum"/>, the leftover vectors into column 0, then columns 1..3 added to column 0.
    /// </summary>
    private static Vector256<float> VectorRowSum<TTerms>(TTerms terms, int vectors)
        where TTerms : IRowTerms, allows ref struct
    {
        int groups = vectors / IlpFactor;
        Span<Vector256<float>> partial = stackalloc Vector256<float>[IlpFactor];
        MultiRowSum(terms, groups, partial);
        for (int v = groups * IlpFactor; v < vectors; v++)
        {
            partial[0] += terms.Vector(v * Lanes);
        }

        for (int k = 1; k < IlpFactor; k++)
        {
            partial[0] += partial[k];
        }

        return partial[0];
    }

    /// <summary>
    /// multi_row_sum with 4 rows of vectors: level 0 adds chunks of 2^p groups (p = max(4, ⌈log2 groups⌉/4)); after
    /// each chunk a level is added into the next and cleared, moving up while the group count is a multiple of
    /// the next level's chunk; at the end the leftover groups go into level 0 and levels 1..3 are added to it.
    /// </summary>
    private static void MultiRowSum<TTerms>(TTerms terms, int groups, Span<Vector256<float>> result)
        where TTerms : IRowTerms, allows ref struct
    {
        int levelPower = Math.Max(4, CeilLog2(groups) / CascadeLevels);
        int levelStep = 1 << levelPower;
        int levelMask = levelStep - 1;
        Span<Vector256<float>> acc = stackalloc Vector256<float>[CascadeLevels * IlpFactor];
        acc.Clear();

        int i = 0;
        while (i + levelStep <= groups)
        {
            for (int j = 0; j < levelStep; j++, i++)
            {
                AddGroup(terms, i, acc[..IlpFactor]);
            }

            for (int level = 1; level < CascadeLevels; level++)
            {
                for (int k = 0; k < IlpFactor; k++)
                {
                    acc[(level * IlpFactor) + k] += acc[((level - 1) * IlpFactor) + k];
                    acc[((level - 1) * IlpFactor) + k] = Vector256<float>.Zero;
                }

                if ((i & (levelMask << (level * levelPower))) != 0)
                {
                    break;
                }
            }
        }

        for (; i < groups; i++)
        {
            AddGroup(terms, i, acc[..IlpFactor]);
        }

        for (int level = 1; level < CascadeLevels; level++)
        {
            for (int k = 0; k < IlpFactor; k++)
            {
                acc[k] += acc[(level * IlpFactor) + k];
            }
        }

        acc[..IlpFactor].CopyTo(result);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddGroup<TTerms>(TTerms terms, int group, Span<Vector256<float>> level0)
        where TTerms : IRowTerms, allows ref struct
    {
        int start = group * IlpFactor * Lanes;
        for (int k = 0; k < IlpFactor; k++)
        {
            level0[k] += terms.Vector(start + (k * Lanes));
        }
    }

    /// <summary>c10's <c>utils::CeilLog2</c>: 1 for x ≤ 2, else ⌈log2 x⌉.</summary>
    private static int CeilLog2(int x) => x <= 2 ? 1 : 32 - int.LeadingZeroCount(x - 1);

    /// <summary>The plain row: its elements are the terms.</summary>
    private readonly ref struct RowTerms(ReadOnlySpan<float> row) : IRowTerms
    {
        private readonly ReadOnlySpan<float> _row = row;

        public int Length => _row.Length;

        public float Scalar(int index) => _row[index];

        public Vector256<float> Vector(int index) =>
            Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_row.Slice(index, Lanes)));
    }
}
