namespace Fast.Cli.Tests;

/// <summary>The merge summary shows every block's applied value and a one-line note for weights that are rarely meant.</summary>
public sealed class MergeNotesCliTests : IClassFixture<SyntheticModels>, IDisposable
{
    private readonly SyntheticModels _models;
    private readonly TempDir _dir = new();

    public MergeNotesCliTests(SyntheticModels models) => _models = models;

    [Fact]
    public void Alpha_outside_zero_one_gets_a_note()
    {
        string text = Merge(_models.Sd1A, _models.Sd1B, "--alpha", "1.5");
        Assert.Contains("note: alpha 1.5 is outside [0, 1]", text, StringComparison.Ordinal);
        Assert.DoesNotContain("block alpha", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_25_value_list_is_shown_expanded_with_a_note_on_base()
    {
        string list = string.Join(',', Enumerable.Range(0, 25).Select(i => (i % 2 == 0 ? "1" : "0.25")));
        string text = Merge(_models.Sd1A, _models.Sd1B, "--alpha", "0.3", "--weights-alpha", list);
        Assert.Contains("block alpha    BASE 0.3, IN00 1, IN01 0.25, IN02 1", text, StringComparison.Ordinal);
        Assert.Contains("OUT11 1", text, StringComparison.Ordinal);
        Assert.Contains("note: the alpha list has no BASE value (25 values); BASE (text encoder, VAE) took alpha 0.3", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_preset_is_shown_as_its_values_and_values_over_one_get_a_note()
    {
        string text = Merge(_models.Sd1A, _models.Sd1B, "--weights-alpha", "GRAD_V");
        Assert.Contains("block alpha    BASE ", text, StringComparison.Ordinal);
        Assert.Contains("M00 ", text, StringComparison.Ordinal);

        string over = Merge(_models.Sd1A, _models.Sd1B, "--weights-alpha", "0.5," + string.Join(',', Enumerable.Repeat("1.2", 25)));
        Assert.Contains("note: alpha is outside [0, 1] in 25 block(s) (IN00 1.2, IN01 1.2, IN02 1.2, IN03 1.2, …)", over, StringComparison.Ordinal);
    }

    [Fact]
    public void A_26_value_list_on_sdxl_is_converted_with_a_note()
    {
        string sdxlA = SyntheticCheckpoint.Write(_dir.File("xa.safetensors"), Fast.Merging.Architectures.ArchitectureId.Sdxl, "fp16", 7);
        string list = string.Join(',', Enumerable.Range(0, 26).Select(i => (i / 100.0).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        string text = Merge(sdxlA, _models.SdxlB, "--weights-alpha", list);
        Assert.Contains("note: the 26-value alpha list is a SD list; it was converted to SDXL's 20 blocks", text, StringComparison.Ordinal);

        // IN09–IN11 (0.1–0.12) dropped: M00 takes the SD list's M00 (0.13), OUT00 its OUT00 (0.14).
        Assert.Contains("IN08 0.09, M00 0.13, OUT00 0.14", text, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    private string Merge(string a, string b, params string[] flags)
    {
        string output = _dir.File($"m{Guid.NewGuid():N}.safetensors");
        CliRunner.Result r = CliRunner.Run(["merge", "-a", a, "-b", b, "-o", output, "--no-fsync", "--no-output-hash", .. flags]);
        Assert.True(r.ExitCode == 0, r.StdErr);
        return r.StdOut;
    }
}
