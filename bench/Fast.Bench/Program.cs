using BenchmarkDotNet.Running;

namespace Fast.Bench;

/// <summary>
/// Runs the BenchmarkDotNet suites: <c>dotnet run -c Release --project bench/Fast.Bench -- --filter '*'</c>;
/// <c>-- filters-compare</c> prints the plain timings bench/filters_vs_scipy.py compares with scipy;
/// <c>-- slothful-compare</c> the SlothfulAttention pooling timings bench/slothful_vs_torch.py compares with torch;
/// <c>-- slothful-compare-gpu</c> the same on the first CUDA device (<c>slothful_vs_torch.py --cuda</c>).
/// </summary>
internal static class Program
{
    private static void Main(string[] args)
    {
        if (args is ["filters-compare", ..])
        {
            Filters.FilterComparison.Run();
            return;
        }

        if (args is ["slothful-compare", ..])
        {
            Attention.SlothfulComparison.Run();
            return;
        }

        if (args is ["slothful-compare-gpu", ..])
        {
            Attention.SlothfulGpuComparison.Run();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
