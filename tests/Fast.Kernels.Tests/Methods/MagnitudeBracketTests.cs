using Fast.Kernels.Methods;
using Xunit;

namespace Fast.Kernels.Tests.Methods;

/// <summary>
/// The bracketed select (<see cref="MagnitudeBracket"/>, <see cref="BracketedMagnitudeSelection"/>) against oracles
/// that share none of its code: a scalar loop for the vector scan (every width, via the ISA matrix), the radix select
/// and a sort by magnitude pattern for the threshold and the count above it, and the whole-span trim for the streamed
/// one. Covers NaN, ±∞, −0, subnormals, massive ties at the threshold, all-equal magnitudes (the bracket misses and
/// the fallback decides), keep of 1 and n − 1, density 1, and spans shorter than a vector.
/// </summary>
[Trait("Isa", "Core")]
public class MagnitudeBracketTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(100)]
    [InlineData(4099)]
    public void ScanCountsAndCollectsAsTheScalarLoop(int n)
    {
        float[] values = Values(n, seed: n + 1, rounded: true);
        uint[] patterns = [.. values.Select(Magnitude)];
        uint[] sorted = [.. patterns.Order()];
        var brackets = new List<(uint Low, uint High)> { (0, 0x7FFF_FFFF), (0, 0), (0x7F80_0000, 0x7F80_0000), (0x7FC0_0000, 0x7FFF_FFFF), (1, 0x3F80_0000) };
        if (n > 0)
        {
            brackets.Add((sorted[n / 4], sorted[(3 * n) / 4]));
            brackets.Add((sorted[n / 2], sorted[n / 2]));
        }

        foreach ((uint low, uint high) in brackets)
        {
            long expectedAbove = patterns.LongCount(p => p > high);
            uint[] expectedInside = [.. patterns.Where(p => p >= low && p <= high).Select(p => p - low)];

            long above = 5, collected = 0;
            uint[] room = new uint[n];
            MagnitudeBracket.Scan(values, low, high, ref above, room, ref collected);
            Assert.Equal(expectedAbove + 5, above);
            Assert.Equal(expectedInside.Length, collected);
            Assert.Equal(expectedInside, room[..(int)collected]);

            // Too little room: everything is still counted, the first ones written in index order.
            int small = expectedInside.Length / 2;
            long smallAbove = 0, smallCollected = 0;
            uint[] smallRoom = new uint[small];
            MagnitudeBracket.Scan(values, low, high, ref smallAbove, smallRoom, ref smallCollected);
            Assert.Equal(expectedAbove, smallAbove);
            Assert.Equal(expectedInside.Length, smallCollected);
            Assert.Equal(expectedInside[..small], smallRoom);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(16)]
    [InlineData(23)]
    [InlineData(1031)]
    public void ScanDifferenceIsTheScanOfTheSubtractedValues(int n)
    {
        float[] model = Values(n, seed: n + 2, rounded: true), baseValues = Values(n, seed: n + 3, rounded: false);
        float[] difference = new float[n];
        MethodKernels.Subtract(model, baseValues, difference);
        uint[] sorted = [.. difference.Select(Magnitude).Order()];
        var brackets = new List<(uint Low, uint High)> { (0, 0x7FFF_FFFF), (0x7F80_0000, 0x7FFF_FFFF) };
        if (n > 0)
        {
            brackets.Add((sorted[n / 3], sorted[(2 * n) / 3]));
        }

        foreach ((uint low, uint high) in brackets)
        {
            long above = 0, collected = 0, fusedAbove = 0, fusedCollected = 0;
            uint[] room = new uint[n], fusedRoom = new uint[n];
            MagnitudeBracket.Scan(difference, low, high, ref above, room, ref collected);
            MagnitudeBracket.ScanDifference(model, baseValues, low, high, ref fusedAbove, fusedRoom, ref fusedCollected);
            Assert.Equal(above, fusedAbove);
            Assert.Equal(collected, fusedCollected);
            Assert.Equal(room, fusedRoom);
        }
    }

    [Theory]
    [InlineData(300_007, 0.5, 65_536, false)]
    [InlineData(400_000, 0.02, 100_000, false)]
    [InlineData(400_000, 0.5, 65_536, true)]
    public void StreamedDifferencesKeepTheWholeDifferencesSet(int n, double density, int piece, bool firstPieceUnlikeTheRest)
    {
        float[] model = Values(n, seed: n + 4, rounded: true), baseValues = Values(n, seed: n + 5, rounded: true);
        if (firstPieceUnlikeTheRest)
        {
            // The first piece's differences are 0 (NaN at its ±∞ and NaN specials): its sample brackets nothing of the
            // rest, so passes 1 and 2 decide.
            model.AsSpan(0, piece).CopyTo(baseValues);
        }

        float[] difference = new float[n];
        MethodKernels.Subtract(model, baseValues, difference);
        long keep = MagnitudeTrim.KeptCount(density, n);
        var selection = new BracketedMagnitudeSelection(keep, n);
        float[] scratch = new float[piece];
        for (int pass = 0; pass < selection.Passes; pass++)
        {
            for (int start = 0; start < n; start += piece)
            {
                int count = Math.Min(piece, n - start);
                selection.ObserveDifference(pass, model.AsSpan(start, count), baseValues.AsSpan(start, count), scratch);
            }

            selection.EndPass(pass);
        }

        Assert.Equal(firstPieceUnlikeTheRest ? 3 : 1, selection.Passes);
        AssertKeepsTheWholeSpansSet(difference, keep, piece, selection);
    }

    [Theory]
    [InlineData(65_536, false)]
    [InlineData(70_001, true)]
    [InlineData(300_007, false)]
    [InlineData(300_007, true)]
    public void BracketedThresholdIsTheRadixSelectsAndTheSortedOne(int n, bool rounded)
    {
        float[] values = Values(n, seed: n, rounded);
        uint[] descending = [.. values.Select(Magnitude).OrderDescending()];
        foreach (long keep in new long[] { 1, 2, 17, n / 1000, MagnitudeTrim.KeptCount(0.37, n), MagnitudeTrim.KeptCount(0.5, n), MagnitudeTrim.KeptCount(0.999, n), n - 1 })
        {
            uint threshold = MagnitudeTrim.KthLargestMagnitude(values, keep, out long above);
            uint radix = MagnitudeTrim.RadixSelect(values, keep, out long radixAbove);
            Assert.Equal(descending[keep - 1], threshold);
            Assert.Equal(descending.LongCount(p => p > threshold), above);
            Assert.Equal(radix, threshold);
            Assert.Equal(radixAbove, above);
        }

        // The shortcut is really taken on such data (else this test would only exercise the fallback).
        Assert.True(MagnitudeBracket.TrySelect(values, MagnitudeTrim.KeptCount(0.5, n), out _, out _));
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(0f)]
    [InlineData(float.NaN)]
    public void AllEqualMagnitudesMissTheBracketAndKeepTheFirstIndices(float magnitude)
    {
        const int n = 100_000;
        float[] values = [.. Enumerable.Range(0, n).Select(i => i % 2 == 0 ? magnitude : -magnitude)];
        long keep = MagnitudeTrim.KeptCount(0.5, n);
        Assert.False(MagnitudeBracket.TrySelect(values, keep, out _, out _));

        float[] trimmed = (float[])values.Clone();
        MagnitudeTrim.KeepLargest(trimmed, keep);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(BitConverter.SingleToUInt32Bits(i < keep ? values[i] : 0f), BitConverter.SingleToUInt32Bits(trimmed[i]));
        }
    }

    [Fact]
    public void DensityOneKeepsEverythingAndTinyDensitiesKeepTheLargest()
    {
        const int n = 200_003;
        float[] values = Values(n, seed: 9, rounded: false);
        float[] all = (float[])values.Clone();
        MagnitudeTrim.KeepLargest(all, MagnitudeTrim.KeptCount(1.0, n));
        Assert.Equal(Bits(values), Bits(all));

        foreach (double density in new[] { 1e-6, 1e-5, 1e-3 })
        {
            long keep = MagnitudeTrim.KeptCount(density, n);
            float[] trimmed = (float[])values.Clone();
            MagnitudeTrim.KeepLargest(trimmed, keep);
            Assert.Equal(Bits(SortOracle(values, keep)), Bits(trimmed));
        }
    }

    [Theory]
    [InlineData(300_007, 0.5, 65_536, false)]
    [InlineData(300_007, 0.05, 4096, true)]
    [InlineData(1_000_003, 0.37, 131_072, true)]
    [InlineData(200_000, 0.999, 65_536, false)]
    public void StreamedBracketKeepsTheWholeSpansSetInOnePass(int n, double density, int piece, bool rounded)
    {
        float[] values = Values(n, seed: n + 7, rounded);
        long keep = MagnitudeTrim.KeptCount(density, n);
        BracketedMagnitudeSelection selection = Select(values, keep, piece);
        Assert.Equal(1, selection.Passes);
        AssertKeepsTheWholeSpansSet(values, keep, piece, selection);
    }

    [Fact]
    public void AFirstPieceUnlikeTheRestMissesAndFallsBackToThreePasses()
    {
        // The first piece holds tiny magnitudes only: its sample puts the bracket far below the real k-th largest.
        const int n = 400_000, piece = 65_536;
        float[] values = Values(n, seed: 3, rounded: false);
        for (int i = 0; i < piece; i++)
        {
            values[i] *= 1e-6f;
        }

        long keep = MagnitudeTrim.KeptCount(0.5, n);
        BracketedMagnitudeSelection selection = Select(values, keep, piece);
        Assert.Equal(3, selection.Passes);
        AssertKeepsTheWholeSpansSet(values, keep, piece, selection);
    }

    [Fact]
    public void MassiveTiesAtTheThresholdStreamAsTheWholeSpan()
    {
        // A quarter of the tensor shares the threshold's magnitude: the bracket holds it, and the equal ones kept are
        // the first in index order across pieces.
        const int n = 262_144, piece = 16_384;
        float[] values = Values(n, seed: 11, rounded: false);
        for (int i = 0; i < n; i += 4)
        {
            values[i] = (i & 8) == 0 ? 0.5f : -0.5f;
        }

        foreach (double density in new[] { 0.2, 0.3, 0.6 })
        {
            long keep = MagnitudeTrim.KeptCount(density, n);
            BracketedMagnitudeSelection selection = Select(values, keep, piece);
            AssertKeepsTheWholeSpansSet(values, keep, piece, selection);
        }
    }

    private static BracketedMagnitudeSelection Select(float[] values, long keep, int piece)
    {
        var selection = new BracketedMagnitudeSelection(keep, values.Length);
        for (int pass = 0; pass < selection.Passes; pass++)
        {
            for (int start = 0; start < values.Length; start += piece)
            {
                selection.Observe(pass, values.AsSpan(start, Math.Min(piece, values.Length - start)));
            }

            selection.EndPass(pass);
        }

        return selection;
    }

    private static void AssertKeepsTheWholeSpansSet(float[] values, long keep, int piece, BracketedMagnitudeSelection selection)
    {
        uint radix = MagnitudeTrim.RadixSelect(values, keep, out long radixAbove);
        Assert.Equal(radix, selection.Threshold);
        Assert.Equal(radixAbove, selection.Above);

        float[] streamed = (float[])values.Clone();
        long equalToKeep = keep - selection.Above;
        for (int start = 0; start < values.Length; start += piece)
        {
            MagnitudeTrim.ApplyThreshold(streamed.AsSpan(start, Math.Min(piece, values.Length - start)), selection.Threshold, ref equalToKeep);
        }

        Assert.Equal(0, equalToKeep);
        Assert.Equal(Bits(SortOracle(values, keep)), Bits(streamed));
    }

    /// <summary>What the trim keeps by definition: the first <paramref name="keep"/> indices by (pattern descending, index ascending).</summary>
    private static float[] SortOracle(float[] values, long keep)
    {
        var kept = new bool[values.Length];
        foreach (int i in Enumerable.Range(0, values.Length).OrderByDescending(i => Magnitude(values[i])).ThenBy(i => i).Take((int)keep))
        {
            kept[i] = true;
        }

        return [.. values.Select((v, i) => kept[i] ? v : 0f)];
    }

    private static float[] Values(int n, int seed, bool rounded)
    {
        // Normal-ish values (a sum of uniforms), rounded to one decimal for thousands of equal magnitudes, with
        // specials sprinkled in.
        var random = new Random(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++)
        {
            double x = (random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) * 0.02;
            values[i] = rounded ? (float)Math.Round(x * 1000, 0) / 1000 : (float)x;
        }

        float[] special = [0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1e-40f, -1e-40f, BitConverter.UInt32BitsToSingle(0xFFC0_0001)];
        for (int i = 5; i < n; i += 97)
        {
            values[i] = special[(i / 97) % special.Length];
        }

        return values;
    }

    private static uint Magnitude(float v) => BitConverter.SingleToUInt32Bits(v) & 0x7FFF_FFFF;

    private static uint[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToUInt32Bits)];
}
