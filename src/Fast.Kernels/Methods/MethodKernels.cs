using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Fast.Kernels.Methods;

/// <summary>
/// The elementwise steps of the N-model merge methods on f32 spans (docs/methods.md states every formula's order).
/// Each element is computed with IEEE binary32 operations, each rounded once and never fused, so the bytes are the
/// same for every SIMD width (Vector&lt;float&gt; lanes and the scalar tail compute the same operations).
/// </summary>
public static class MethodKernels
{
    /// <summary>Operands up to which <see cref="SignElectedMean"/> holds one element group's terms on the stack.</summary>
    private const int StackTerms = 64;

    /// <summary><c>acc[i] = acc[i] + weight·x[i]</c>: the product, then the sum, each rounded.</summary>
    /// <param name="acc">The running sum, in place.</param>
    /// <param name="x">The term.</param>
    /// <param name="weight">The term's weight.</param>
    public static void AddScaled(Span<float> acc, ReadOnlySpan<float> x, float weight)
    {
        Guard.SameLength(acc.Length, x.Length, nameof(x));
        var w = new Vector<float>(weight);
        int i = 0;
        Span<Vector<float>> accV = MemoryMarshal.Cast<float, Vector<float>>(acc);
        ReadOnlySpan<Vector<float>> xV = MemoryMarshal.Cast<float, Vector<float>>(x);
        for (; i < accV.Length; i++)
        {
            accV[i] += w * xV[i];
        }

        for (i *= Vector<float>.Count; i < acc.Length; i++)
        {
            acc[i] += weight * x[i];
        }
    }

    /// <summary><c>destination[i] = weight·x[i]</c>.</summary>
    /// <param name="x">The values.</param>
    /// <param name="weight">The factor.</param>
    /// <param name="destination">The products (may be <paramref name="x"/>).</param>
    public static void Scale(ReadOnlySpan<float> x, float weight, Span<float> destination)
    {
        Guard.SameLength(x.Length, destination.Length, nameof(destination));
        var w = new Vector<float>(weight);
        int i = 0;
        ReadOnlySpan<Vector<float>> xV = MemoryMarshal.Cast<float, Vector<float>>(x);
        Span<Vector<float>> dV = MemoryMarshal.Cast<float, Vector<float>>(destination);
        for (; i < xV.Length; i++)
        {
            dV[i] = w * xV[i];
        }

        for (i *= Vector<float>.Count; i < x.Length; i++)
        {
            destination[i] = weight * x[i];
        }
    }

    /// <summary><c>destination[i] = a[i] − b[i]</c>.</summary>
    /// <param name="a">Minuend.</param>
    /// <param name="b">Subtrahend.</param>
    /// <param name="destination">The differences (may be <paramref name="a"/>).</param>
    public static void Subtract(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination)
    {
        Guard.SameLength(a.Length, b.Length, nameof(b));
        Guard.SameLength(a.Length, destination.Length, nameof(destination));
        int i = 0;
        ReadOnlySpan<Vector<float>> aV = MemoryMarshal.Cast<float, Vector<float>>(a);
        ReadOnlySpan<Vector<float>> bV = MemoryMarshal.Cast<float, Vector<float>>(b);
        Span<Vector<float>> dV = MemoryMarshal.Cast<float, Vector<float>>(destination);
        for (; i < aV.Length; i++)
        {
            dV[i] = aV[i] - bV[i];
        }

        for (i *= Vector<float>.Count; i < a.Length; i++)
        {
            destination[i] = a[i] - b[i];
        }
    }

