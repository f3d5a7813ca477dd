using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Fast.Kernels;

/// <summary>
/// <see cref="TorchVectorReductions.Dot"/>(x, y), <see cref="TorchVectorReductions.Norm"/>(x) and
/// <see cref="TorchVectorReductions.Norm"/>(y) of one tensor pair in a single sweep, fed in blocks: the cosine
/// calcmodes' magnitude term <c>dot(A, B) / (norm(A)·norm(B))</c>. The results are those three methods' bits (they
/// are the oracle the tests compare against); only the work is arranged differently.
/// </summary>
/// <remarks>
/// torch's <c>dot</c> (reference BLAS <c>sdot</c>) is one sequential chain of f32 adds, one add latency per
/// element, which no reordering may shorten. Here the two norms' 8-lane FMA accumulators run in the same loop, so
/// the out-of-order core executes them (and the loads) in the shadow of that chain instead of in separate sweeps.
/// Every block but the last must hold a multiple of 8 elements: the norms' vectors are the flat tensor's groups of 8.
/// </remarks>
public struct TorchMagnitudeAccumulator
{
    private const int Lanes = 8;

    private float _dot;
    private Vector256<float> _squaresX;
    private Vector256<float> _squaresY;
    private bool _finished;

    /// <summary>Adds the next block; its length must be a multiple of 8 unless it is the last (then call <see cref="Finish"/> with it).</summary>
    /// <exception cref="ArgumentException">The lengths differ or are not a multiple of 8.</exception>
    public void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        Guard.SameLength(x.Length, y.Length, nameof(y));
        if (x.Length % Lanes != 0)
        {
            throw new ArgumentException($"a block before the last needs a multiple of {Lanes} elements, not {x.Length}", nameof(x));
        }

        if (_finished)
        {
            throw new InvalidOperationException("the accumulator is finished");
        }

