using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fast.Kernels;

/// <summary>
/// <see cref="TorchColumnReductions.Sum"/> fed one row at a time: torch 1.13's <c>x.sum(0)</c> of a [rows, columns]
/// f32 tensor (columns ≥ 2) in its own order, without the whole tensor of terms in memory. The cosine calcmodes
/// compute each row's terms (squares, normalised products) into a small buffer and add it here, so a key is swept in
/// cache-sized blocks instead of through tensor-sized scratch arrays. Bit-identical to
/// <see cref="TorchColumnReductions.Sum"/> (the oracle its tests compare against): the same cascades, driven by row
/// count instead of by a loop over a stored tensor.
/// </summary>
/// <remarks>
/// <c>multi_row_sum</c>'s cascade carries level 0 into level 1 after every whole chunk of 2^p rows, which is when the
/// cascade's row count becomes a multiple of 2^p: the streamed form carries at those counts. <c>row_sum</c> (the
/// columns after the last whole group of 32, or of 4 below 8 columns) deals rows to four cascades by row mod 4;
/// the rows after the last whole group of four go into the first cascade's finished sum, then the other three are
/// added, as torch does. The row loops are optimised from their first call: they run per block of a cosine pass that
/// keeps every core busy, so tiering would leave their tier-0 copies running.
/// </remarks>
public sealed class TorchColumnSumAccumulator
{
    private const int IlpFactor = 4;

    private readonly int _rows;
    private readonly int _columns;
    private readonly int _rowByRow;
    private readonly Cascade? _wide;
    private readonly Cascade[] _ilp;
    private readonly float[] _ilpTotal;
    private readonly int _ilpRows;
    private bool _ilpFinished;
    private int _row;

