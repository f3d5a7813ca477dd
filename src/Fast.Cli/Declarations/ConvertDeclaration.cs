using Fast.Cli.CommandLine;
using Fast.Cli.Commands;

namespace Fast.Cli.Declarations;

internal static class ConvertDeclaration
{
    public static CliCommand Create()
    {
        var command = new CliCommand("convert", "a PyTorch .ckpt/.pt/.pth/.bin (read without running its pickle) written as safetensors")
        {
            Synopsis = "convert FILE -o OUT [--dtype TYPE] [--prune] [--overwrite]",
            Handler = ConvertCommand.Run,
            Examples = ["fastmerge convert model.ckpt -o model.safetensors", "fastmerge convert model.ckpt --prune --dtype fp16 -o model-fp16.safetensors"],
        };
        command.Arguments.Add(CliOptions.Positionals("FILE", "the PyTorch checkpoint", max: 1));
        SharedOptions.AddTo(
            command,
            SharedOptions.Output("the safetensors file (required)"),
            SharedOptions.DType(),
            CliOptions.Flag("--prune", "drop the EMA copy and the keys no loader uses"),
            SharedOptions.Overwrite(),
            SharedOptions.NoMmap());
        return command;
    }
}