    /// <summary>
    /// TIES' sign election and disjoint mean (mergekit <c>generalized_task_arithmetic.py</c>, <c>get_mask</c> with
    /// "sum"): per element, <c>s = ((0 + wd₀) + wd₁) + …</c>; the elected sign is + when <c>s ≥ 0</c>; the terms whose
    /// sign is the elected one (a zero term has none) are summed in operand order from 0 into <c>mixed</c>, their
    /// weights into <c>divisor</c>; with <paramref name="normalize"/> <c>mixed / divisor</c> (divisor 0 → 1).
    /// A term that is not elected contributes exactly nothing (mergekit multiplies it by 0, so a NaN term leaks).
    /// </summary>
    /// <param name="weightedDeltas">Per operand, <c>wᵢ·δᵢ</c> over the tensor.</param>
    /// <param name="weights">Per operand, wᵢ as f32.</param>
    /// <param name="normalize">Divide by the elected weights' sum.</param>
    /// <param name="mixed">The mixed difference.</param>
    public static void SignElectedMean(IReadOnlyList<float[]> weightedDeltas, ReadOnlySpan<float> weights, bool normalize, Span<float> mixed)
    {
        ArgumentNullException.ThrowIfNull(weightedDeltas);

        // An array, not the interface: the vector loop reads every operand per element group.
        float[][] deltas = weightedDeltas as float[][] ?? [.. weightedDeltas];
        int count = deltas.Length;
        // Fixed-size buffers rather than stackalloc: a method with a stackalloc is compiled once, fully optimised but
        // without tiering's profile, and measured slower here.
        TermVectors vectorBuffer = default;
        TermScalars scalarBuffer = default;
        Span<Vector<float>> terms = count <= StackTerms ? ((Span<Vector<float>>)vectorBuffer)[..count] : new Vector<float>[count];
        Span<float> scalarTerms = count <= StackTerms ? ((Span<float>)scalarBuffer)[..count] : new float[count];
        int n = mixed.Length;
        int lanes = Vector<float>.Count;
        int vectorEnd = n - (n % lanes);
        for (int i = 0; i < vectorEnd; i += lanes)
        {
            Vector<float> sum = Vector<float>.Zero;
            for (int m = 0; m < count; m++)
            {
                var term = new Vector<float>(deltas[m], i);
                terms[m] = term;
                sum += term;
            }

            SignElection.Mix(terms, sum, weights, normalize).CopyTo(mixed[i..]);
        }

        for (int i = vectorEnd; i < n; i++)
        {
            float sum = 0f;
            for (int m = 0; m < count; m++)
            {
                scalarTerms[m] = deltas[m][i];
                sum += scalarTerms[m];
            }

            mixed[i] = SignElection.Mix(scalarTerms, sum, weights, normalize);
        }
    }

    /// <summary>One element group's terms for up to <see cref="StackTerms"/> operands, on the stack.</summary>
    [InlineArray(StackTerms)]
    private struct TermVectors
    {
        private Vector<float> _element0;
    }

    /// <summary>One element's terms for up to <see cref="StackTerms"/> operands, on the stack.</summary>
    [InlineArray(StackTerms)]
    private struct TermScalars
    {
        private float _element0;
    }

    /// <summary><c>destination[i] = x[i] / divisor</c> (a division, not a product with the reciprocal).</summary>
    /// <param name="x">The values.</param>
    /// <param name="divisor">The divisor.</param>
    /// <param name="destination">The quotients (may be <paramref name="x"/>).</param>
    public static void Divide(ReadOnlySpan<float> x, float divisor, Span<float> destination)
    {
        Guard.SameLength(x.Length, destination.Length, nameof(destination));
        var d = new Vector<float>(divisor);
        int i = 0;
        ReadOnlySpan<Vector<float>> xV = MemoryMarshal.Cast<float, Vector<float>>(x);
        Span<Vector<float>> dV = MemoryMarshal.Cast<float, Vector<float>>(destination);
        for (; i < xV.Length; i++)
        {
            dV[i] = xV[i] / d;
        }

        for (i *= Vector<float>.Count; i < x.Length; i++)
        {
            destination[i] = x[i] / divisor;
        }
    }

    /// <summary>
    /// Σ δᵢ·δⱼ for every pair i ≤ j of the differences δᵢ = models[i] − base (in double), each sum accumulated in four
    /// interleaved lanes as <see cref="SquaresAndDot"/>: model stock's norms and dot products.
    /// </summary>
    /// <param name="models">The models' values (at least <paramref name="count"/> each).</param>
    /// <param name="baseValues">The base's values.</param>
    /// <param name="count">Elements.</param>
    /// <returns>The symmetric Gram matrix, [i, j].</returns>
    public static double[,] DifferenceGram(IReadOnlyList<float[]> models, ReadOnlySpan<float> baseValues, int count)
    {
        ArgumentNullException.ThrowIfNull(models);
        var lanes = new double[models.Count, models.Count, 4];
        AccumulateDifferenceGram(models, baseValues, count, lanes);
        return GramOf(lanes);
    }

