using Fast.Kernels.Methods;
using Xunit;

namespace Fast.Kernels.Tests.Methods;

/// <summary>
/// The streamed trim (two passes of <see cref="MagnitudeSelection"/> over pieces, then <see cref="MagnitudeTrim.ApplyThreshold"/>
/// piece by piece) keeps bit for bit what <see cref="MagnitudeTrim.KeepLargest"/> keeps on the whole span, and both keep
/// what a sort by (magnitude pattern descending, index ascending) keeps, with heavy ties at the threshold, signed zeros,
/// infinities and NaNs, for small and large (two-level) spans.
/// </summary>
[Trait("Isa", "Core")]
public class MagnitudeSelectionTests
{
    [Theory]
    [InlineData(1000, 0.37, 64)]
    [InlineData(4099, 0.5, 1024)]
    [InlineData(70_001, 0.05, 4096)]
    [InlineData(70_001, 0.999, 12_288)]
    [InlineData(1_200_003, 0.3, 65_536)]
    public void StreamedPiecesKeepTheWholeSpansSet(int n, double density, int piece)
    {
        float[] values = Values(n, seed: n);
        long keep = MagnitudeTrim.KeptCount(density, n);
        float[] whole = (float[])values.Clone();
        MagnitudeTrim.KeepLargest(whole, keep);

        var selection = new MagnitudeSelection(keep);
        for (int pass = 0; pass < MagnitudeSelection.Passes; pass++)
        {
            for (int start = 0; start < n; start += piece)
            {
                selection.Observe(pass, values.AsSpan(start, Math.Min(piece, n - start)));
            }

            selection.EndPass(pass);
        }

        float[] streamed = (float[])values.Clone();
        long equalToKeep = keep - selection.Above;
        for (int start = 0; start < n; start += piece)
        {
            MagnitudeTrim.ApplyThreshold(streamed.AsSpan(start, Math.Min(piece, n - start)), selection.Threshold, ref equalToKeep);
        }

        Assert.Equal(0, equalToKeep);
        Assert.Equal(Bits(whole), Bits(streamed));
        if (n <= 100_000)
        {
            var kept = Enumerable.Range(0, n).OrderByDescending(i => BitConverter.SingleToUInt32Bits(values[i]) & 0x7FFFFFFF).ThenBy(i => i).Take((int)keep).ToHashSet();
            Assert.Equal(Bits([.. values.Select((v, i) => kept.Contains(i) ? v : 0f)]), Bits(whole));
        }
    }

    private static float[] Values(int n, int seed)
    {
        // Rounded to one decimal: thousands of equal magnitudes at any threshold.
        var random = new Random(seed);
        float[] values = [.. Enumerable.Range(0, n).Select(_ => (float)Math.Round((random.NextDouble() - 0.5) * 8, 1))];
        float[] special = [0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1e-40f, -1e-40f];
        for (int i = 0; i < n; i += 97)
        {
            values[i] = special[(i / 97) % special.Length];
        }

        return values;
    }

    private static uint[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToUInt32Bits)];
}
