using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fast.Kernels.LowRank;

/// <summary>
/// Adds a scaled low-rank product to a block of rows in place: <c>W[i, j] += (Σₖ up[i, k]·down[k, j]) · ratio · scale</c>,
/// the update kohya-ss <c>merge_lora.py</c> applies (<c>weight + ratio * (up @ down) * scale</c>, in binary32).
/// </summary>
/// <remarks>
/// Every element is computed the same way on every path: the dot product runs in <c>k</c> order from 0, each step
/// either a separately rounded product and sum (<see cref="LowRankSum.Rounded"/>: torch's CPU <c>sgemm</c> in
/// Debian's torch 1.13, a reference BLAS, so <c>up @ down</c>) or one fused multiply-add
/// (<see cref="LowRankSum.Fused"/>: torch's oneDNN <c>conv2d</c>, which kohya uses for 3×3 LoCon modules); both
/// measured bit-identical to torch. Then rounded products by <c>ratio</c> and <c>scale</c> and one rounded addition to
/// <c>W</c>. Vector lanes only change which columns run together, so the 512, 256, 128-bit and scalar paths are
/// bit-identical. Blocking: columns are taken in tiles that keep the tile of <c>down</c> (<c>rank × tile</c>) in L1/L2
/// while every row of the block sweeps it, with four vector accumulators per row.
/// </remarks>
public static class LowRankUpdate
{
    /// <summary>Columns per tile: rank 32 × 512 × 4 bytes = 64 KiB of <c>down</c> per tile.</summary>
    private const int TileColumns = 512;

    /// <summary>Rows that share each load of <c>down</c> in the blocked loop.</summary>
    private const int FourRows = 4;

    /// <summary>
    /// Applies the update to rows <c>[0, rows)</c> of <paramref name="target"/> (row-major, <paramref name="columns"/> wide).
    /// </summary>
    /// <param name="target">The weight rows, widened to binary32; updated in place.</param>
    /// <param name="up">Row-major <c>rows × rank</c>: the rows of <c>up</c> that match the target rows.</param>
    /// <param name="down">Row-major <c>rank × columns</c>.</param>
    /// <param name="rows">Rows in the block.</param>
    /// <param name="rank">Inner dimension.</param>
    /// <param name="columns">Columns of the weight (in·kh·kw for a convolution).</param>
    /// <param name="ratio">The LoRA strength for this module (block weight × multiplier).</param>
    /// <param name="scale">alpha / rank.</param>
    /// <param name="sum">How the dot product accumulates.</param>
    /// <exception cref="ArgumentException">A span is shorter than the sizes say.</exception>
    public static void Apply(
        Span<float> target, ReadOnlySpan<float> up, ReadOnlySpan<float> down, int rows, int rank, int columns, float ratio, float scale, LowRankSum sum = LowRankSum.Rounded)
    {
        if (sum == LowRankSum.Fused)
        {
            Apply<FusedProductSum>(target, up, down, rows, rank, columns, ratio, scale);
        }
        else
        {
            Apply<RoundedProductSum>(target, up, down, rows, rank, columns, ratio, scale);
        }
    }

    private static void Apply<TSum>(Span<float> target, ReadOnlySpan<float> up, ReadOnlySpan<float> down, int rows, int rank, int columns, float ratio, float scale)
        where TSum : IProductSum
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if ((long)rows * columns > target.Length || (long)rows * rank > up.Length || (long)rank * columns > down.Length)
        {
            throw new ArgumentException($"spans too short for a {rows}×{rank} by {rank}×{columns} update");
        }

