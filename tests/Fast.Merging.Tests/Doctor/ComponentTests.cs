using System.Security.Cryptography;
using Fast.Merging.Doctor;
using Fast.Merging.Hashing;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Doctor;

public sealed class ComponentTests
{
    private const string Vae = "first_stage_model.", Clip = "cond_stage_model.transformer.text_model.", Unet = "model.diffusion_model.";

    [Fact]
    public void A_swapped_vae_is_recognised_by_its_content_hash_and_a_vae_file_bakes_back_byte_identical()
    {
        using var dir = new TempDir();
        var a = TestCheckpoint.Create(seed: 1);
        var b = TestCheckpoint.Create(seed: 2);
        string pathA = TestCheckpoint.Write(dir.File("a.safetensors"), a);
        string pathB = TestCheckpoint.Write(dir.File("b.safetensors"), b);

        // A with B's VAE: the VAE hash follows the VAE, the others stay A's.
        var swapped = a.Where(t => !t.Name.StartsWith(Vae, StringComparison.Ordinal)).Concat(b.Where(t => t.Name.StartsWith(Vae, StringComparison.Ordinal)));
        string pathSwapped = TestCheckpoint.Write(dir.File("swapped.safetensors"), swapped);
        var hashesA = ComponentHashes(pathA);
        var hashesB = ComponentHashes(pathB);
        var hashesSwapped = ComponentHashes(pathSwapped);
        Assert.Equal(hashesB["vae"], hashesSwapped["vae"]);
        Assert.Equal(hashesA["unet"], hashesSwapped["unet"]);
        Assert.Equal(hashesA["text_encoder"], hashesSwapped["text_encoder"]);
        Assert.NotEqual(hashesA["vae"], hashesB["vae"]);

        // Extract A's VAE (bare keys, as VAE files have them) and bake it into the swapped model: back to A, byte for byte.
        string vaeFile = dir.File("a.vae.safetensors");
        Assert.Equal(248, ComponentExtractor.Extract(pathA, ComponentRole.Vae, vaeFile));
        var extracted = TestCheckpoint.Read(vaeFile);
        Assert.All(extracted.Keys, k => Assert.False(k.StartsWith(Vae, StringComparison.Ordinal)));
        CheckReport vaeReport = ModelChecker.Check(vaeFile);
        Assert.Equal(hashesA["vae"], vaeReport.Components.Single(c => c.Label == "vae").ContentHash);

        string repaired = dir.File("repaired.safetensors");
        FixResult result = ModelFixer.Fix(pathSwapped, repaired, new FixOptions { VaePath = vaeFile });
        Assert.Equal(248, result.VaeReplaced);
        AssertSameTensors(a, TestCheckpoint.Read(repaired));
        Assert.Equal(hashesA, ComponentHashes(repaired));

        // The VAE can also come straight from another checkpoint (keys with first_stage_model.).
        string fromCheckpoint = dir.File("from-checkpoint.safetensors");
        ModelFixer.Fix(pathSwapped, fromCheckpoint, new FixOptions { VaePath = pathA });
        AssertSameTensors(a, TestCheckpoint.Read(fromCheckpoint));
    }

    [Fact]
    public void Text_encoder_and_unet_extract_and_rebake_byte_identical()
    {
        using var dir = new TempDir();
        var a = TestCheckpoint.Create(seed: 1);
        var b = TestCheckpoint.Create(seed: 2);
        string pathA = TestCheckpoint.Write(dir.File("a.safetensors"), a);
        string pathB = TestCheckpoint.Write(dir.File("b.safetensors"), b);

        string clipFile = dir.File("b.clip.safetensors");
        Assert.Equal(197, ComponentExtractor.Extract(pathB, ComponentRole.TextEncoder, clipFile));
        var clip = TestCheckpoint.Read(clipFile);
        AssertSameTensors(b.Where(t => t.Name.StartsWith(Clip, StringComparison.Ordinal)), clip);

        // A file holding only a text encoder is located as one, with the same content hash, and is healthy.
        CheckReport clipReport = ModelChecker.Check(clipFile);
        Assert.True(clipReport.IsHealthy, string.Join("; ", clipReport.Problems.Select(p => p.Message)));
        Assert.Equal(ComponentHashes(pathB)["text_encoder"], Assert.Single(clipReport.Components).ContentHash);

        string unetFile = dir.File("a.unet.safetensors");
        Assert.Equal(686, ComponentExtractor.Extract(pathA, ComponentRole.Unet, unetFile));
        AssertSameTensors(a.Where(t => t.Name.StartsWith(Unet, StringComparison.Ordinal)), TestCheckpoint.Read(unetFile));

        // A with B's text encoder, from the extracted file and from B itself.
        var expected = a.Where(t => !t.Name.StartsWith(Clip, StringComparison.Ordinal)).Concat(b.Where(t => t.Name.StartsWith(Clip, StringComparison.Ordinal))).ToList();
        foreach (string source in new[] { clipFile, pathB })
        {
            string output = dir.File(Path.GetFileNameWithoutExtension(source) + ".baked.safetensors");
            FixResult result = ModelFixer.Fix(pathA, output, new FixOptions { ClipPath = source });
            Assert.Equal(197, result.ClipReplaced);
            AssertSameTensors(expected, TestCheckpoint.Read(output));
            Assert.Equal(ComponentHashes(pathB)["text_encoder"], ComponentHashes(output)["text_encoder"]);
        }
    }

