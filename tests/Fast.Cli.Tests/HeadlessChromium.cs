using System.Diagnostics;

namespace Fast.Cli.Tests;

/// <summary>
/// Debian's <c>chromium</c> in headless mode: the DOM after load (<c>--dump-dom</c>), a screenshot, and every console
/// message the page produced (Chromium logs them to stderr as <c>:CONSOLE</c> lines with <c>--enable-logging=stderr</c>).
/// Tests that need it are <see cref="BrowserFactAttribute"/>s: reported as skipped, with the install line, on a
/// machine without it (the README's test command needs only the .NET SDK), and required by CI (.ci/run installs it).
/// </summary>
internal static class HeadlessChromium
{
    public sealed record Page(string Dom, IReadOnlyList<string> ConsoleMessages);

    /// <summary>The browser's path, or null where no <c>chromium</c> or <c>chromium-browser</c> is on PATH.</summary>
    public static string? Find()
    {
        foreach (string name in new[] { "chromium", "chromium-browser" })
        {
            foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>The browser's path; fails the test with the install command when there is none.</summary>
    public static string Executable() =>
        Find() ?? throw new Xunit.Sdk.XunitException(
            "headless Chromium is required for the HTML report tests but 'chromium' is not on PATH: apt-get install -y chromium");

    /// <summary>Loads <paramref name="htmlPath"/> and returns the DOM and the console messages.</summary>
    public static Page Load(string htmlPath, string profileDir) =>
        Run(profileDir, "--dump-dom", new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri);

    /// <summary>Loads <paramref name="htmlPath"/> and saves a <paramref name="width"/>×<paramref name="height"/> screenshot.</summary>
    public static Page Screenshot(string htmlPath, string pngPath, string profileDir, int width, int height) =>
        Run(profileDir, $"--screenshot={pngPath}", $"--window-size={width},{height}", new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri);

    private static Page Run(string profileDir, params string[] args)
    {
        var psi = new ProcessStartInfo(Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", $"--user-data-dir={profileDir}", "--enable-logging=stderr", "--v=0" }.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium {string.Join(' ', args)} did not finish in 2 minutes");
        }

        Assert.True(p.ExitCode == 0, $"chromium exited {p.ExitCode}: {stderr.Result}");
        List<string> console = [.. stderr.Result.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal))];
        return new Page(stdout.Result, console);
    }
}

/// <summary>
/// A test that renders a page in headless Chromium (<see cref="HeadlessChromium"/>). Where no browser is on PATH it is
/// reported as skipped, naming the package, so the README's test command passes on a machine with only the .NET SDK
/// and says what it left out. CI installs Chromium and sets FASTMERGE_REQUIRE_BROWSER_TESTS=1 (.ci/run): there a
/// missing browser is a failure, so the tests cannot drop out of CI unseen.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (HeadlessChromium.Find() is null && Environment.GetEnvironmentVariable("FASTMERGE_REQUIRE_BROWSER_TESTS") != "1")
        {
            Skip = "needs headless Chromium, which is not on PATH here (apt-get install -y chromium); .ci/run installs it and requires these tests";
        }
    }
}
