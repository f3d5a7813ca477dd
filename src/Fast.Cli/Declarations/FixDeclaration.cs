using Fast.Cli.CommandLine;
using Fast.Cli.Commands;

namespace Fast.Cli.Declarations;

internal static class FixDeclaration
{
    public static CliCommand Create()
    {
        var command = new CliCommand("fix", "write a repaired copy of a model (the input is never written)")
        {
            Synopsis = "fix FILE -o OUT [options]",
            Handler = FixCommand.Run,
            Examples = ["fastmerge fix broken.safetensors -o fixed.safetensors", "fastmerge fix model.safetensors --prune --dtype fp16 --vae vae.safetensors -o model-fp16.safetensors"],
        };
        command.Arguments.Add(CliOptions.Positionals("FILE", "the model to repair", max: 1));
        SharedOptions.AddTo(
            command,
            SharedOptions.Output("the repaired copy (required)"),
            CliOptions.Value("--position-ids", "reset|keep", "the text encoder's position ids (default reset)"),
            CliOptions.Flag("--prune", "drop the EMA copy and the keys no loader uses"),
            SharedOptions.DType(),
            CliOptions.Value("--vae", "FILE", "replace the VAE with this file's"),
            CliOptions.Value("--clip", "FILE", "replace the text encoder with this file's"),
            CliOptions.Flag("--rename-nai", "rename NovelAI-style keys to the standard names"),
            CliOptions.Flag("--nan-to-num", "replace NaN with 0 and ±Inf with the largest finite value"),
            SharedOptions.Overwrite(),
            SharedOptions.NoMmap());
        return command;
    }
}
