using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fast.Kernels;

/// <summary>
/// torch 1.13's f32 reductions over dim 0 of a contiguous tensor viewed as [rows, columns] (what the cosine calcmodes'
/// <c>CosineSimilarity(dim=0)</c> and <c>normalize(p=2, dim=0)</c> run), in torch's own order so the results are its
/// bits. Each column's order depends only on its position, not on the thread count: torch splits the columns between
/// threads at multiples of 32, which keeps every column in the same kind of group.
/// </summary>
/// <remarks>
/// <para><c>sum(0)</c> (<c>SumKernel.cpp</c>, <c>cascade_sum</c> → <c>vectorized_outer_sum</c>): with 8 or more columns,
/// whole groups of 32 columns are summed row after row (<c>multi_row_sum</c>: one f32 accumulator per column, with a
/// 4-level cascade that adds chunks of 16 or more rows), and the remaining columns by <c>row_sum</c> (4 accumulators
/// taking rows i ≡ 0, 1, 2, 3 mod 4, each with the cascade, the leftover rows added to the first, then the four added
/// in order). With 2–7 columns the first groups of 4 go row after row and the rest by <c>row_sum</c>
/// (<c>scalar_outer_sum</c>). One column is a contiguous inner reduction (<see cref="TorchRowSum"/>).</para>
/// <para><c>norm(p=2, dim=0)</c> (<c>ReduceOpsKernel.cpp</c>, <c>NormTwoOps</c> through <c>binary_kernel_reduce</c>):
/// per column <c>acc = fma(x, x, acc)</c> row after row from +0 (the AVX2 kernel's compiler contracts
/// <c>acc + x·x</c>), then <c>sqrt</c>. One column is the last-dim path of <see cref="TorchVectorReductions.Norm"/>.</para>
/// Checked against the installed torch 1.13.1 (ATEN_CPU_CAPABILITY=avx2) on shapes from [3, 5] to [5000, 64] and
/// [320, 2880], zero differing bits; native-compat runs it through the cosine rows of the compat matrix.
/// </remarks>
public static class TorchColumnReductions
{
    private const int CascadeLevels = 4;
    private const int IlpFactor = 4;

    /// <summary>torch's <c>x.sum(0)</c> of contiguous f32 <paramref name="x"/> viewed as [<paramref name="rows"/>, <paramref name="columns"/>].</summary>
    /// <exception cref="ArgumentException">The lengths do not match the shape.</exception>
    public static void Sum(ReadOnlySpan<float> x, int rows, int columns, Span<float> result)
    {
        CheckShape(x, rows, columns, result);
        if (columns == 1)
        {
            // One column is the whole tensor: TensorIterator coalesces it into a contiguous inner reduction.
            result[0] = TorchRowSum.Sum(x);
            return;
        }

        int rowByRow = columns >= TorchRowSum.Lanes ? columns / 32 * 32 : columns / 4 * 4;
        float[] levels = new float[CascadeLevels * columns];
        if (rowByRow > 0)
        {
            Cascade(x, 0, columns, rows, 0, rowByRow, levels, result);
        }

        if (rowByRow < columns)
        {
            IlpRowSum(x, rows, columns, rowByRow, columns - rowByRow, levels, result);
        }

        // The sums are added into the zero-filled output (CastStoreAccumulate): only −0 changes, to +0.
        for (int j = 0; j < columns; j++)
        {
            result[j] = 0f + result[j];
        }
    }

    /// <summary>torch's <c>x.norm(2, dim=0)</c> of contiguous f32 <paramref name="x"/> viewed as [<paramref name="rows"/>, <paramref name="columns"/>].</summary>
    /// <exception cref="ArgumentException">The lengths do not match the shape.</exception>
    public static void Norm(ReadOnlySpan<float> x, int rows, int columns, Span<float> result)
    {
        CheckShape(x, rows, columns, result);
        if (columns == 1)
        {
            result[0] = TorchVectorReductions.Norm(x);
            return;
        }

        Span<float> acc = result;
        acc.Clear();
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = x.Slice(r * columns, columns);
            int j = 0;
            for (; j + Vector256<float>.Count <= columns; j += Vector256<float>.Count)
            {
                Vector256<float> v = Load(row, j);
                Vector256.FusedMultiplyAdd(v, v, Load(acc, j)).StoreUnsafe(ref MemoryMarshal.GetReference(acc), (nuint)j);
            }

            for (; j < columns; j++)
            {
                acc[j] = MathF.FusedMultiplyAdd(row[j], row[j], acc[j]);
            }
        }

