using Fast.Cli.CommandLine;
using Fast.Cli.Commands;

namespace Fast.Cli.Declarations;

internal static class PresetsDeclaration
{
    public static CliCommand Create()
    {
        var command = new CliCommand("presets", "the block-weight presets --weights-alpha/--weights-beta take by name (GRAD_V, FLAT_25, ...), with their values")
        {
            Synopsis = "presets [--json]",
            Handler = PresetsCommand.Run,
            Examples = ["fastmerge presets"],
        };
        SharedOptions.AddTo(command, SharedOptions.Json("the presets"));
        return command;
    }
}
