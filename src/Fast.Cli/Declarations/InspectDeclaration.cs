using Fast.Cli.CommandLine;
using Fast.Cli.Commands;

namespace Fast.Cli.Declarations;

internal static class InspectDeclaration
{
    public static CliCommand Create()
    {
        var command = new CliCommand("inspect", "tensor count, dtypes, sizes and metadata of a safetensors file or PyTorch checkpoint")
        {
            Synopsis = "inspect FILE [--json] [--lineage] [--no-mmap]",
            Handler = InspectCommand.Run,
            Examples = ["fastmerge inspect model.safetensors", "fastmerge inspect merged.safetensors --lineage"],
        };
        command.Arguments.Add(CliOptions.Positionals("FILE", "the model file", max: 1));
        SharedOptions.AddTo(
            command,
            SharedOptions.Json("the report"),
            CliOptions.Flag("--lineage", "the merge history the file records (A1111's sd_merge_models), as a tree"),
            SharedOptions.NoMmap());
        return command;
    }
}