        for (int j = 0; j < columns; j++)
        {
            result[j] = MathF.Sqrt(acc[j]);
        }
    }

    /// <summary>
    /// torch's <c>row_sum</c> for columns [<paramref name="first"/>, first + <paramref name="count"/>): rows are dealt
    /// to 4 accumulators by row mod 4, each a cascade over its rows, the leftover rows (rows mod 4) go into the first,
    /// then the four are added in order.
    /// </summary>
    private static void IlpRowSum(ReadOnlySpan<float> x, int rows, int columns, int first, int count, float[] levels, Span<float> result)
    {
        int groups = rows / IlpFactor;
        var partials = new float[IlpFactor * count];
        for (int k = 0; k < IlpFactor; k++)
        {
            Cascade(x, k * columns, IlpFactor * columns, groups, first, count, levels, partials.AsSpan(k * count, count));
        }

        Span<float> total = partials.AsSpan(0, count);
        for (int r = groups * IlpFactor; r < rows; r++)
        {
            AddInto(total, x.Slice((r * columns) + first, count));
        }

        for (int k = 1; k < IlpFactor; k++)
        {
            AddInto(total, partials.AsSpan(k * count, count));
        }

        total.CopyTo(result.Slice(first, count));
    }

    /// <summary>
    /// torch's <c>multi_row_sum</c> for columns [<paramref name="first"/>, first + <paramref name="count"/>) over the
    /// <paramref name="size"/> rows starting at element <paramref name="start"/>, <paramref name="stride"/> apart:
    /// rows are added one by one into level 0; after every chunk of 2^p rows (p = max(4, ⌈log2 size⌉ / 4)) level 0 is
    /// carried into level 1, and a level into the next while the row count is a multiple of its chunk; the leftover
    /// rows go into level 0 and the levels are added in order.
    /// </summary>
    private static void Cascade(ReadOnlySpan<float> x, int start, int stride, int size, int first, int count, float[] levels, Span<float> result)
    {
        Span<float> all = levels.AsSpan(0, CascadeLevels * count);
        all.Clear();
        Span<float> Level(int j) => levels.AsSpan(j * count, count);

        int levelPower = Math.Max(4, CeilLog2(size) / CascadeLevels);
        long levelStep = 1L << levelPower;
        long levelMask = levelStep - 1;
        long i = 0;
        while (i + levelStep <= size)
        {
            for (long s = 0; s < levelStep; s++, i++)
            {
                AddInto(Level(0), x.Slice((int)(start + (i * stride) + first), count));
            }

            for (int j = 1; j < CascadeLevels; j++)
            {
                AddInto(Level(j), Level(j - 1));
                Level(j - 1).Clear();
                long mask = levelMask << (j * levelPower);
                if ((i & mask) != 0)
                {
                    break;
                }
            }
        }

        for (; i < size; i++)
        {
            AddInto(Level(0), x.Slice((int)(start + (i * stride) + first), count));
        }

        for (int j = 1; j < CascadeLevels; j++)
        {
            AddInto(Level(0), Level(j));
        }

        Level(0).CopyTo(result);
    }

    /// <summary><c>accumulator[j] += values[j]</c>, each an f32 add (vector lanes are IEEE adds, so the same bits).</summary>
    private static void AddInto(Span<float> accumulator, ReadOnlySpan<float> values)
    {
        int j = 0;
        for (; j + Vector256<float>.Count <= accumulator.Length; j += Vector256<float>.Count)
        {
            (Load(accumulator, j) + Load(values, j)).StoreUnsafe(ref MemoryMarshal.GetReference(accumulator), (nuint)j);
        }

        for (; j < accumulator.Length; j++)
        {
            accumulator[j] += values[j];
        }
    }

    private static Vector256<float> Load(ReadOnlySpan<float> values, int index) =>
        Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(values), (nuint)index);

    /// <summary>c10's <c>utils::CeilLog2</c>: 1 for x ≤ 2, else ⌈log2 x⌉.</summary>
    private static int CeilLog2(int x) => x <= 2 ? 1 : 32 - int.LeadingZeroCount(x - 1);

    private static void CheckShape(ReadOnlySpan<float> x, int rows, int columns, Span<float> result)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if ((long)rows * columns != x.Length)
        {
            throw new ArgumentException($"{nameof(x)} has {x.Length} elements; a [{rows}, {columns}] view needs {(long)rows * columns}.", nameof(x));
        }

        Guard.SameLength(columns, result.Length, nameof(result));
    }
}
