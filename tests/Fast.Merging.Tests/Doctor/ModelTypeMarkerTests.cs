using System.Buffers.Binary;
using Fast.Merging.Api;
using Fast.Merging.Doctor;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Doctor;

/// <summary>
/// <c>v_pred</c>, <c>ztsnr</c> and <c>edm_vpred.sigma_*</c> tell ComfyUI what kind of model it loads: check names them
/// as markers (not junk), fix --prune keeps them, and a merge writes A's, unmerged.
/// </summary>
public sealed class ModelTypeMarkerTests
{
    private static List<TestTensor> WithMarkers(ulong seed, float sigmaMin)
    {
        var tensors = TestCheckpoint.Create(seed: seed);
        tensors.Add(Scalar("v_pred", 0f));
        tensors.Add(Scalar("ztsnr", 0f));
        tensors.Add(Scalar("edm_vpred.sigma_min", sigmaMin));
        tensors.Add(Scalar("edm_vpred.sigma_max", 120f));
        return tensors;
    }

    [Fact]
    public void Check_reports_markers_and_prune_keeps_them()
    {
        using var folder = new TempDir();
        string path = TestCheckpoint.Write(folder.File("vpred.safetensors"), WithMarkers(1, 0.002f));
        CheckReport report = ModelChecker.Check(path);
        Assert.Equal(["edm_vpred.sigma_max", "edm_vpred.sigma_min", "v_pred", "ztsnr"], report.Recognition.ModelTypeKeys.Order());
        Assert.Empty(report.Junk);
        Assert.DoesNotContain(report.Problems, p => p.Kind == CheckProblemKind.Junk);

        string pruned = folder.File("pruned.safetensors");
        ModelFixer.Fix(path, pruned, new FixOptions { Prune = true });
        var kept = TestCheckpoint.Read(pruned);
        foreach (string marker in report.Recognition.ModelTypeKeys)
        {
            Assert.True(kept.ContainsKey(marker), marker);
        }
    }

    [Fact]
    public void A_merge_writes_As_markers_unmerged_in_their_own_dtype()
    {
        using var folder = new TempDir();
        string a = TestCheckpoint.Write(folder.File("a.safetensors"), WithMarkers(1, 0.002f));
        string b = TestCheckpoint.Write(folder.File("b.safetensors"), WithMarkers(2, 0.5f));
        string output = folder.File("out.safetensors");
        FastMerger.Merge(new MergeRecipe { A = new MergeInput(a), B = new MergeInput(b), Alpha = 0.5, OutputDType = OutputDType.Fp16 }, output);

        var merged = TestCheckpoint.Read(output);
        TestTensor sigmaMin = merged["edm_vpred.sigma_min"];
        Assert.Equal(DType.F32, sigmaMin.DType);
        Assert.Equal(0.002f, BinaryPrimitives.ReadSingleLittleEndian(sigmaMin.Data));
        Assert.True(merged.ContainsKey("v_pred"));
        Assert.True(merged.ContainsKey("ztsnr"));
    }

    private static TestTensor Scalar(string name, float value)
    {
        var data = new byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(data, value);
        return new TestTensor(name, DType.F32, [], data);
    }
}
