using Fast.Cli.CommandLine;
using Fast.Cli.Commands;

namespace Fast.Cli.Declarations;

internal static class HashDeclaration
{
    public static CliCommand Create()
    {
        var command = new CliCommand("hash", "sha256, AutoV2, legacy hash (AutoV1) and a content hash per component")
        {
            Synopsis = "hash FILE [--json]",
            Handler = HashCommand.Run,
            Examples = ["fastmerge hash model.safetensors"],
        };
        command.Arguments.Add(CliOptions.Positionals("FILE", "the model file", max: 1));
        SharedOptions.AddTo(command, SharedOptions.Json("the hashes"));
        return command;
    }
}