        AddVectors(new StoredInputs(x, y), x.Length, default(NoColumnWork));
    }

    /// <summary>
    /// <see cref="Add"/> of a block of whole groups of 8 that also adds <c>(x[j] / sx[j]) · (y[j] / sy[j])</c> into
    /// <paramref name="sums"/>[j] (a column sum's level), in the same loop: the divisions run in the shadow of the
    /// dot product's add chain instead of in a sweep of their own. With <paramref name="dx"/> and <paramref name="dy"/>
    /// (both or neither), x and y are first divided by them (cosineA's <c>normalize</c>: x[j] / dx[j], an f32
    /// quotient) and the magnitude is that of the quotients.
    /// </summary>
    internal void AddWithNormalizedProducts(
        ReadOnlySpan<float> x, ReadOnlySpan<float> dx, ReadOnlySpan<float> sx,
        ReadOnlySpan<float> y, ReadOnlySpan<float> dy, ReadOnlySpan<float> sy, Span<float> sums)
    {
        Guard.SameLength(x.Length, y.Length, nameof(y));
        Guard.SameLength(x.Length, sx.Length, nameof(sx));
        Guard.SameLength(x.Length, sy.Length, nameof(sy));
        Guard.SameLength(x.Length, sums.Length, nameof(sums));
        Guard.SameLength(dx.Length, dy.Length, nameof(dy));
        if (x.Length % Lanes != 0)
        {
            throw new ArgumentException($"a fused block needs a multiple of {Lanes} elements, not {x.Length}", nameof(x));
        }

        if (_finished)
        {
            throw new InvalidOperationException("the accumulator is finished");
        }

        var products = new ColumnProducts(sx, sy, sums);
        if (dx.IsEmpty)
        {
            AddVectors(new StoredInputs(x, y), x.Length, products);
        }
        else
        {
            Guard.SameLength(x.Length, dx.Length, nameof(dx));
            AddVectors(new DividedInputs(x, dx, y, dy), x.Length, products);
        }
    }

    /// <summary>
    /// Two tensors' <see cref="AddWithNormalizedProducts"/> of blocks of one length, in one loop: each keeps its own
    /// dot chain, sums and norms (the same bits as two separate calls), but the two chains of dependent adds
    /// interleave, so each one's add latency is spent on the other's work instead of waiting. Both are divided (dx,
    /// dy given) or neither.
    /// </summary>
    internal static void AddPairWithNormalizedProducts(
        ref TorchMagnitudeAccumulator first, ReadOnlySpan<float> firstX, ReadOnlySpan<float> firstDx, ReadOnlySpan<float> firstSx,
        ReadOnlySpan<float> firstY, ReadOnlySpan<float> firstDy, ReadOnlySpan<float> firstSy, Span<float> firstSums,
        ref TorchMagnitudeAccumulator second, ReadOnlySpan<float> secondX, ReadOnlySpan<float> secondDx, ReadOnlySpan<float> secondSx,
        ReadOnlySpan<float> secondY, ReadOnlySpan<float> secondDy, ReadOnlySpan<float> secondSy, Span<float> secondSums)
    {
        int length = firstX.Length;
        foreach (int other in (ReadOnlySpan<int>)[firstY.Length, firstSx.Length, firstSy.Length, firstSums.Length, secondX.Length, secondY.Length, secondSx.Length, secondSy.Length, secondSums.Length])
        {
            Guard.SameLength(length, other, nameof(secondX));
        }

        bool divided = !firstDx.IsEmpty;
        foreach (int other in (ReadOnlySpan<int>)[firstDx.Length, firstDy.Length, secondDx.Length, secondDy.Length])
        {
            Guard.SameLength(divided ? length : 0, other, nameof(secondDx));
        }

        if (length % Lanes != 0)
        {
            throw new ArgumentException($"a fused block needs a multiple of {Lanes} elements, not {length}", nameof(firstX));
        }

        if (first._finished || second._finished)
        {
            throw new InvalidOperationException("the accumulator is finished");
        }

        var firstProducts = new ColumnProducts(firstSx, firstSy, firstSums);
        var secondProducts = new ColumnProducts(secondSx, secondSy, secondSums);
        if (divided)
        {
            AddVectorPairs(
                ref first, new DividedInputs(firstX, firstDx, firstY, firstDy), firstProducts,
                ref second, new DividedInputs(secondX, secondDx, secondY, secondDy), secondProducts, length);
        }
        else
        {
            AddVectorPairs(ref first, new StoredInputs(firstX, firstY), firstProducts, ref second, new StoredInputs(secondX, secondY), secondProducts, length);
        }
    }

    /// <summary>Adds the last block (any length) and returns <c>dot(x, y)</c>, <c>norm(x)</c> and <c>norm(y)</c>.</summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public (float Dot, float NormX, float NormY) Finish(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        Guard.SameLength(x.Length, y.Length, nameof(y));
        if (_finished)
        {
            throw new InvalidOperationException("the accumulator is finished");
        }

        _finished = true;
        int whole = x.Length - (x.Length % Lanes);
        AddVectors(new StoredInputs(x, y), whole, default(NoColumnWork));
        float dot = _dot;
        for (int i = whole; i < x.Length; i++)
        {
            float product = x[i] * y[i];
            dot += product;
        }

        return (dot, Norm(_squaresX, x[whole..]), Norm(_squaresY, y[whole..]));
    }

    /// <summary>The norm's lanes added in order, then its leftover elements as <see cref="TorchVectorReductions.Norm"/> takes them.</summary>
    private static float Norm(Vector256<float> acc, ReadOnlySpan<float> tail)
    {
        float total = acc.GetElement(0);
        for (int lane = 1; lane < Lanes; lane++)
        {
            total += acc.GetElement(lane);
        }

        int d = 0;
        if (tail.Length >= 4)
        {
            for (; d < 4; d++)
            {
                float square = tail[d] * tail[d];
                total += square;
            }
        }

        for (; d < tail.Length; d++)
        {
            total = MathF.FusedMultiplyAdd(tail[d], tail[d], total);
        }

        return MathF.Sqrt(total);
    }

    /// <summary>
    /// The groups of 8 up to <paramref name="whole"/> as <paramref name="inputs"/> gives them, each also handed to
    /// <paramref name="work"/> (specialised per type, so the plain form costs nothing extra).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddVectors<TInputs, TWork>(TInputs inputs, int whole, TWork work)
        where TInputs : IGroupInputs, allows ref struct
        where TWork : IGroupWork, allows ref struct
    {
        TorchMagnitudeAccumulator state = this;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + (2 * Lanes) <= whole; i += 2 * Lanes)
            {
                state.AddTwoGroups(inputs, work, i);
            }
        }

        for (; i < whole; i += Lanes)
        {
            state.AddGroup(inputs, work, i);
        }

        this = state;
    }

    /// <summary><see cref="AddVectors"/> of two tensors in one loop, each group of one followed by the same group of the other.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddVectorPairs<TInputs, TWork>(
        ref TorchMagnitudeAccumulator first, TInputs firstInputs, TWork firstWork,
        ref TorchMagnitudeAccumulator second, TInputs secondInputs, TWork secondWork, int whole)
        where TInputs : IGroupInputs, allows ref struct
        where TWork : IGroupWork, allows ref struct
    {
        TorchMagnitudeAccumulator one = first, two = second;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + (2 * Lanes) <= whole; i += 2 * Lanes)
            {
                one.AddTwoGroups(firstInputs, firstWork, i);
                two.AddTwoGroups(secondInputs, secondWork, i);
            }
        }

        for (; i < whole; i += Lanes)
        {
            one.AddGroup(firstInputs, firstWork, i);
            two.AddGroup(secondInputs, secondWork, i);
        }

        first = one;
        second = two;
    }

    /// <summary>The group of 8 at <paramref name="index"/>: the norms' FMA lanes, the work, then the dot chain.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddGroup<TInputs, TWork>(TInputs inputs, TWork work, int index)
        where TInputs : IGroupInputs, allows ref struct
        where TWork : IGroupWork, allows ref struct
    {
        Vector256<float> vx = inputs.X(index);
        Vector256<float> vy = inputs.Y(index);
        _squaresX = Vector256.FusedMultiplyAdd(vx, vx, _squaresX);
        _squaresY = Vector256.FusedMultiplyAdd(vy, vy, _squaresY);
        work.Group(index, vx, vy);
        AddToDot(vx * vy);
    }

    /// <summary>
    /// The two groups of 8 at <paramref name="index"/> read and worked as one 16-lane vector (where the core divides
    /// 16 lanes about as fast as 8, so the quotients cost half), then taken by the norms and the chain group by group,
    /// in <see cref="AddGroup"/>'s order: every lane is the same f32 op, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddTwoGroups<TInputs, TWork>(TInputs inputs, TWork work, int index)
        where TInputs : IGroupInputs, allows ref struct
        where TWork : IGroupWork, allows ref struct
    {
        Vector512<float> vx = inputs.X16(index);
        Vector512<float> vy = inputs.Y16(index);
        _squaresX = Vector256.FusedMultiplyAdd(vx.GetLower(), vx.GetLower(), _squaresX);
        _squaresY = Vector256.FusedMultiplyAdd(vy.GetLower(), vy.GetLower(), _squaresY);
        _squaresX = Vector256.FusedMultiplyAdd(vx.GetUpper(), vx.GetUpper(), _squaresX);
        _squaresY = Vector256.FusedMultiplyAdd(vy.GetUpper(), vy.GetUpper(), _squaresY);
        work.TwoGroups(index, vx, vy);
        Vector512<float> products = vx * vy;
        AddToDot(products.GetLower());
        AddToDot(products.GetUpper());
    }

    /// <summary>sdot's chain: each rounded product added in order (a product is the same f32 in a lane or a scalar).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddToDot(Vector256<float> products)
    {
        float dot = _dot;
        dot += products.GetElement(0);
        dot += products.GetElement(1);
        dot += products.GetElement(2);
        dot += products.GetElement(3);
        dot += products.GetElement(4);
        dot += products.GetElement(5);
        dot += products.GetElement(6);
        dot += products.GetElement(7);
        _dot = dot;
    }

    /// <summary>The magnitude's inputs, a group of 8 at a time.</summary>
    private interface IGroupInputs
    {
        Vector256<float> X(int index);

        Vector256<float> Y(int index);

        /// <summary>The two groups at <paramref name="index"/> as one vector.</summary>
        Vector512<float> X16(int index);

        /// <summary>The two groups at <paramref name="index"/> as one vector.</summary>
        Vector512<float> Y16(int index);
    }

    private readonly ref struct StoredInputs(ReadOnlySpan<float> x, ReadOnlySpan<float> y) : IGroupInputs
    {
        private readonly ReadOnlySpan<float> _x = x;
        private readonly ReadOnlySpan<float> _y = y;

        public Vector256<float> X(int index) => Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_x), (nuint)index);

        public Vector256<float> Y(int index) => Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_y), (nuint)index);

        public Vector512<float> X16(int index) => Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(_x), (nuint)index);

        public Vector512<float> Y16(int index) => Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(_y), (nuint)index);
    }

    /// <summary>x / dx and y / dy per column (each quotient an f32 division, as <c>normalize</c>'s).</summary>
    private readonly ref struct DividedInputs(ReadOnlySpan<float> x, ReadOnlySpan<float> dx, ReadOnlySpan<float> y, ReadOnlySpan<float> dy) : IGroupInputs
    {
        private readonly ReadOnlySpan<float> _x = x;
        private readonly ReadOnlySpan<float> _dx = dx;
        private readonly ReadOnlySpan<float> _y = y;
        private readonly ReadOnlySpan<float> _dy = dy;

        public Vector256<float> X(int index) =>
            Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_x), (nuint)index) / Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_dx), (nuint)index);

        public Vector256<float> Y(int index) =>
            Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_y), (nuint)index) / Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_dy), (nuint)index);

        public Vector512<float> X16(int index) =>
            Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(_x), (nuint)index) / Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(_dx), (nuint)index);

        public Vector512<float> Y16(int index) =>
            Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(_y), (nuint)index) / Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(_dy), (nuint)index);
    }

    /// <summary>Work done on each group of 8 as the magnitude reads it.</summary>
    private interface IGroupWork
    {
        void Group(int index, Vector256<float> x, Vector256<float> y);

        /// <summary><see cref="Group"/> of the two groups at <paramref name="index"/>, as one vector.</summary>
        void TwoGroups(int index, Vector512<float> x, Vector512<float> y);
    }

    private readonly struct NoColumnWork : IGroupWork
    {
        public void Group(int index, Vector256<float> x, Vector256<float> y)
        {
        }

        public void TwoGroups(int index, Vector512<float> x, Vector512<float> y)
        {
        }
    }

    /// <summary>torch's <c>cosine_similarity</c> terms <c>(x / sx) · (y / sy)</c> (each quotient and the product an f32 op) added per column.</summary>
    private readonly ref struct ColumnProducts(ReadOnlySpan<float> sx, ReadOnlySpan<float> sy, Span<float> sums) : IGroupWork
    {
        private readonly ReadOnlySpan<float> _sx = sx;
        private readonly ReadOnlySpan<float> _sy = sy;
        private readonly Span<float> _sums = sums;

        public void Group(int index, Vector256<float> x, Vector256<float> y)
        {
            ref float sum = ref MemoryMarshal.GetReference(_sums);
            Vector256<float> terms = (x / Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_sx), (nuint)index))
                * (y / Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_sy), (nuint)index));
            (Vector256.LoadUnsafe(ref sum, (nuint)index) + terms).StoreUnsafe(ref sum, (nuint)index);
        }

        public void TwoGroups(int index, Vector512<float> x, Vector512<float> y)
        {
            ref float sum = ref MemoryMarshal.GetReference(_sums);
            Vector512<float> terms = (x / Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(_sx), (nuint)index))
                * (y / Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(_sy), (nuint)index));
            (Vector512.LoadUnsafe(ref sum, (nuint)index) + terms).StoreUnsafe(ref sum, (nuint)index);
        }
    }
}
