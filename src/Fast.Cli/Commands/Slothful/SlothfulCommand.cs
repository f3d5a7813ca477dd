using System.Globalization;
using Fast.Cli.CommandLine;
using Fast.Kernels.Attention;

namespace Fast.Cli.Commands.Slothful;

/// <summary>
/// <c>fastmerge slothful replay G.safetensors -o OUT.safetensors [--lerp fused|unfused] [--threads N] [--overwrite]</c>
/// and <c>fastmerge slothful plan --model sd15|sdxl|sd2 --size WxH [--steps 999,800,...] [--compat fixed|2023|2025] ...</c>.
/// </summary>
internal static class SlothfulCommand
{
    internal static int Replay(string[] args)
    {
        var reader = new ArgumentReader("slothful replay", args, new HashSet<string> { "--overwrite" });
        string output = reader.Required("-o", "--output");
        LerpPolicy lerp = reader.Choice("--lerp", LerpPolicy.Fused, new Dictionary<string, LerpPolicy> { ["fused"] = LerpPolicy.Fused, ["unfused"] = LerpPolicy.Unfused });
        int threads = reader.Int("--threads", 0, min: 0, max: 1024);
        bool overwrite = reader.Flag("--overwrite");
        string device = reader.Value("--device") ?? "cpu";
        reader.EnsureAllConsumed(maxPositionals: 1);
        if (reader.Positionals.Count != 1)
        {
            throw new UsageException("slothful replay: expected one golden FILE");
        }

        // cpu: the SIMD kernels. gpu: the ILGPU kernels on CUDA. ilgpu-cpu: the same ILGPU kernels on ILGPU's CPU
        // accelerator, so CI checks them against the goldens on machines without a GPU.
        ISlothfulPoolDevice? gpu = device switch
        {
            "cpu" => null,
            "gpu" => DeviceBackend.OpenSlothfulPool(cuda: true, device),
            "ilgpu-cpu" => DeviceBackend.OpenSlothfulPool(cuda: false, device),
            _ => throw new UsageException($"slothful replay: unknown --device {device}; use cpu, gpu or ilgpu-cpu"),
        };

        SlothfulReplay.Result r;
        using (gpu)
        {
            r = SlothfulReplay.Run(reader.Positionals[0], output, lerp, threads, overwrite, gpu);
        }

        Console.Out.WriteLine($"wrote {output}: {r.Cases} cases, {r.Tables} schedule tables, {r.Tensors} tensors (lerp {(lerp == LerpPolicy.Fused ? "fused" : "unfused")})");
        return ExitCodes.Ok;
    }

    internal static int Plan(string[] args)
    {
        var reader = new ArgumentReader("slothful plan", args, new HashSet<string>());
        string modelName = reader.Required("--model");
        if (!SlothfulModel.BuiltIn.TryGetValue(modelName, out SlothfulModel? model))
        {
            throw new UsageException($"slothful plan: unknown model '{modelName}' (expected sd15, sdxl or sd2)");
        }

        (int width, int height) = ParseSize(reader.Required("--size"));
        int[] steps = ParseSteps(reader.Value("--steps") ?? "999,800,600,400,200,0");
        SlothfulCompat compat = SlothfulNames.ParseCompat(reader.Value("--compat") ?? "fixed");
        SlothfulMode mode = SlothfulNames.ParseMode(reader.Value("--mode") ?? "2D_AVG");
        var d = new SlothfulSettings();
        double kb = reader.Double("--k-blend", 0), vb = reader.Double("--v-blend", 0);
        var settings = new SlothfulSettings
        {
            PeakTime = reader.Double("--peak-time", d.PeakTime),
            TimeDecay = reader.Double("--time-decay", d.TimeDecay),
            In = new SlothfulSide(mode, reader.Double("--in-depth-decay", d.In.DepthDecay), reader.Double("--in-slothful", d.In.Slothful), kb, vb),
            Out = new SlothfulSide(mode, reader.Double("--out-depth-decay", d.Out.DepthDecay), reader.Double("--out-slothful", d.Out.Slothful), kb, vb),
        };
        reader.EnsureAllConsumed(maxPositionals: 0);
        settings.Validate();
        if (width % 8 != 0 || height % 8 != 0)
        {
            throw new UsageException($"slothful plan: --size {width}x{height}: width and height must be multiples of 8 (latent = pixels / 8)");
        }

        int lh = height / 8, lw = width / 8;
        Console.Out.WriteLine($"{modelName} {width}x{height} (latent {lw}x{lh}), {SlothfulNames.ModeName(mode)}, compat {compat}, blends k={kb.ToString(CultureInfo.InvariantCulture)} v={vb.ToString(CultureInfo.InvariantCulture)}");
        Console.Out.WriteLine("    t  side  ds  grid      C     N      stride   window  M      M/N");
        foreach (int t in steps)
        {
            double tr = SlothfulSchedule.TimeRatio(settings.PeakTime, settings.TimeDecay, t);
            foreach (SlothfulBlock block in (ReadOnlySpan<SlothfulBlock>)[SlothfulBlock.Input, SlothfulBlock.Output])
            {
                foreach (SlothfulLevel level in model.Levels)
                {
                    (int th, int tw) = SlothfulSchedule.TrueGrid(lh, lw, level.Downsample);
                    SlothfulGrid grid = compat == SlothfulCompat.Fixed ? SlothfulGrid.Host(th, tw) : SlothfulGrid.Latent(lh, lw);
                    string gridText = $"{th}x{tw}";
                    string line;
                    try
                    {
                        SlothfulPlan p = SlothfulPlan.ForLayer(settings, block, level.Channels, model.ModelChannels, level.Heads, tr, th * tw, grid, compat);
                        string window = !p.Pooled ? "-" : SlothfulNames.Is1D(mode) ? $"s{p.S}" : $"{p.Sy}x{p.Sx}";
                        line = $"{p.Stride,10:F4}   {window,-6}  {p.M,-6} {100.0 * p.M / p.N,5:F1}%{(p.UseShortcut ? " (shortcut)" : string.Empty)}";
                    }
                    catch (SlothfulException ex)
                    {
                        line = $"error: {ex.Message}";
                    }

                    string side = block == SlothfulBlock.Input ? "in" : "out";
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{t,5}  {side,-4}  {level.Downsample,2}  {gridText,-8} {level.Channels,5} {th * tw,6} {line}"));
                }
            }
        }

        return ExitCodes.Ok;
    }

    private static (int Width, int Height) ParseSize(string text)
    {
        string[] parts = text.Split('x');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int h)
            && w > 0 && h > 0)
        {
            return (w, h);
        }

        throw new UsageException($"slothful plan: --size '{text}' is not WIDTHxHEIGHT in pixels");
    }

    private static int[] ParseSteps(string text)
    {
        var steps = new List<int>();
        foreach (string part in text.Split(','))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int t) || t > 999)
            {
                throw new UsageException($"slothful plan: --steps '{text}': each step is a timestep index 0..999");
            }

            steps.Add(t);
        }

        return [.. steps];
    }
}
