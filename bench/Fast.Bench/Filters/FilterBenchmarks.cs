using BenchmarkDotNet.Attributes;
using Fast.Kernels.Filters;

namespace Fast.Bench.Filters;

/// <summary>smoothAdd median and Gaussian on the acceptance shapes; divide Mean by <see cref="Elements"/> for ns/element.</summary>
[MemoryDiagnoser]
public class FilterBenchmarks
{
    private float[] _input = [];
    private float[] _median = [];
    private float[] _output = [];

    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "";

    public static IEnumerable<string> Shapes() => FilterShapes.All.Select(FilterShapes.Name);

    public int Elements => _input.Length;

    private int[] Dims => FilterShapes.All.First(s => FilterShapes.Name(s) == Shape);

    [GlobalSetup]
    public void Setup()
    {
        _input = FilterShapes.Input(Dims);
        _median = new float[_input.Length];
        _output = new float[_input.Length];
    }

    [Benchmark]
    public void Median() => MedianFilter.Apply(_input, _median, Dims);

    [Benchmark]
    public void Gaussian() => GaussianFilter.Apply(_input, _output, Dims);

    [Benchmark]
    public void SmoothAdd()
    {
        MedianFilter.Apply(_input, _median, Dims);
        GaussianFilter.Apply(_median, _output, Dims);
    }
}