    [Fact]
    public void Extracted_components_reassemble_into_the_pruned_checkpoint_byte_for_byte()
    {
        using var dir = new TempDir();
        string full = TestCheckpoint.Write(dir.File("full.safetensors"), TestCheckpoint.Create(ema: true, junk: true));
        string unet = dir.File("unet.safetensors"), vae = dir.File("vae.safetensors"), clip = dir.File("clip.safetensors");
        ComponentExtractor.Extract(full, ComponentRole.Unet, unet);
        ComponentExtractor.Extract(full, ComponentRole.Vae, vae);
        ComponentExtractor.Extract(full, ComponentRole.TextEncoder, clip);

        CheckReport unetOnly = ModelChecker.Check(unet);
        Assert.Equal(
            [CheckProblemKind.MissingKeys, CheckProblemKind.MissingKeys],
            unetOnly.Problems.Select(p => p.Kind));

        string assembled = dir.File("assembled.safetensors"), pruned = dir.File("pruned.safetensors");
        ModelFixer.Fix(unet, assembled, new FixOptions { VaePath = vae, ClipPath = clip });
        ModelFixer.Fix(full, pruned, new FixOptions { Prune = true });
        AssertSameButForFixRecord(pruned, assembled);
        Assert.True(ModelChecker.Check(assembled).IsHealthy);
    }

    // Each fix records its own options (fastmerge.fix); everything else — tensor entries, their order and offsets,
    // the other metadata and every data byte — must match byte for byte.
    private static void AssertSameButForFixRecord(string expectedPath, string actualPath)
    {
        using var expected = SafeTensorsFile.Open(expectedPath);
        using var actual = SafeTensorsFile.Open(actualPath);
        Assert.Equal(
            expected.Tensors.Select(t => (t.Name, t.DType, string.Join(",", t.Shape), t.DataStart, t.ByteLength)),
            actual.Tensors.Select(t => (t.Name, t.DType, string.Join(",", t.Shape), t.DataStart, t.ByteLength)));
        Assert.Equal(expected.Metadata.Where(m => m.Key != "fastmerge.fix"), actual.Metadata.Where(m => m.Key != "fastmerge.fix"));
        Assert.Contains(actual.Metadata, m => m.Key == "fastmerge.fix");
        byte[] e = File.ReadAllBytes(expectedPath), a = File.ReadAllBytes(actualPath);
        Assert.Equal(e.AsSpan((int)expected.DataOffset).ToArray(), a.AsSpan((int)actual.DataOffset).ToArray());
    }

    [Fact]
    public void A_vae_of_another_scale_is_refused_before_anything_is_written()
    {
        using var dir = new TempDir();
        string pathA = TestCheckpoint.Write(dir.File("a.safetensors"), TestCheckpoint.Create());
        var small = Fast.Merging.Synthesis.CheckpointSynthesizer.Plan(new() { Scale = 64 });
        var other = TestCheckpoint.Write(
            dir.File("other.safetensors"),
            small.Tensors.Where(t => t.Name.StartsWith(Vae, StringComparison.Ordinal)).Select(t =>
            {
                var data = new byte[t.ByteSize];
                small.Fill(t, 0, data);
                return new TestTensor(t.Name, Fast.SafeTensors.DType.F16, [.. t.Shape], data);
            }));
        var ex = Assert.Throws<DoctorException>(() => ModelFixer.Fix(pathA, dir.File("out.safetensors"), new FixOptions { VaePath = other }));
        Assert.Contains("--vae", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("out.safetensors")));
    }

    [Fact]
    public void File_hashes_equal_sha256_of_the_file_and_the_a1111_legacy_rule()
    {
        using var dir = new TempDir();
        string path = TestCheckpoint.Write(dir.File("a.safetensors"), TestCheckpoint.Create(ema: true));
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 0x110000);

        ModelHashes hashes = ModelChecker.Check(path).Hashes;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), hashes.Sha256);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(0x100000, 0x10000)))[..8], hashes.LegacyHash);
        Assert.Equal(hashes.Sha256[..10], hashes.AutoV2);
        Assert.Equal(FileHasher.Compute(path), hashes);
    }

    [Fact]
    public void Content_hash_ignores_key_order_and_prefix_but_not_bytes()
    {
        using var dir = new TempDir();
        var a = TestCheckpoint.Create();
        string original = TestCheckpoint.Write(dir.File("a.safetensors"), a);
        var changed = a.ToList();
        TestCheckpoint.Replace(changed, "first_stage_model.decoder.conv_out.bias", t => t with { Data = [.. t.Data.Select((x, i) => i == 0 ? (byte)(x ^ 1) : x)] });
        string flipped = TestCheckpoint.Write(dir.File("flipped.safetensors"), changed);

        var h = ComponentHashes(original);
        var f = ComponentHashes(flipped);
        Assert.NotEqual(h["vae"], f["vae"]);
        Assert.Equal(h["unet"], f["unet"]);
        Assert.Equal(h["text_encoder"], f["text_encoder"]);
    }

    private static Dictionary<string, string?> ComponentHashes(string path) =>
        ModelChecker.Check(path).Components.ToDictionary(c => c.Label, c => c.ContentHash);

    private static void AssertSameTensors(IEnumerable<TestTensor> expected, Dictionary<string, TestTensor> actual)
    {
        var list = expected.ToList();
        Assert.Equal(list.Select(t => t.Name).Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (TestTensor t in list)
        {
            Assert.Equal(t.DType, actual[t.Name].DType);
            Assert.Equal(t.Shape, actual[t.Name].Shape);
            Assert.True(t.Data.AsSpan().SequenceEqual(actual[t.Name].Data), t.Name);
        }
    }
}
