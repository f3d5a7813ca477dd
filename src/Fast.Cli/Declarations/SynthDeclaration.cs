using Fast.Cli.CommandLine;
using Fast.Cli.Commands;

namespace Fast.Cli.Declarations;

internal static class SynthDeclaration
{
    public static CliCommand Create()
    {
        var command = new CliCommand("synth", "write a synthetic checkpoint with the real key names and shapes")
        {
            Synopsis = "synth --arch ARCH -o OUT [options]",
            Handler = SynthCommand.Run,
            Examples = ["fastmerge synth --arch sd1 -o sd1.safetensors", "fastmerge synth --arch sdxl --scale 8 --seed 3 --ema -o small-sdxl.safetensors"],
        };
        SharedOptions.AddTo(
            command,
            CliOptions.Value("--arch", "sd1|sd1-inpaint|sd2|sdxl|flux|sd3|sd3.5", "the architecture (required)"),
            SharedOptions.Output("the output file (required)"),
            CliOptions.Value("--scale", "N", "shrink every tensor by N (1 to 64, default 1)"),
            CliOptions.Value("--dtype", "fp16|bf16|fp32", "the tensors' type (default fp16)"),
            CliOptions.Value("--seed", "S", "seed of the random values (default 0)"),
            CliOptions.Flag("--ema", "add the EMA copy of the U-Net"),
            CliOptions.Flag("--junk", "add keys real checkpoints carry that a model does not need"),
            CliOptions.Flag("--scheduler", "add the scheduler buffers (betas, alphas_cumprod, …)"),
            SharedOptions.Overwrite());
        return command;
    }
}
