using System.Globalization;
using System.Text.Json;
using Fast.Merging.Architectures;
using Fast.Merging.Blocks;

namespace Fast.Cli.Tests;

/// <summary>
/// <c>fastmerge diff</c> as a user runs it: JSON for scripts, a text table, and an HTML page that headless Chromium renders
/// without console messages, with every block present and labelled with its value, and a screenshot that is not blank.
/// </summary>
public sealed class DiffCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void Json_has_every_block_of_the_layout_and_nothing_on_stderr_when_piped()
    {
        (string a, string b) = Sd1Pair();
        CliRunner.Result r = CliRunner.Run("diff", a, b, "--json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Equal(string.Empty, r.StdErr);
        using JsonDocument doc = JsonDocument.Parse(r.StdOut);
        JsonElement unet = doc.RootElement.GetProperty("sections")[0];
        Assert.Equal("unet", unet.GetProperty("label").GetString());
        Assert.Equal(BlockLayouts.Sd.Blocks.Skip(1), unet.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("name").GetString()));
        foreach (JsonElement g in unet.GetProperty("groups").EnumerateArray())
        {
            Assert.True(g.GetProperty("relative_l2_diff").GetDouble() > 0);
            Assert.InRange(g.GetProperty("cosine").GetDouble(), -1, 1);
            Assert.True(g.GetProperty("max_abs_diff").GetDouble() > 0);
            Assert.True(g.GetProperty("elements").GetInt64() > 0);
        }

        Assert.Equal(["unet", "text_encoder", "vae"], doc.RootElement.GetProperty("sections").EnumerateArray().Select(s => s.GetProperty("label").GetString()));
        Assert.True(doc.RootElement.GetProperty("tensors").GetArrayLength() > 600);
    }

    [Fact]
    public void A_terminal_gets_progress_with_bytes_and_tensors()
    {
        // `script` gives the command a pseudo-terminal, as an interactive shell would.
        (string a, string b) = Sd1Pair();
        string command = $"dotnet '{Path.Combine(AppContext.BaseDirectory, "fastmerge.dll")}' diff '{a}' '{b}'";
        var psi = new System.Diagnostics.ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "-qec", command, "/dev/null" })
        {
            psi.ArgumentList.Add(arg);
        }

        using var p = System.Diagnostics.Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(120_000));
        Assert.Equal(0, p.ExitCode);
        Assert.Matches(@"100\.0%  [0-9.]+ [KMG]iB / [0-9.]+ [KMG]iB  (\d+)/\1 tensors", output);
        Assert.Contains("[unet]", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_report_lists_blocks_and_sections()
    {
        (string a, string b) = Sd1Pair();
        CliRunner.Result r = CliRunner.Run("diff", a, b);
        Assert.True(r.ExitCode == 0, r.StdErr);
        foreach (string expected in new[] { "[unet]", "IN00", "M00", "OUT11", "[text_encoder]", "encoder.layers.11", "[vae]", "decoder.up.0", "total" })
        {
            Assert.Contains(expected, r.StdOut, StringComparison.Ordinal);
        }
    }

    [BrowserFact]
    public void Html_report_renders_in_headless_chromium_with_every_block_and_value()
    {
        HeadlessChromium.Executable();
        (string a, string b) = Sd1Pair();
        string html = _dir.File("report.html");
        CliRunner.Result r = CliRunner.Run("diff", a, b, "--html", html, "--json");
        Assert.True(r.ExitCode == 0, r.StdErr);
        string page = File.ReadAllText(html);
        AssertSelfContained(page);

        using JsonDocument doc = JsonDocument.Parse(r.StdOut);
        HeadlessChromium.Page loaded = HeadlessChromium.Load(html, _dir.File("profile"));
        Assert.Empty(loaded.ConsoleMessages);
        foreach (JsonElement section in doc.RootElement.GetProperty("sections").EnumerateArray())
        {
            foreach (JsonElement g in section.GetProperty("groups").EnumerateArray())
            {
                string name = g.GetProperty("name").GetString()!;
                string value = g.GetProperty("relative_l2_diff").GetDouble().ToString("G4", CultureInfo.InvariantCulture);
                if (section.GetProperty("denoiser").GetBoolean())
                {
                    // The drawn block: its name and its value as the box's text, not only in an attribute.
                    Assert.Contains($"data-block=\"{name}\" data-value=\"{value}\"", loaded.Dom, StringComparison.Ordinal);
                    Assert.Matches($"data-block=\"{name}\"[^>]*>.*?>{name}</text>.*?>{System.Text.RegularExpressions.Regex.Escape(value)}</text>", loaded.Dom);
                }

                // Every group is a table row with its value.
                Assert.Contains($"<td>{name}</td>", loaded.Dom, StringComparison.Ordinal);
                Assert.Contains($">{value}</td>", loaded.Dom, StringComparison.Ordinal);
            }
        }

        string png = Path.Combine(AppContext.BaseDirectory, "diff-report-sd1.png");
        File.Delete(png);
        HeadlessChromium.Screenshot(html, png, _dir.File("profile"), 1400, 1200);
        AssertNotBlank(png);
    }

    [BrowserFact]
    public void Flux_html_draws_every_block_row()
    {
        HeadlessChromium.Executable();
        string a = SyntheticCheckpoint.Write(_dir.File("fa.safetensors"), ArchitectureId.Flux1Dev, "bf16", 1);
        string b = SyntheticCheckpoint.Write(_dir.File("fb.safetensors"), ArchitectureId.Flux1Dev, "bf16", 2);
        string html = _dir.File("flux.html");
        CliRunner.Result r = CliRunner.Run("diff", a, b, "--html", html);
        Assert.True(r.ExitCode == 0, r.StdErr);
        AssertSelfContained(File.ReadAllText(html));
        HeadlessChromium.Page loaded = HeadlessChromium.Load(html, _dir.File("profile"));
        Assert.Empty(loaded.ConsoleMessages);
        foreach (string block in BlockLayouts.Flux.Blocks.Skip(1))
        {
            Assert.Matches($"data-block=\"{System.Text.RegularExpressions.Regex.Escape(block)}\" data-value=\"[0-9.Ee+-]+\"", loaded.Dom);
        }

        string png = Path.Combine(AppContext.BaseDirectory, "diff-report-flux.png");
        File.Delete(png);
        HeadlessChromium.Screenshot(html, png, _dir.File("profile"), 1400, 900);
        AssertNotBlank(png);
    }

    [BrowserFact]
    public void The_console_check_sees_a_console_message()
    {
        // The control for the checks above: a page that logs is caught, so an empty list means the report logged nothing.
        string page = _dir.Write("noisy.html", "<!DOCTYPE html><html><body><script>console.error('diff-test-marker')</script></body></html>"u8.ToArray());
        HeadlessChromium.Page loaded = HeadlessChromium.Load(page, _dir.File("profile"));
        Assert.Contains(loaded.ConsoleMessages, m => m.Contains("diff-test-marker", StringComparison.Ordinal));
    }

    [Fact]
    public void Mixed_architectures_name_both()
    {
        string a = SyntheticCheckpoint.Write(_dir.File("a.safetensors"), ArchitectureId.Sd1, "fp16", 1);
        string b = SyntheticCheckpoint.Write(_dir.File("b.safetensors"), ArchitectureId.Sdxl, "fp16", 2);
        CliRunner.Result r = CliRunner.Run("diff", a, b);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("fastmerge: A is SD1.x, B is SDXL base", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_into_a_missing_folder_names_the_folder()
    {
        (string a, string b) = Sd1Pair();
        string html = Path.Combine(_dir.Path, "nodir", "r.html");
        CliRunner.Result r = CliRunner.Run("diff", a, b, "--html", html);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("does not exist", r.StdErr, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_dir.Path, "nodir"), r.StdErr, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    private (string A, string B) Sd1Pair() => (
        SyntheticCheckpoint.Write(_dir.File("a.safetensors"), ArchitectureId.Sd1, "fp16", 1),
        SyntheticCheckpoint.Write(_dir.File("b.safetensors"), ArchitectureId.Sd1, "fp16", 2));

    private static void AssertSelfContained(string page)
    {
        foreach (string external in new[] { "<script", "<link", "src=", "href=", "url(", "@import", "@font-face" })
        {
            Assert.DoesNotContain(external, page, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static void AssertNotBlank(string png)
    {
        Assert.True(File.Exists(png), "chromium wrote no screenshot");
        (int width, int height, uint[] pixels) = PngPixels.Decode(File.ReadAllBytes(png));
        Assert.True(width > 100 && height > 100, $"{width}x{height}");
        int distinct = pixels.Distinct().Count();
        int notWhite = pixels.Count(p => p >> 8 != 0xFFFFFF);
        Assert.True(distinct >= 20, $"only {distinct} distinct colours");
        Assert.True(notWhite > pixels.Length / 100, $"only {notWhite} of {pixels.Length} pixels are not white");

        // The blocks are coloured warm (yellow to red): some pixels are clearly red-dominant.
        Assert.Contains(pixels, p => (p >> 24) > 200 && ((p >> 8) & 0xFF) < 120);
    }
}
