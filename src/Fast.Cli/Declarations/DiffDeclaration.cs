using Fast.Cli.CommandLine;
using Fast.Cli.Commands;

namespace Fast.Cli.Declarations;

internal static class DiffDeclaration
{
    public static CliCommand Create()
    {
        var command = new CliCommand("diff", "where two models differ: L2, relative L2, cosine and max |B - A| per block, layer and tensor")
        {
            Synopsis = "diff A B [--json] [--html REPORT.html] [options]",
            Handler = DiffCommand.Run,
            Examples = ["fastmerge diff A.safetensors B.safetensors", "fastmerge diff A.safetensors B.safetensors --html report.html"],
            Notes = "--html writes one self-contained page with the U-Net (or transformer) blocks drawn and coloured by difference (docs/diff.md).",
        };
        command.Arguments.Add(CliOptions.Positionals("A B", "the two models", max: 2));
        SharedOptions.AddTo(
            command,
            SharedOptions.Json("the statistics"),
            CliOptions.Value("--html", "REPORT.html", "also write the report as one self-contained HTML page"),
            CliOptions.Value("--device", "cpu|gpu", "where the statistics are computed (default cpu)"),
            SharedOptions.Threads(),
            SharedOptions.Overwrite());
        return command;
    }
}
