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
        float dot = _dot;
        Vector256<float> squaresX = _squaresX, squaresY = _squaresY;
        for (int i = 0; i < whole; i += Lanes)
        {
            Vector256<float> vx = inputs.X(i);
            Vector256<float> vy = inputs.Y(i);
            squaresX = Vector256.FusedMultiplyAdd(vx, vx, squaresX);
            squaresY = Vector256.FusedMultiplyAdd(vy, vy, squaresY);
            work.Group(i, vx, vy);

            // sdot's chain: each rounded product added in order (a product is the same f32 in a lane or a scalar).
            Vector256<float> products = vx * vy;
            dot += products.GetElement(0);
            dot += products.GetElement(1);
            dot += products.GetElement(2);
            dot += products.GetElement(3);
            dot += products.GetElement(4);
            dot += products.GetElement(5);
            dot += products.GetElement(6);
            dot += products.GetElement(7);
        }

        _dot = dot;
        _squaresX = squaresX;
        _squaresY = squaresY;
    }

    /// <summary>The magnitude's inputs, a group of 8 at a time.</summary>
    private interface IGroupInputs
    {
        Vector256<float> X(int index);

        Vector256<float> Y(int index);
    }

    private readonly ref struct StoredInputs(ReadOnlySpan<float> x, ReadOnlySpan<float> y) : IGroupInputs
    {
        private readonly ReadOnlySpan<float> _x = x;
        private readonly ReadOnlySpan<float> _y = y;

        public Vector256<float> X(int index) => Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_x), (nuint)index);

        public Vector256<float> Y(int index) => Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_y), (nuint)index);
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
    }

    /// <summary>Work done on each group of 8 as the magnitude reads it.</summary>
    private interface IGroupWork
    {
        void Group(int index, Vector256<float> x, Vector256<float> y);
    }

    private readonly struct NoColumnWork : IGroupWork
    {
        public void Group(int index, Vector256<float> x, Vector256<float> y)
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
    }
}
