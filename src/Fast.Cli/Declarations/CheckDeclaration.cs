using Fast.Cli.CommandLine;
using Fast.Cli.Commands;

namespace Fast.Cli.Declarations;

internal static class CheckDeclaration
{
    public static CliCommand Create()
    {
        var command = new CliCommand("check", "the model doctor: architecture, components, missing/unknown keys, position ids, junk, EMA, float64, NaN/Inf, hashes")
        {
            Synopsis = "check FILE|DIR ... [--json] [--no-nan-scan]",
            Handler = CheckCommand.Run,
            Examples = ["fastmerge check model.safetensors", "fastmerge check models/ --json"],
            Notes = "Several files or a folder's *.safetensors in one call (JSON Lines with --json, errors as JSON too). "
                + "Exit 0 when every model is healthy, 1 when one has problems, 2 when one cannot be read.",
        };
        command.Arguments.Add(CliOptions.Positionals("FILE|DIR", "model files, or folders whose *.safetensors are checked", max: 100_000));
        SharedOptions.AddTo(
            command,
            SharedOptions.Json("each report"),
            CliOptions.Flag("--no-nan-scan", "do not read every value looking for NaN/Inf (faster)"));
        return command;
    }
}
