using System.Numerics;

namespace Fast.Kernels.LowRank;

/// <summary>The leading singular triplets of a matrix: <c>A ≈ U · diag(S) · Vt</c>.</summary>
/// <param name="U">Row-major <c>m × r</c>, orthonormal columns.</param>
/// <param name="S">The <c>r</c> largest singular values, descending.</param>
/// <param name="Vt">Row-major <c>r × n</c>, orthonormal rows.</param>
public sealed record SvdFactors(double[] U, double[] S, double[] Vt);

/// <summary>
/// Truncated SVD by the randomised range finder with power iterations (Halko, Martinsson and Tropp 2011,
/// algorithms 4.4 and 5.1), in double precision: <c>Y = (A·Aᵀ)^q·A·Ω</c> re-orthonormalised after every product,
/// <c>B = Qᵀ·A</c>, then the exact SVD of the small <c>B</c> through the symmetric eigenproblem of <c>B·Bᵀ</c>
/// (cyclic Jacobi). When the sample width reaches <c>min(m, n)</c> the range is the whole column space and the
/// result is the exact SVD, so small layers are always exact.
/// </summary>
public static class TruncatedSvd
{
    /// <summary>The <paramref name="rank"/> leading singular triplets of the row-major <paramref name="m"/> × <paramref name="n"/> matrix.</summary>
    /// <param name="a">The matrix, row-major.</param>
    /// <param name="m">Rows.</param>
    /// <param name="n">Columns.</param>
    /// <param name="rank">Triplets wanted; at most <c>min(m, n)</c>.</param>
    /// <param name="oversample">Extra sample columns (10 is the usual choice).</param>
    /// <param name="powerIterations">Power iterations; each sharpens the spectrum by another power of σ².</param>
    /// <param name="seed">Seed of the Gaussian test matrix, so results are reproducible.</param>
    public static SvdFactors Compute(ReadOnlySpan<double> a, int m, int n, int rank, int oversample = 10, int powerIterations = 4, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(m);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rank, Math.Min(m, n));
        if ((long)m * n > a.Length)
        {
            throw new ArgumentException($"the span holds {a.Length} values, not {m}×{n}", nameof(a));
        }

        double[] matrix = a[..(m * n)].ToArray(); // the parallel products below need an array, not a span
        int l = Math.Min(Math.Min(m, n), rank + Math.Max(0, oversample));
        double[] omega = Gaussian(n * l, seed);
        double[] y = new double[m * l];
        MultiplyNn(matrix, omega, y, m, n, l);                  // Y = A Ω         (m × l)
        Orthonormalize(y, m, l);
        double[] z = new double[n * l];
        for (int q = 0; q < powerIterations; q++)
        {
            MultiplyTn(matrix, y, z, m, n, l);                  // Z = Aᵀ Q        (n × l)
            Orthonormalize(z, n, l);
            MultiplyNn(matrix, z, y, m, n, l);                  // Y = A Z         (m × l)
            Orthonormalize(y, m, l);
        }

        double[] bt = new double[n * l];
        MultiplyTn(matrix, y, bt, m, n, l);                     // Bᵀ = Aᵀ Q       (n × l)

        // B Bᵀ (l × l) = (Bᵀ)ᵀ Bᵀ; its eigenvectors are B's left singular vectors, its eigenvalues σ².
        double[] gram = new double[l * l];
        for (int i = 0; i < l; i++)
        {
            for (int j = i; j < l; j++)
            {
                double s = 0;
                for (int r = 0; r < n; r++)
                {
                    s += bt[(r * l) + i] * bt[(r * l) + j];
                }

                gram[(i * l) + j] = gram[(j * l) + i] = s;
            }
        }

        (double[] values, double[] vectors) = SymmetricEigen.Jacobi(gram, l);
        int[] order = Enumerable.Range(0, l).OrderByDescending(i => values[i]).ToArray();

