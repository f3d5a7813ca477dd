using Fast.Cli.CommandLine;
using Fast.Cli.Commands;

namespace Fast.Cli.Declarations;

internal static class ExtractDeclaration
{
    public static CliCommand Create()
    {
        var command = new CliCommand("extract", "write one component of a model as its own file")
        {
            Synopsis = "extract FILE --component unet|vae|clip -o OUT [--overwrite]",
            Handler = ExtractCommand.Run,
            Examples = ["fastmerge extract model.safetensors --component vae -o vae.safetensors"],
        };
        command.Arguments.Add(CliOptions.Positionals("FILE", "the model", max: 1));
        SharedOptions.AddTo(
            command,
            CliOptions.Value("--component", "unet|vae|clip", "the component to write (required)"),
            SharedOptions.Output("the component's file (required)"),
            SharedOptions.Overwrite(),
            SharedOptions.NoMmap());
        return command;
    }
}