        for (int tile = 0; tile < columns; tile += TileColumns)
        {
            int width = Math.Min(TileColumns, columns - tile);
            int i = 0;

            // Four rows at a time share each load of down (the tile lives in L2, whose bandwidth bounds the
            // one-row loop); the columns left over run row by row below.
            for (; i + FourRows <= rows; i += FourRows)
            {
                int done = FourRowTile<TSum>(target, up, down, i, tile, columns, width, rank, ratio, scale);
                if (done < width)
                {
                    for (int r = i; r < i + FourRows; r++)
                    {
                        Span<float> rest = target.Slice((r * columns) + tile + done, width - done);
                        UpdateRowTile<TSum>(rest, up.Slice(r * rank, rank), down, tile + done, columns, width - done, ratio, scale);
                    }
                }
            }

            for (; i < rows; i++)
            {
                Span<float> row = target.Slice((i * columns) + tile, width);
                ReadOnlySpan<float> upRow = up.Slice(i * rank, rank);
                UpdateRowTile<TSum>(row, upRow, down, tile, columns, width, ratio, scale);
            }
        }
    }

    /// <summary>
    /// Rows <c>[first, first + 4)</c> of a tile, two vectors of columns at a time (eight accumulators); each element
    /// still sums its products in <c>k</c> order. Returns the columns done (a multiple of two vectors).
    /// </summary>
    private static int FourRowTile<TSum>(
        Span<float> target, ReadOnlySpan<float> up, ReadOnlySpan<float> down, int first, int tile, int columns, int width, int rank, float ratio, float scale)
        where TSum : IProductSum
    {
        ref float d = ref MemoryMarshal.GetReference(down);
        ref float u0 = ref MemoryMarshal.GetReference(up.Slice(first * rank, FourRows * rank));
        ref float u1 = ref Unsafe.Add(ref u0, rank);
        ref float u2 = ref Unsafe.Add(ref u1, rank);
        ref float u3 = ref Unsafe.Add(ref u2, rank);
        ref float t0 = ref MemoryMarshal.GetReference(target.Slice((first * columns) + tile, ((FourRows - 1) * columns) + width));
        ref float t1 = ref Unsafe.Add(ref t0, columns);
        ref float t2 = ref Unsafe.Add(ref t1, columns);
        ref float t3 = ref Unsafe.Add(ref t2, columns);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            const int lanes = 16;
            for (; j + (2 * lanes) <= width; j += 2 * lanes)
            {
                Vector512<float> a0 = Vector512<float>.Zero, b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
                for (int k = 0; k < rank; k++)
                {
                    ref float dk = ref Unsafe.Add(ref d, (k * columns) + tile + j);
                    Vector512<float> x = Vector512.LoadUnsafe(ref dk), y = Vector512.LoadUnsafe(ref dk, lanes);
                    var v0 = Vector512.Create(Unsafe.Add(ref u0, k));
                    var v1 = Vector512.Create(Unsafe.Add(ref u1, k));
                    var v2 = Vector512.Create(Unsafe.Add(ref u2, k));
                    var v3 = Vector512.Create(Unsafe.Add(ref u3, k));
                    a0 = TSum.Add(a0, v0, x);
                    b0 = TSum.Add(b0, v0, y);
                    a1 = TSum.Add(a1, v1, x);
                    b1 = TSum.Add(b1, v1, y);
                    a2 = TSum.Add(a2, v2, x);
                    b2 = TSum.Add(b2, v2, y);
                    a3 = TSum.Add(a3, v3, x);
                    b3 = TSum.Add(b3, v3, y);
                }

                Finish(a0, ref t0, j, ratio, scale);
                Finish(b0, ref t0, j + lanes, ratio, scale);
                Finish(a1, ref t1, j, ratio, scale);
                Finish(b1, ref t1, j + lanes, ratio, scale);
                Finish(a2, ref t2, j, ratio, scale);
                Finish(b2, ref t2, j + lanes, ratio, scale);
                Finish(a3, ref t3, j, ratio, scale);
                Finish(b3, ref t3, j + lanes, ratio, scale);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            const int lanes = 8;
            for (; j + (2 * lanes) <= width; j += 2 * lanes)
            {
                Vector256<float> a0 = Vector256<float>.Zero, b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
                for (int k = 0; k < rank; k++)
                {
                    ref float dk = ref Unsafe.Add(ref d, (k * columns) + tile + j);
                    Vector256<float> x = Vector256.LoadUnsafe(ref dk), y = Vector256.LoadUnsafe(ref dk, lanes);
                    var v0 = Vector256.Create(Unsafe.Add(ref u0, k));
                    var v1 = Vector256.Create(Unsafe.Add(ref u1, k));
                    var v2 = Vector256.Create(Unsafe.Add(ref u2, k));
                    var v3 = Vector256.Create(Unsafe.Add(ref u3, k));
                    a0 = TSum.Add(a0, v0, x);
                    b0 = TSum.Add(b0, v0, y);
                    a1 = TSum.Add(a1, v1, x);
                    b1 = TSum.Add(b1, v1, y);
                    a2 = TSum.Add(a2, v2, x);
                    b2 = TSum.Add(b2, v2, y);
                    a3 = TSum.Add(a3, v3, x);
                    b3 = TSum.Add(b3, v3, y);
                }

                Finish(a0, ref t0, j, ratio, scale);
                Finish(b0, ref t0, j + lanes, ratio, scale);
                Finish(a1, ref t1, j, ratio, scale);
                Finish(b1, ref t1, j + lanes, ratio, scale);
                Finish(a2, ref t2, j, ratio, scale);
                Finish(b2, ref t2, j + lanes, ratio, scale);
                Finish(a3, ref t3, j, ratio, scale);
                Finish(b3, ref t3, j + lanes, ratio, scale);
            }
        }

        return j;
    }

    private static void UpdateRowTile<TSum>(Span<float> row, ReadOnlySpan<float> upRow, ReadOnlySpan<float> down, int tile, int columns, int width, float ratio, float scale)
        where TSum : IProductSum
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            j = Vectors512<TSum>(row, upRow, down, tile, columns, width, ratio, scale);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            j = Vectors256<TSum>(row, upRow, down, tile, columns, width, ratio, scale);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            j = Vectors128<TSum>(row, upRow, down, tile, columns, width, ratio, scale);
        }

        for (; j < width; j++)
        {
            float dot = 0f;
            for (int k = 0; k < upRow.Length; k++)
            {
                dot = TSum.Add(dot, upRow[k], down[(k * columns) + tile + j]);
            }

            row[j] += dot * ratio * scale;
        }
    }

    private static int Vectors512<TSum>(Span<float> row, ReadOnlySpan<float> upRow, ReadOnlySpan<float> down, int tile, int columns, int width, float ratio, float scale)
        where TSum : IProductSum
    {
        const int lanes = 16;
        ref float d = ref MemoryMarshal.GetReference(down);
        ref float r = ref MemoryMarshal.GetReference(row);
        int rank = upRow.Length;
        int j = 0;
        for (; j + (4 * lanes) <= width; j += 4 * lanes)
        {
            Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (int k = 0; k < rank; k++)
            {
                var u = Vector512.Create(upRow[k]);
                ref float dk = ref Unsafe.Add(ref d, (k * columns) + tile + j);
                a0 = TSum.Add(a0, u, Vector512.LoadUnsafe(ref dk));
                a1 = TSum.Add(a1, u, Vector512.LoadUnsafe(ref dk, lanes));
                a2 = TSum.Add(a2, u, Vector512.LoadUnsafe(ref dk, 2 * lanes));
                a3 = TSum.Add(a3, u, Vector512.LoadUnsafe(ref dk, 3 * lanes));
            }

            Finish(a0, ref r, j, ratio, scale);
            Finish(a1, ref r, j + lanes, ratio, scale);
            Finish(a2, ref r, j + (2 * lanes), ratio, scale);
            Finish(a3, ref r, j + (3 * lanes), ratio, scale);
        }

        for (; j + lanes <= width; j += lanes)
        {
            Vector512<float> a = Vector512<float>.Zero;
            for (int k = 0; k < rank; k++)
            {
                a = TSum.Add(a, Vector512.Create(upRow[k]), Vector512.LoadUnsafe(ref d, (nuint)((k * columns) + tile + j)));
            }

            Finish(a, ref r, j, ratio, scale);
        }

        return j;
    }

    private static int Vectors256<TSum>(Span<float> row, ReadOnlySpan<float> upRow, ReadOnlySpan<float> down, int tile, int columns, int width, float ratio, float scale)
        where TSum : IProductSum
    {
        const int lanes = 8;
        ref float d = ref MemoryMarshal.GetReference(down);
        ref float r = ref MemoryMarshal.GetReference(row);
        int rank = upRow.Length;
        int j = 0;
        for (; j + (4 * lanes) <= width; j += 4 * lanes)
        {
            Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (int k = 0; k < rank; k++)
            {
                var u = Vector256.Create(upRow[k]);
                ref float dk = ref Unsafe.Add(ref d, (k * columns) + tile + j);
                a0 = TSum.Add(a0, u, Vector256.LoadUnsafe(ref dk));
                a1 = TSum.Add(a1, u, Vector256.LoadUnsafe(ref dk, lanes));
                a2 = TSum.Add(a2, u, Vector256.LoadUnsafe(ref dk, 2 * lanes));
                a3 = TSum.Add(a3, u, Vector256.LoadUnsafe(ref dk, 3 * lanes));
            }

            Finish(a0, ref r, j, ratio, scale);
            Finish(a1, ref r, j + lanes, ratio, scale);
            Finish(a2, ref r, j + (2 * lanes), ratio, scale);
            Finish(a3, ref r, j + (3 * lanes), ratio, scale);
        }

        for (; j + lanes <= width; j += lanes)
        {
            Vector256<float> a = Vector256<float>.Zero;
            for (int k = 0; k < rank; k++)
            {
                a = TSum.Add(a, Vector256.Create(upRow[k]), Vector256.LoadUnsafe(ref d, (nuint)((k * columns) + tile + j)));
            }

            Finish(a, ref r, j, ratio, scale);
        }

        return j;
    }

    private static int Vectors128<TSum>(Span<float> row, ReadOnlySpan<float> upRow, ReadOnlySpan<float> down, int tile, int columns, int width, float ratio, float scale)
        where TSum : IProductSum
    {
        const int lanes = 4;
        ref float d = ref MemoryMarshal.GetReference(down);
        ref float r = ref MemoryMarshal.GetReference(row);
        int rank = upRow.Length;
        int j = 0;
        for (; j + (4 * lanes) <= width; j += 4 * lanes)
        {
            Vector128<float> a0 = Vector128<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (int k = 0; k < rank; k++)
            {
                var u = Vector128.Create(upRow[k]);
                ref float dk = ref Unsafe.Add(ref d, (k * columns) + tile + j);
                a0 = TSum.Add(a0, u, Vector128.LoadUnsafe(ref dk));
                a1 = TSum.Add(a1, u, Vector128.LoadUnsafe(ref dk, lanes));
                a2 = TSum.Add(a2, u, Vector128.LoadUnsafe(ref dk, 2 * lanes));
                a3 = TSum.Add(a3, u, Vector128.LoadUnsafe(ref dk, 3 * lanes));
            }

            Finish(a0, ref r, j, ratio, scale);
            Finish(a1, ref r, j + lanes, ratio, scale);
            Finish(a2, ref r, j + (2 * lanes), ratio, scale);
            Finish(a3, ref r, j + (3 * lanes), ratio, scale);
        }

        for (; j + lanes <= width; j += lanes)
        {
            Vector128<float> a = Vector128<float>.Zero;
            for (int k = 0; k < rank; k++)
            {
                a = TSum.Add(a, Vector128.Create(upRow[k]), Vector128.LoadUnsafe(ref d, (nuint)((k * columns) + tile + j)));
            }

            Finish(a, ref r, j, ratio, scale);
        }

        return j;
    }

    // Two separately rounded products, then the rounded sum: the order torch evaluates `W + ratio * M * scale`.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(Vector512<float> dot, ref float row, int j, float ratio, float scale)
    {
        Vector512<float> delta = dot * Vector512.Create(ratio) * Vector512.Create(scale);
        (Vector512.LoadUnsafe(ref row, (nuint)j) + delta).StoreUnsafe(ref row, (nuint)j);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(Vector256<float> dot, ref float row, int j, float ratio, float scale)
    {
        Vector256<float> delta = dot * Vector256.Create(ratio) * Vector256.Create(scale);
        (Vector256.LoadUnsafe(ref row, (nuint)j) + delta).StoreUnsafe(ref row, (nuint)j);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(Vector128<float> dot, ref float row, int j, float ratio, float scale)
    {
        Vector128<float> delta = dot * Vector128.Create(ratio) * Vector128.Create(scale);
        (Vector128.LoadUnsafe(ref row, (nuint)j) + delta).StoreUnsafe(ref row, (nuint)j);
    }
}