        double[] u = new double[m * rank], sigma = new double[rank], vt = new double[rank * n];
        for (int k = 0; k < rank; k++)
        {
            int e = order[k];
            sigma[k] = Math.Sqrt(Math.Max(0, values[e]));

            // U = Q · W, and Vᵀ row k = (Bᵀ w_k)ᵀ / σ_k.
            for (int i = 0; i < m; i++)
            {
                double s = 0;
                for (int c = 0; c < l; c++)
                {
                    s += y[(i * l) + c] * vectors[(c * l) + e];
                }

                u[(i * rank) + k] = s;
            }

            double inverse = sigma[k] > 0 ? 1 / sigma[k] : 0;
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int c = 0; c < l; c++)
                {
                    s += bt[(j * l) + c] * vectors[(c * l) + e];
                }

                vt[(k * n) + j] = s * inverse;
            }
        }

        return new SvdFactors(u, sigma, vt);
    }

    // C (m × l) = A (m × n) · X (n × l), rows of A in parallel, vectorised over l.
    private static void MultiplyNn(double[] matrix, double[] x, double[] c, int m, int n, int l)
    {
        Parallel.For(0, m, i =>
        {
            Span<double> row = c.AsSpan(i * l, l);
            row.Clear();
            for (int k = 0; k < n; k++)
            {
                Axpy(matrix[(i * n) + k], x.AsSpan(k * l, l), row);
            }
        });
    }

    // C (n × l) = Aᵀ (n × m) · Y (m × l): each worker sums its own block of A's rows, then the partial sums add up.
    private static void MultiplyTn(double[] matrix, double[] y, double[] c, int m, int n, int l)
    {
        int workers = Math.Max(1, Math.Min(Environment.ProcessorCount, m / 64));
        double[][] partial = new double[workers][];
        Parallel.For(0, workers, w =>
        {
            double[] sum = new double[n * l];
            for (int i = w; i < m; i += workers)
            {
                ReadOnlySpan<double> yRow = y.AsSpan(i * l, l);
                for (int j = 0; j < n; j++)
                {
                    Axpy(matrix[(i * n) + j], yRow, sum.AsSpan(j * l, l));
                }
            }

            partial[w] = sum;
        });
        Array.Copy(partial[0], c, n * l);
        for (int w = 1; w < workers; w++)
        {
            Axpy(1, partial[w], c);
        }
    }

    private static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = new Vector<double>(alpha);
            for (; i + Vector<double>.Count <= x.Length; i += Vector<double>.Count)
            {
                (new Vector<double>(y[i..]) + (va * new Vector<double>(x[i..]))).CopyTo(y[i..]);
            }
        }

        for (; i < x.Length; i++)
        {
            y[i] += alpha * x[i];
        }
    }

    // Modified Gram-Schmidt, twice ("twice is enough"), on the columns of a row-major rows × cols matrix.
    // A column that vanishes (the sample fell in a smaller range) is replaced by zeros: it adds nothing.
    private static void Orthonormalize(double[] x, int rows, int cols)
    {
        for (int pass = 0; pass < 2; pass++)
        {
            for (int c = 0; c < cols; c++)
            {
                for (int p = 0; p < c; p++)
                {
                    double dot = 0;
                    for (int r = 0; r < rows; r++)
                    {
                        dot += x[(r * cols) + p] * x[(r * cols) + c];
                    }

                    for (int r = 0; r < rows; r++)
                    {
                        x[(r * cols) + c] -= dot * x[(r * cols) + p];
                    }
                }

                double norm = 0;
                for (int r = 0; r < rows; r++)
                {
                    norm += x[(r * cols) + c] * x[(r * cols) + c];
                }

                norm = Math.Sqrt(norm);
                double inverse = norm > 1e-300 ? 1 / norm : 0;
                for (int r = 0; r < rows; r++)
                {
                    x[(r * cols) + c] *= inverse;
                }
            }
        }
    }

    private static double[] Gaussian(int count, int seed)
    {
        var random = new Random(seed);
        double[] values = new double[count];
        for (int i = 0; i < count; i++)
        {
            // Box-Muller: the distribution only has to be rotation invariant, not bit-compatible with anything.
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            values[i] = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }

        return values;
    }
}
