using System.Diagnostics;
using System.Globalization;
using Fast.Kernels.Filters;

namespace Fast.Bench.Filters;

/// <summary>
/// BenchmarkDotNet-free timing used by bench/filters_vs_scipy.py: prints one line per shape and filter,
/// "filters-compare SHAPE FILTER NS_PER_ELEMENT", best of several runs after warm-up, all cores.
/// Hook (Program.Main): <c>if (args is ["filters-compare", ..]) { Filters.FilterComparison.Run(); return; }</c>
/// </summary>
public static class FilterComparison
{
    public static void Run()
    {
        foreach (int[] shape in FilterShapes.All)
        {
            float[] input = FilterShapes.Input(shape);
            var median = new float[input.Length];
            var output = new float[input.Length];
            Report(shape, "median", input.Length, () => MedianFilter.Apply(input, median, shape));
            Report(shape, "gaussian", input.Length, () => GaussianFilter.Apply(input, output, shape));
            // What smoothAdd runs: the fused pair (the median's rows feed the Gaussian directly).
            Report(shape, "smooth", input.Length, () => SmoothingFilter.Apply(input, output, median, shape));
        }
    }

    private static void Report(int[] shape, string filter, int elements, Action run)
    {
        for (int i = 0; i < 3; i++)
        {
            run();
        }

        // Repeat until ~0.3 s per sample so tiny shapes are not timer noise; keep the best of 5 samples.
        var clock = Stopwatch.StartNew();
        int reps = 0;
        while (clock.Elapsed.TotalSeconds < 0.05)
        {
            run();
            reps++;
        }

        reps = Math.Max(1, (int)(reps * 0.3 / clock.Elapsed.TotalSeconds));
        double best = double.MaxValue;
        for (int sample = 0; sample < 5; sample++)
        {
            clock.Restart();
            for (int r = 0; r < reps; r++)
            {
                run();
            }

            best = Math.Min(best, clock.Elapsed.TotalSeconds * 1e9 / reps / elements);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"filters-compare {FilterShapes.Name(shape)} {filter} {best:F3}"));
    }
}
