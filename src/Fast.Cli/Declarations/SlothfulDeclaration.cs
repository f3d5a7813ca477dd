using Fast.Cli.CommandLine;
using Fast.Cli.Commands.Slothful;

namespace Fast.Cli.Declarations;

/// <summary><c>fastmerge slothful plan|replay</c>: SlothfulAttention K/V pooling.</summary>
internal static class SlothfulDeclaration
{
    public static CliCommand Create()
    {
        var slothful = new CliCommand("slothful", "SlothfulAttention K/V pooling: the per-layer plan, and replays of reference.py golden files")
        {
            Synopsis = "slothful plan|replay ...",
            Examples = ["fastmerge slothful plan --model sdxl --size 1024x1024"],
        };
        slothful.Subcommands.Add(Plan());
        slothful.Subcommands.Add(Replay());
        return slothful;
    }

    private static CliCommand Plan()
    {
        var command = new CliCommand("plan", "SlothfulAttention K/V pooling per attention layer: windows and token counts per step")
        {
            Synopsis = "slothful plan --model sd15|sdxl|sd2 --size WxH [options]",
            Handler = SlothfulCommand.Plan,
            Examples =
            [
                "fastmerge slothful plan --model sd15 --size 512x768",
                "fastmerge slothful plan --model sdxl --size 1024x1024 --steps 999,500,0 --mode 1D_MAX --k-blend 0.5",
            ],
        };
        SharedOptions.AddTo(
            command,
            CliOptions.Value("--model", "sd15|sdxl|sd2", "the U-Net layout (required)"),
            CliOptions.Value("--size", "WxH", "the image size in pixels (required)"),
            CliOptions.Value("--steps", "999,800,...", "the timesteps (default 999,800,600,400,200,0)"),
            CliOptions.Value("--compat", "fixed|2023|2025", "which SlothfulAttention release to match (default fixed)"),
            CliOptions.Value("--mode", "1D_AVG|1D_MAX|2D_AVG|2D_MAX", "the pooling (default 2D_AVG)"),
            CliOptions.Value("--k-blend", "W", "blend of pooled and unpooled keys, 0 to 1 (default 0)"),
            CliOptions.Value("--v-blend", "W", "blend of pooled and unpooled values, 0 to 1 (default 0)"),
            CliOptions.Value("--peak-time", "P", "the step fraction where pooling peaks"),
            CliOptions.Value("--time-decay", "D", "how fast pooling falls off away from the peak"),
            CliOptions.Value("--in-slothful", "S", "pooling strength of the input blocks"),
            CliOptions.Value("--out-slothful", "S", "pooling strength of the output blocks"),
            CliOptions.Value("--in-depth-decay", "D", "fall-off with depth in the input blocks"),
            CliOptions.Value("--out-depth-decay", "D", "fall-off with depth in the output blocks"));
        return command;
    }

    private static CliCommand Replay()
    {
        var command = new CliCommand("replay", "recompute a reference.py golden file's cases and schedule tables (for --check)")
        {
            Synopsis = "slothful replay GOLDEN -o OUT [options]",
            Handler = SlothfulCommand.Replay,
            Examples = ["fastmerge slothful replay golden.safetensors -o replayed.safetensors"],
        };
        command.Arguments.Add(CliOptions.Positionals("GOLDEN", "the golden file reference.py wrote", max: 1));
        SharedOptions.AddTo(
            command,
            SharedOptions.Output("the recomputed file (required)"),
            CliOptions.Value("--lerp", "fused|unfused", "how lerp rounds: one fused step or PyTorch's two (default fused)"),
            SharedOptions.Threads("all cores"),
            CliOptions.Value("--device", "cpu|gpu|ilgpu-cpu", "where it runs (default cpu)"),
            SharedOptions.Overwrite());
        return command;
    }
}
