using Fast.Cli.CommandLine;
using Fast.Cli.Commands;

namespace Fast.Cli.Declarations;

internal static class DemoDeclaration
{
    public static CliCommand Create()
    {
        var command = new CliCommand("demo", "generate three SD1.5-layout checkpoints, merge them (block-weighted add difference) and repair their position ids")
        {
            Synopsis = "demo [--dir DIR] [--scale N]",
            Handler = DemoCommand.Run,
            Examples = ["fastmerge demo", "fastmerge demo --dir /tmp/fm-demo --scale 4"],
        };
        SharedOptions.AddTo(
            command,
            CliOptions.Value("--dir", "DIR", "where the demo files go (default: the temp folder's fastmerge-demo)"),
            CliOptions.Value("--scale", "N", "shrink every tensor by N (1 to 64, default 8)"));
        return command;
    }
}
