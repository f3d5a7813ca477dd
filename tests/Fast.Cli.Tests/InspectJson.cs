using System.Text.Json;

namespace Fast.Cli.Tests;

/// <summary>Runs <c>fastmerge inspect FILE --json</c> and parses what it prints.</summary>
internal static class InspectJson
{
    public static JsonDocument Of(string path)
    {
        var r = CliRunner.Run("inspect", path, "--json");
        Assert.True(r.ExitCode == 0, $"inspect {path} exited {r.ExitCode}: {r.StdErr}");
        return JsonDocument.Parse(r.StdOut);
    }
}
