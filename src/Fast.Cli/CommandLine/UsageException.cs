namespace Fast.Cli.CommandLine;

/// <summary>A mistake in how the command was invoked (unknown flag, missing value); exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