    /// <summary>
    /// Adds one piece of the tensor to <see cref="DifferenceGram"/>'s lanes: called on consecutive pieces in order,
    /// each starting at a multiple of 4 elements, the lanes hold the sums of the whole tensor in the same order.
    /// </summary>
    /// <param name="models">The models' values of the piece (at least <paramref name="count"/> each).</param>
    /// <param name="baseValues">The base's values of the piece.</param>
    /// <param name="count">Elements of the piece.</param>
    /// <param name="lanes">[i, j, lane] running sums, i ≤ j.</param>
    public static void AccumulateDifferenceGram(IReadOnlyList<float[]> models, ReadOnlySpan<float> baseValues, int count, double[,,] lanes)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(lanes);
        int n = models.Count;
        Span<double> delta = n <= 64 ? stackalloc double[n] : new double[n];
        for (int e = 0; e < count; e++)
        {
            double b = baseValues[e];
            for (int i = 0; i < n; i++)
            {
                delta[i] = models[i][e] - b;
            }

            int lane = e & 3;
            for (int i = 0; i < n; i++)
            {
                for (int j = i; j < n; j++)
                {
                    lanes[i, j, lane] += delta[i] * delta[j];
                }
            }
        }
    }

    /// <summary>The Gram matrix from <see cref="AccumulateDifferenceGram"/>'s lanes, each entry ((l0 + l1) + (l2 + l3)).</summary>
    /// <param name="lanes">[i, j, lane] sums, i ≤ j.</param>
    /// <returns>The symmetric Gram matrix, [i, j].</returns>
    public static double[,] GramOf(double[,,] lanes)
    {
        ArgumentNullException.ThrowIfNull(lanes);
        int n = lanes.GetLength(0);
        var gram = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++)
            {
                gram[i, j] = gram[j, i] = (lanes[i, j, 0] + lanes[i, j, 1]) + (lanes[i, j, 2] + lanes[i, j, 3]);
            }
        }

        return gram;
    }

    /// <summary>
    /// Sums of squares and the dot product of two f32 vectors in double, each accumulated in four interleaved lanes
    /// (element i into lane i mod 4) that are then added as ((l0 + l1) + (l2 + l3)): a fixed order whatever the SIMD width.
    /// </summary>
    /// <param name="a">First vector.</param>
    /// <param name="b">Second vector.</param>
    /// <returns>Σa², Σb², Σab.</returns>
    public static (double SquaresA, double SquaresB, double Dot) SquaresAndDot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Span<double> lanes = stackalloc double[12];
        lanes.Clear();
        AccumulateSquaresAndDot(a, b, lanes);
        return SquaresAndDotOf(lanes);
    }

    /// <summary>
    /// Adds one piece of two tensors to <see cref="SquaresAndDot"/>'s lanes (Σa² in 0..3, Σb² in 4..7, Σab in 8..11):
    /// called on consecutive pieces in order, each starting at a multiple of 4 elements, the lanes hold the sums of the
    /// whole tensors in the same order.
    /// </summary>
    /// <param name="a">First vector's piece.</param>
    /// <param name="b">Second vector's piece.</param>
    /// <param name="lanes">12 running sums.</param>
    public static void AccumulateSquaresAndDot(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<double> lanes)
    {
        Guard.SameLength(a.Length, b.Length, nameof(b));
        Span<double> aa = lanes[..4];
        Span<double> bb = lanes[4..8];
        Span<double> ab = lanes[8..12];
        for (int i = 0; i < a.Length; i++)
        {
            double x = a[i], y = b[i];
            int lane = i & 3;
            aa[lane] += x * x;
            bb[lane] += y * y;
            ab[lane] += x * y;
        }
    }

    /// <summary>Σa², Σb², Σab from <see cref="AccumulateSquaresAndDot"/>'s lanes.</summary>
    /// <param name="lanes">12 sums.</param>
    /// <returns>Σa², Σb², Σab.</returns>
    public static (double SquaresA, double SquaresB, double Dot) SquaresAndDotOf(ReadOnlySpan<double> lanes) =>
        (Lanes(lanes[..4]), Lanes(lanes[4..8]), Lanes(lanes[8..12]));

    /// <summary><c>destination[i] = f32(s0·a[i] + s1·b[i])</c>, computed in double and rounded once.</summary>
    /// <param name="a">First vector.</param>
    /// <param name="s0">Its factor.</param>
    /// <param name="b">Second vector.</param>
    /// <param name="s1">Its factor.</param>
    /// <param name="destination">The combination (may be <paramref name="a"/> or <paramref name="b"/>).</param>
    public static void Combine(ReadOnlySpan<float> a, double s0, ReadOnlySpan<float> b, double s1, Span<float> destination)
    {
        Guard.SameLength(a.Length, b.Length, nameof(b));
        Guard.SameLength(a.Length, destination.Length, nameof(destination));
        for (int i = 0; i < a.Length; i++)
        {
            destination[i] = (float)((s0 * a[i]) + (s1 * b[i]));
        }
    }

    private static double Lanes(ReadOnlySpan<double> lanes) => (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
}
