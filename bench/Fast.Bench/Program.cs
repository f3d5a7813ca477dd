using BenchmarkDotNet.Running;

namespace Fast.Bench;

/// <summary>
/// Runs the BenchmarkDotNet suites: <c>dotnet run -c Release --project bench/Fast.Bench -- --filter '*'</c>;
/// <c>-- filters-compare</c> prints the plain timings bench/filters_vs_scipy.py compares with scipy.
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

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
