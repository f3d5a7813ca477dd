using BenchmarkDotNet.Running;

namespace Fast.Bench;

/// <summary>Runs the BenchmarkDotNet suites: <c>dotnet run -c Release --project bench/Fast.Bench -- --filter '*'</c>.</summary>
internal static class Program
{
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
