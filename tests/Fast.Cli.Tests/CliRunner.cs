using System.Diagnostics;

namespace Fast.Cli.Tests;

/// <summary>Runs the real <c>fastmerge</c> executable in a child process, as a user would.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static Result Run(params string[] args) => Run(TimeSpan.FromMinutes(2), args);

    public static Result Run(TimeSpan timeout, params string[] args) => Run(timeout, new Dictionary<string, string?>(), args);

    /// <summary>Runs with <paramref name="environment"/> added to the scrubbed environment of <see cref="StartInfo"/>.</summary>
    public static Result Run(TimeSpan timeout, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using Process p = Process.Start(StartInfo(environment, args))!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"fastmerge {string.Join(' ', args)} did not finish in {timeout}");
        }

        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// <c>dotnet fastmerge.dll ARGS</c> with stdout/stderr redirected. Job-array variables are removed first (a test run
    /// inside a Slurm or Kubernetes job must not shard the tests' bulk runs), then <paramref name="environment"/> is applied.
    /// </summary>
    public static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fastmerge.dll"));
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (string name in psi.Environment.Keys.Where(k => k.StartsWith("SLURM_ARRAY_", StringComparison.Ordinal)
            || k is "JOB_COMPLETION_INDEX" or "FASTMERGE_SHARD_COUNT").ToList())
        {
            psi.Environment.Remove(name);
        }

        foreach ((string name, string? value) in environment)
        {
            psi.Environment[name] = value;
        }

        return psi;
    }
}
