namespace Fast.Cli.Tests;

/// <summary>
/// Small synthetic checkpoints written once per test class by <c>fastmerge synth</c> (scale 1/64, so each is a few
/// hundred KiB): SD1 A/B/C in fp16/bf16/fp32 and an SDXL model for architecture mismatches.
/// </summary>
public sealed class SyntheticModels : IDisposable
{
    private readonly TempDir _dir = new();

    public SyntheticModels()
    {
        Sd1A = Synth("sd1-a", "sd1", "fp16", 1);
        Sd1B = Synth("sd1-b", "sd1", "bf16", 2);
        Sd1C = Synth("sd1-c", "sd1", "fp32", 3);
        SdxlB = Synth("sdxl-b", "sdxl", "fp16", 4);
    }

    public string Sd1A { get; }

    public string Sd1B { get; }

    public string Sd1C { get; }

    public string SdxlB { get; }

    public void Dispose() => _dir.Dispose();

    private string Synth(string name, string arch, string dtype, int seed)
    {
        string path = _dir.File(name + ".safetensors");
        var r = CliRunner.Run("synth", "--arch", arch, "--scale", "64", "--dtype", dtype, "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", path);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"synth {name} failed ({r.ExitCode}): {r.StdErr}");
        }

        return path;
    }
}
