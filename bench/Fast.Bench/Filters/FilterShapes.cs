namespace Fast.Bench.Filters;

/// <summary>The acceptance shapes of the smoothAdd filters and their seeded inputs.</summary>
internal static class FilterShapes
{
    public static readonly int[][] All = [[320, 320, 3, 3], [1280, 1280], [1280]];

    public static string Name(int[] shape) => $"[{string.Join(",", shape)}]";

    public static float[] Input(int[] shape)
    {
        var rng = new Random(12345);
        var x = new float[shape.Aggregate(1, (p, n) => p * n)];
        for (int i = 0; i < x.Length; i++)
        {
            // Normal-ish differences (sum of uniforms), like B − C weight deltas.
            x[i] = (float)((rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 1.5) * 0.01);
        }

        return x;
    }
}
