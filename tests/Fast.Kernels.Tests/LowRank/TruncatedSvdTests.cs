using Fast.Kernels.LowRank;
using Xunit;

namespace Fast.Kernels.Tests.LowRank;

/// <summary>The truncated SVD against matrices whose singular values are known by construction.</summary>
public class TruncatedSvdTests
{
    [Theory]
    [InlineData(40, 30, 5, 30)]   // sample width reaches min(m, n): exact
    [InlineData(200, 90, 8, 10)]
    [InlineData(64, 300, 16, 10)]
    public void Recovers_known_singular_values_and_an_orthonormal_basis(int m, int n, int rank, int oversample)
    {
        double[] sigma = Enumerable.Range(0, Math.Min(m, n)).Select(i => Math.Pow(0.8, i) * 10).ToArray();
        double[] a = Build(m, n, sigma, seed: m + n);
        SvdFactors f = TruncatedSvd.Compute(a, m, n, rank, oversample, powerIterations: 6, seed: 1);
        for (int k = 0; k < rank; k++)
        {
            Assert.Equal(sigma[k], f.S[k], 1e-6 * sigma[0]);
        }

        for (int p = 0; p < rank; p++)
        {
            for (int q = 0; q < rank; q++)
            {
                double uu = 0, vv = 0;
                for (int i = 0; i < m; i++)
                {
                    uu += f.U[(i * rank) + p] * f.U[(i * rank) + q];
                }

                for (int j = 0; j < n; j++)
                {
                    vv += f.Vt[(p * n) + j] * f.Vt[(q * n) + j];
                }

                Assert.Equal(p == q ? 1 : 0, uu, 1e-8);
                Assert.Equal(p == q ? 1 : 0, vv, 1e-8);
            }
        }

        // The rank-r error is the optimal one: sqrt(Σ_{k ≥ r} σ_k²).
        double error = 0;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = a[(i * n) + j];
                for (int k = 0; k < rank; k++)
                {
                    s -= f.U[(i * rank) + k] * f.S[k] * f.Vt[(k * n) + j];
                }

                error += s * s;
            }
        }

        double optimal = Math.Sqrt(sigma.Skip(rank).Sum(s => s * s));
        Assert.True(Math.Sqrt(error) <= optimal * 1.0001 + 1e-9, $"{Math.Sqrt(error)} vs optimal {optimal}");
    }

    [Fact]
    public void A_rank_deficient_matrix_gives_zero_trailing_values()
    {
        double[] a = Build(30, 20, [3, 2, 1], seed: 5);
        SvdFactors f = TruncatedSvd.Compute(a, 30, 20, 6, oversample: 4, powerIterations: 2, seed: 2);
        Assert.Equal([3, 2, 1], f.S.Take(3).Select(s => Math.Round(s, 9)));
        Assert.All(f.S.Skip(3), s => Assert.True(s < 1e-9));
    }

    // A = P diag(σ) Qᵀ with random orthonormal P, Q (Gram-Schmidt of Gaussian columns).
    private static double[] Build(int m, int n, double[] sigma, int seed)
    {
        int r = sigma.Length;
        double[] p = Orthonormal(m, r, seed), q = Orthonormal(n, r, seed + 1);
        double[] a = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < r; k++)
                {
                    s += p[(i * r) + k] * sigma[k] * q[(j * r) + k];
                }

                a[(i * n) + j] = s;
            }
        }

        return a;
    }

    private static double[] Orthonormal(int rows, int cols, int seed)
    {
        var random = new Random(seed);
        double[] x = Enumerable.Range(0, rows * cols).Select(_ => random.NextDouble() - 0.5).ToArray();
        for (int c = 0; c < cols; c++)
        {
            for (int pass = 0; pass < 2; pass++)
            {
                for (int p = 0; p < c; p++)
                {
                    double dot = 0;
                    for (int i = 0; i < rows; i++)
                    {
                        dot += x[(i * cols) + p] * x[(i * cols) + c];
                    }

                    for (int i = 0; i < rows; i++)
                    {
                        x[(i * cols) + c] -= dot * x[(i * cols) + p];
                    }
                }
            }

            double norm = Math.Sqrt(Enumerable.Range(0, rows).Sum(i => x[(i * cols) + c] * x[(i * cols) + c]));
            for (int i = 0; i < rows; i++)
            {
                x[(i * cols) + c] /= norm;
            }
        }

        return x;
    }
}
