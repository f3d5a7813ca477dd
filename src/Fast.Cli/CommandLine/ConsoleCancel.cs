namespace Fast.Cli.CommandLine;

/// <summary>The Ctrl+C token of this process, so long commands stop cleanly and leave no partial output.</summary>
internal static class ConsoleCancel
{
    public static CancellationToken Token { get; set; }
}
