using BenchmarkDotNet.Running;

namespace Fast.Bench;

/// <summary>
/// Runs the BenchmarkDotNet suites: <c>dotnet run -c Release --project bench/Fast.Bench -- --filter '*'</c>;
/// <c>-- filters-compare</c> prints the plain timings bench/filters_vs_scipy.py compares with scipy;
/// <c>-- slothful-compare [THREADS]</c> the SlothfulAttention pooling timings bench/slothful_vs_torch.py compares with torch;
/// <c>-- slothful-micro [SECONDS [SHAPE]]</c> single-thread pooling against a memcpy of the same bytes, interleaved;
/// <c>-- slothful-compare-gpu</c> the same on the first CUDA device (<c>slothful_vs_torch.py --cuda</c>);
/// <c>-- plusrandom-micro [SECONDS]</c> calcmode plus random's draw and add against fp16 weighted sum, one thread, interleaved;
/// <c>-- widen-micro [SECONDS [BASELINE_FAST_KERNELS_DLL]]</c> binary16 ↔ binary32 widening and narrowing, one thread, against another build's;
/// <c>-- ties-micro [SECONDS [BASELINE_FAST_KERNELS_DLL]]</c> TIES' fused pass and sign election, one thread, against another build's.
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
            Attention.SlothfulComparison.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 0);
            return;
        }

        if (args is ["slothful-micro", ..])
        {
            Attention.SlothfulMicro.Run(
                args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1.0,
                args.Length > 2 ? args[2] : string.Empty);
            return;
        }

        if (args is ["slothful-compare-gpu", ..])
        {
            Attention.SlothfulGpuComparison.Run();
            return;
        }

        if (args is ["plusrandom-micro", ..])
        {
            Randomness.PlusRandomMicro.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5.0);
            return;
        }

        if (args is ["widen-micro", ..])
        {
            Conversion.WidenMicro.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3.0, args.Length > 2 ? args[2] : string.Empty);
            return;
        }

        if (args is ["ties-micro", ..])
        {
            Kernels.TiesCombineMicro.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5.0, args.Length > 2 ? args[2] : string.Empty);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