    /// <summary>A sum over dim 0 of a [<paramref name="rows"/>, <paramref name="columns"/>] tensor.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 columns (one column is a contiguous inner sum, <see cref="TorchRowSum"/>), or negative rows.</exception>
    public TorchColumnSumAccumulator(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 2);
        _rows = rows;
        _columns = columns;
        _rowByRow = columns >= TorchRowSum.Lanes ? columns / 32 * 32 : columns / 4 * 4;
        _wide = _rowByRow > 0 ? new Cascade(rows, _rowByRow) : null;
        int rest = columns - _rowByRow;
        int groups = rows / IlpFactor;
        _ilpRows = groups * IlpFactor;
        _ilp = rest > 0 ? [new Cascade(groups, rest), new Cascade(groups, rest), new Cascade(groups, rest), new Cascade(groups, rest)] : [];
        _ilpTotal = new float[rest];
    }

    /// <summary>Adds the next row (rows are taken in order, <c>columns</c> values each).</summary>
    /// <exception cref="ArgumentException">The row has the wrong length.</exception>
    /// <exception cref="InvalidOperationException">Every row was already added.</exception>
    public void AddRow(ReadOnlySpan<float> row) => AddTerms(new RowValues(row));

    /// <summary>Adds the next row's squares, <c>row[j] · row[j]</c> (torch's <c>pow(x, 2)</c>), without a row of them in memory.</summary>
    /// <exception cref="ArgumentException">The row has the wrong length.</exception>
    /// <exception cref="InvalidOperationException">Every row was already added.</exception>
    public void AddSquaresRow(ReadOnlySpan<float> row) => AddTerms(new ColumnCosineTerms.Squares(row));

    /// <summary>
    /// Adds the next row's squares after dividing it by <paramref name="divisors"/>: <c>q = row[j] / divisors[j]</c>,
    /// then <c>q · q</c> (cosineA's squares of the normalised columns), without the quotients in memory.
    /// </summary>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    /// <exception cref="InvalidOperationException">Every row was already added.</exception>
    public void AddSquaresRow(ReadOnlySpan<float> row, ReadOnlySpan<float> divisors)
    {
        Guard.SameLength(_columns, divisors.Length, nameof(divisors));
        AddTerms(new ColumnCosineTerms.DividedSquares(row, divisors));
    }

    /// <summary>
    /// <see cref="AddSquaresRow(ReadOnlySpan{float})"/> of each of the next rows (<paramref name="rows"/> holds whole
    /// rows, in order). Two rows at a time go into the sums in one pass over them: each column's sum still takes the
    /// first row's square and then the second's (the same adds, so the same bits), but the sums are loaded and stored
    /// once per two rows, where wide rows' sums live in the L2 cache rather than L1.
    /// </summary>
    /// <exception cref="ArgumentException">The span is not whole rows.</exception>
    /// <exception cref="InvalidOperationException">More rows than remain.</exception>
    public void AddSquaresRows(ReadOnlySpan<float> rows) => AddRows(rows, default, divided: false);

    /// <summary><see cref="AddSquaresRow(ReadOnlySpan{float}, ReadOnlySpan{float})"/> of each of the next rows, two at a time as <see cref="AddSquaresRows(ReadOnlySpan{float})"/>.</summary>
    /// <exception cref="ArgumentException">The span is not whole rows, or the divisors are not one per column.</exception>
    /// <exception cref="InvalidOperationException">More rows than remain.</exception>
    public void AddSquaresRows(ReadOnlySpan<float> rows, ReadOnlySpan<float> divisors)
    {
        Guard.SameLength(_columns, divisors.Length, nameof(divisors));
        AddRows(rows, divisors, divided: true);
    }

    /// <summary>
    /// Adds the next row's normalised products, <c>(x[j] / sx[j]) · (y[j] / sy[j])</c> (torch's <c>cosine_similarity</c>
    /// terms), without a row of them in memory.
    /// </summary>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    /// <exception cref="InvalidOperationException">Every row was already added.</exception>
    public void AddNormalizedProductsRow(ReadOnlySpan<float> x, ReadOnlySpan<float> sx, ReadOnlySpan<float> y, ReadOnlySpan<float> sy)
    {
        Guard.SameLength(_columns, sx.Length, nameof(sx));
        Guard.SameLength(_columns, y.Length, nameof(y));
        Guard.SameLength(_columns, sy.Length, nameof(sy));
        AddTerms(new ColumnCosineTerms.NormalizedProducts(x, sx, y, sy));
    }

    /// <summary>
    /// <see cref="AddNormalizedProductsRow(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    /// that also feeds the row to <paramref name="magnitude"/> (<see cref="TorchMagnitudeAccumulator.Add"/>), in one
    /// loop over the row-by-row columns: the products' divisions run in the shadow of the dot product's serial add
    /// chain, which bounds the loop. Rows of a multiple of 8 columns only (so every row is whole groups of the
    /// magnitude's norms); the sums and the magnitude are the bits the two calls made separately give.
    /// </summary>
    /// <exception cref="ArgumentException">A span has the wrong length, or the rows are not a multiple of 8 columns.</exception>
    /// <exception cref="InvalidOperationException">Every row was already added, or the magnitude is finished.</exception>
    public void AddNormalizedProductsRow(
        ReadOnlySpan<float> x, ReadOnlySpan<float> sx, ReadOnlySpan<float> y, ReadOnlySpan<float> sy, ref TorchMagnitudeAccumulator magnitude) =>
        AddNormalizedProductsRow(x, default, sx, y, default, sy, ref magnitude);

    /// <summary>
    /// <see cref="AddNormalizedProductsRow(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ref TorchMagnitudeAccumulator)"/>
    /// of the quotients <c>x[j] / dx[j]</c> and <c>y[j] / dy[j]</c> (cosineA's normalised columns, each an f32
    /// division), computed in the same loop instead of written back first: products and magnitude are those of the
    /// quotients. Empty <paramref name="dx"/> and <paramref name="dy"/> divide by nothing.
    /// </summary>
    /// <exception cref="ArgumentException">A span has the wrong length, or the rows are not a multiple of 8 columns.</exception>
    /// <exception cref="InvalidOperationException">Every row was already added, or the magnitude is finished.</exception>
    public void AddNormalizedProductsRow(
        ReadOnlySpan<float> x, ReadOnlySpan<float> dx, ReadOnlySpan<float> sx,
        ReadOnlySpan<float> y, ReadOnlySpan<float> dy, ReadOnlySpan<float> sy, ref TorchMagnitudeAccumulator magnitude)
    {
        bool divided = CheckFusedRow(x, dx, sx, y, dy, sy);
        int n = _rowByRow;
        if (_wide is not null)
        {
            magnitude.AddWithNormalizedProducts(
                x[..n], divided ? dx[..n] : default, sx[..n], y[..n], divided ? dy[..n] : default, sy[..n], _wide.LevelZero);
            _wide.Carry();
        }

        AddFusedRest(x, dx, sx, y, dy, sy, divided, ref magnitude);
    }

    /// <summary>
    /// The fused <see cref="AddNormalizedProductsRow(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ref TorchMagnitudeAccumulator)"/>
    /// of two tensors' rows of the same number of columns, in one loop over their row-by-row columns: each tensor keeps
    /// its own sums, dot chain and norms (the bits of two separate calls), but the two dot chains (torch's
    /// <c>sdot</c>, one dependent f32 add per element) interleave, so each waits out its add latency on the other's
    /// work. Both rows are divided (cosineA: <paramref name="firstDx"/> … <paramref name="secondDy"/> given) or neither.
    /// </summary>
    /// <exception cref="ArgumentException">A span has the wrong length, the column counts differ, the rows are not a multiple of 8 columns, or one row is divided and the other not.</exception>
    /// <exception cref="InvalidOperationException">Every row was already added to either, or a magnitude is finished.</exception>
    public static void AddNormalizedProductsRows(
        TorchColumnSumAccumulator first, ReadOnlySpan<float> firstX, ReadOnlySpan<float> firstDx, ReadOnlySpan<float> firstSx,
        ReadOnlySpan<float> firstY, ReadOnlySpan<float> firstDy, ReadOnlySpan<float> firstSy, ref TorchMagnitudeAccumulator firstMagnitude,
        TorchColumnSumAccumulator second, ReadOnlySpan<float> secondX, ReadOnlySpan<float> secondDx, ReadOnlySpan<float> secondSx,
        ReadOnlySpan<float> secondY, ReadOnlySpan<float> secondDy, ReadOnlySpan<float> secondSy, ref TorchMagnitudeAccumulator secondMagnitude)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        Guard.SameLength(first._columns, second._columns, nameof(second));
        bool divided = first.CheckFusedRow(firstX, firstDx, firstSx, firstY, firstDy, firstSy);
        if (second.CheckFusedRow(secondX, secondDx, secondSx, secondY, secondDy, secondSy) != divided)
        {
            throw new ArgumentException("both rows are divided (cosineA) or neither", nameof(secondDx));
        }

        int n = first._rowByRow;
        if (first._wide is not null && second._wide is not null)
        {
            TorchMagnitudeAccumulator.AddPairWithNormalizedProducts(
                ref firstMagnitude, firstX[..n], divided ? firstDx[..n] : default, firstSx[..n], firstY[..n], divided ? firstDy[..n] : default, firstSy[..n], first._wide.LevelZero,
                ref secondMagnitude, secondX[..n], divided ? secondDx[..n] : default, secondSx[..n], secondY[..n], divided ? secondDy[..n] : default, secondSy[..n], second._wide.LevelZero);
            first._wide.Carry();
            second._wide.Carry();
        }

        first.AddFusedRest(firstX, firstDx, firstSx, firstY, firstDy, firstSy, divided, ref firstMagnitude);
        second.AddFusedRest(secondX, secondDx, secondSx, secondY, secondDy, secondSy, divided, ref secondMagnitude);
    }

    /// <summary>Checks a fused row's spans and state; returns whether it is divided (dx and dy given).</summary>
    private bool CheckFusedRow(
        ReadOnlySpan<float> x, ReadOnlySpan<float> dx, ReadOnlySpan<float> sx, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, ReadOnlySpan<float> sy)
    {
        Guard.SameLength(_columns, x.Length, nameof(x));
        Guard.SameLength(_columns, sx.Length, nameof(sx));
        Guard.SameLength(_columns, y.Length, nameof(y));
        Guard.SameLength(_columns, sy.Length, nameof(sy));
        bool divided = !dx.IsEmpty || !dy.IsEmpty;
        if (divided)
        {
            Guard.SameLength(_columns, dx.Length, nameof(dx));
            Guard.SameLength(_columns, dy.Length, nameof(dy));
        }

        if (_columns % Vector256<float>.Count != 0)
        {
            throw new ArgumentException($"the fused row needs a multiple of {Vector256<float>.Count} columns, not {_columns}", nameof(x));
        }

        if (_row >= _rows)
        {
            throw new InvalidOperationException($"all {_rows} rows were already added");
        }

        return divided;
    }

    /// <summary>A fused row's row_sum rest (fewer than 32 columns, whole groups of 8) after its row-by-row columns, in the flat order; then counts the row.</summary>
    private void AddFusedRest(
        ReadOnlySpan<float> x, ReadOnlySpan<float> dx, ReadOnlySpan<float> sx,
        ReadOnlySpan<float> y, ReadOnlySpan<float> dy, ReadOnlySpan<float> sy, bool divided, ref TorchMagnitudeAccumulator magnitude)
    {
        int n = _rowByRow;
        scoped ReadOnlySpan<float> restX = x[n..];
        scoped ReadOnlySpan<float> restY = y[n..];
        if (divided)
        {
            Span<float> quotients = stackalloc float[2 * restX.Length];
            Divide(restX, dx[n..], quotients[..restX.Length]);
            Divide(restY, dy[n..], quotients[restX.Length..]);
            restX = quotients[..restX.Length];
            restY = quotients[restX.Length..];
        }

        magnitude.Add(restX, restY);
        AddRest(new ColumnCosineTerms.NormalizedProducts(restX, sx[n..], restY, sy[n..]), n);
        _row++;
    }

    private static void Divide(ReadOnlySpan<float> values, ReadOnlySpan<float> divisors, Span<float> quotients)
    {
        for (int j = 0; j < values.Length; j++)
        {
            quotients[j] = values[j] / divisors[j];
        }
    }

    /// <summary>Writes the column sums, once every row was added.</summary>
    /// <exception cref="InvalidOperationException">Rows are missing.</exception>
    public void Result(Span<float> result)
    {
        Guard.SameLength(_columns, result.Length, nameof(result));
        if (_row != _rows)
        {
            throw new InvalidOperationException($"{_row} of {_rows} rows added");
        }

        _wide?.Finish(result[.._rowByRow]);
        if (_ilp.Length > 0)
        {
            FinishIlp();
            Span<float> total = result[_rowByRow..];
            _ilpTotal.CopyTo(total);
            var partial = new float[total.Length];
            for (int k = 1; k < IlpFactor; k++)
            {
                _ilp[k].Finish(partial);
                AddInto(total, partial);
            }
        }

        // The sums are added into the zero-filled output (CastStoreAccumulate): only −0 changes, to +0.
        for (int j = 0; j < result.Length; j++)
        {
            result[j] = 0f + result[j];
        }
    }

    /// <summary>
    /// The one dispatch of a row's terms, whatever they are (the stored row, squares, normalised products): the
    /// row-by-row columns straight into their cascade, computed as it adds them; the row_sum rest (fewer than 32
    /// columns) through a small buffer into the cascade of the row's index mod 4, or after the last whole group of
    /// four rows into the first cascade's finished sum.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddTerms<TTerms>(TTerms terms)
        where TTerms : IRowTerms, allows ref struct
    {
        Guard.SameLength(_columns, terms.Length, nameof(terms));
        if (_row >= _rows)
        {
            throw new InvalidOperationException($"all {_rows} rows were already added");
        }

        _wide?.Add(terms);
        AddRest(terms, 0);
        _row++;
    }

    /// <summary>
    /// The squares of whole rows, in order: pairs that start at an even row (so none straddles a cascade carry, which
    /// falls on a multiple of 16 rows), with an odd first row and a last unpaired row on their own.
    /// </summary>
    private void AddRows(ReadOnlySpan<float> rows, ReadOnlySpan<float> divisors, bool divided)
    {
        if (rows.Length % _columns != 0)
        {
            throw new ArgumentException($"{rows.Length} values are not whole rows of {_columns}", nameof(rows));
        }

        int count = rows.Length / _columns;
        if (count > _rows - _row)
        {
            throw new InvalidOperationException($"{count} rows given where {_rows - _row} of {_rows} remain");
        }

        int r = 0;
        if (_row % 2 == 1 && count > 0)
        {
            AddSquaresRow(rows[.._columns], divided, divisors); // an odd row alone, so every pair starts at an even row
            r = 1;
        }

        for (; r + 1 < count; r += 2)
        {
            ReadOnlySpan<float> first = rows.Slice(r * _columns, _columns), second = rows.Slice((r + 1) * _columns, _columns);
            if (divided)
            {
                AddTermsPair(new ColumnCosineTerms.DividedSquares(first, divisors), new ColumnCosineTerms.DividedSquares(second, divisors));
            }
            else
            {
                AddTermsPair(new ColumnCosineTerms.Squares(first), new ColumnCosineTerms.Squares(second));
            }
        }

        if (r < count)
        {
            AddSquaresRow(rows.Slice(r * _columns, _columns), divided, divisors);
        }
    }

    /// <summary>One row through the single-row methods (<see cref="AddSquaresRow(ReadOnlySpan{float})"/>, divided or not).</summary>
    private void AddSquaresRow(ReadOnlySpan<float> row, bool divided, ReadOnlySpan<float> divisors)
    {
        if (divided)
        {
            AddSquaresRow(row, divisors);
        }
        else
        {
            AddSquaresRow(row);
        }
    }

    /// <summary>Two consecutive rows' terms, the first at an even row: level 0 takes both in one pass, then each row's rest.</summary>
    private void AddTermsPair<TTerms>(TTerms first, TTerms second)
        where TTerms : IRowTerms, allows ref struct
    {
        _wide?.AddTwo(first, second);
        AddRest(first, 0);
        _row++;
        AddRest(second, 0);
        _row++;
    }

    /// <summary>
    /// The row_sum rest of a row's terms (the columns after the row-by-row ones); <paramref name="firstColumn"/> is
    /// the column of <paramref name="terms"/>' index 0 (0 for a whole row, the first rest column for the rest alone).
    /// </summary>
    private void AddRest<TTerms>(TTerms terms, int firstColumn)
        where TTerms : IRowTerms, allows ref struct
    {
        if (_ilp.Length > 0)
        {
            Span<float> rest = stackalloc float[_columns - _rowByRow];
            for (int j = 0; j < rest.Length; j++)
            {
                rest[j] = terms.Scalar(_rowByRow - firstColumn + j);
            }

            if (_row < _ilpRows)
            {
                _ilp[_row % IlpFactor].Add(new RowValues(rest));
            }
            else
            {
                FinishIlp();
                AddInto(_ilpTotal, rest);
            }
        }
    }

    /// <summary>The first row_sum cascade's finished sum starts the total the leftover rows are added to.</summary>
    private void FinishIlp()
    {
        if (!_ilpFinished)
        {
            _ilp[0].Finish(_ilpTotal);
            _ilpFinished = true;
        }
    }

    /// <summary><c>accumulator[j] += values[j]</c>, each an f32 add (vector lanes are IEEE adds, so the same bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddInto(Span<float> accumulator, ReadOnlySpan<float> values)
    {
        ref float acc = ref MemoryMarshal.GetReference(accumulator);
        ref float add = ref MemoryMarshal.GetReference(values);
        int j = 0;
        for (; j + Vector256<float>.Count <= accumulator.Length; j += Vector256<float>.Count)
        {
            (Vector256.LoadUnsafe(ref acc, (nuint)j) + Vector256.LoadUnsafe(ref add, (nuint)j)).StoreUnsafe(ref acc, (nuint)j);
        }

        for (; j < accumulator.Length; j++)
        {
            accumulator[j] += values[j];
        }
    }

    /// <summary>One <c>multi_row_sum</c> cascade over <c>size</c> rows of <c>count</c> columns, fed row by row.</summary>
    private sealed class Cascade
    {
        private const int Levels = 4;

        private readonly int _count;
        private readonly int _levelPower;
        private readonly long _levelMask;
        private readonly float[] _levels;
        private long _added;

        public Cascade(int size, int count)
        {
            _count = count;
            _levelPower = Math.Max(4, CeilLog2(size) / Levels);
            _levelMask = (1L << _levelPower) - 1;
            _levels = new float[Levels * count];
        }

        /// <summary>Adds the first <c>count</c> terms of the next row, each computed as it is added.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Add<TTerms>(TTerms terms)
            where TTerms : IRowTerms, allows ref struct
        {
            ref float acc = ref MemoryMarshal.GetReference(Level(0));
            int j = 0;
            for (; j + Vector256<float>.Count <= _count; j += Vector256<float>.Count)
            {
                (Vector256.LoadUnsafe(ref acc, (nuint)j) + terms.Vector(j)).StoreUnsafe(ref acc, (nuint)j);
            }

            for (; j < _count; j++)
            {
                Unsafe.Add(ref acc, j) += terms.Scalar(j);
            }

            Carry();
        }

        /// <summary>
        /// <see cref="Add{TTerms}"/> of two consecutive rows whose first leaves no carry (an odd row count after it):
        /// each level-0 sum takes the first row's term and then the second's, loaded and stored once.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void AddTwo<TTerms>(TTerms first, TTerms second)
            where TTerms : IRowTerms, allows ref struct
        {
            ref float acc = ref MemoryMarshal.GetReference(Level(0));
            int j = 0;
            for (; j + Vector256<float>.Count <= _count; j += Vector256<float>.Count)
            {
                (Vector256.LoadUnsafe(ref acc, (nuint)j) + first.Vector(j) + second.Vector(j)).StoreUnsafe(ref acc, (nuint)j);
            }

            for (; j < _count; j++)
            {
                Unsafe.Add(ref acc, j) = Unsafe.Add(ref acc, j) + first.Scalar(j) + second.Scalar(j);
            }

            Carry();
            Carry();
        }

        /// <summary>Level 0, for a caller adding a row's terms itself (then <see cref="Carry"/>).</summary>
        public Span<float> LevelZero => Level(0);

        /// <summary>Counts a row added to level 0 and carries whole chunks up the levels.</summary>
        public void Carry()
        {
            _added++;
            if ((_added & _levelMask) != 0)
            {
                return;
            }

            // A whole chunk of level 0 is done: carry up while the row count is a multiple of the next level's chunk.
            for (int j = 1; j < Levels; j++)
            {
                AddInto(Level(j), Level(j - 1));
                Level(j - 1).Clear();
                if ((_added & (_levelMask << (j * _levelPower))) != 0)
                {
                    break;
                }
            }
        }

        public void Finish(Span<float> result)
        {
            for (int j = 1; j < Levels; j++)
            {
                AddInto(Level(0), Level(j));
            }

            Level(0).CopyTo(result);
        }

        private Span<float> Level(int j) => _levels.AsSpan(j * _count, _count);

        /// <summary>c10's <c>utils::CeilLog2</c>: 1 for x ≤ 2, else ⌈log2 x⌉.</summary>
        private static int CeilLog2(int x) => x <= 2 ? 1 : 32 - int.LeadingZeroCount(x - 1);
    }
}
