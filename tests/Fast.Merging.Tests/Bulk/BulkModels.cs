using System.Globalization;
using System.Security.Cryptography;
using Fast.Merging.Api;
using Fast.Merging.Bulk;
using Fast.Merging.Recipes;
using Fast.Merging.Tests.Engine;

namespace Fast.Merging.Tests.Bulk;

/// <summary>
/// The tiny models of <see cref="EngineModels"/> plus a 50-variant plan that mixes modes, calcmodes, block lists,
/// dtypes, position-ids policies, filters, two B models and an inpainting A, with the output of
/// <see cref="FastMerger.Merge"/> of each recipe alone (computed once per test class, on first use).
/// </summary>
public sealed class BulkModels : IDisposable
{
    private readonly Lazy<IReadOnlyList<string>> _references;

    public BulkModels()
    {
        Models = new EngineModels();
        Variants = BuildVariants();
        _references = new Lazy<IReadOnlyList<string>>(() => [.. Variants.Select(Reference)]);
    }

    /// <summary>A memory bound (one thread) that holds only a few of these tiny variants per wave.</summary>
    public static long SmallMemory => BulkMemory.Floor(1) + (3L << 19);

    public EngineModels Models { get; }

    /// <summary>The 50 variants; their outputs go to a fresh folder per run (see <see cref="Plan"/>).</summary>
    public IReadOnlyList<(MergeRecipe Recipe, string Name)> Variants { get; }

    /// <summary>Each variant's file as <c>merge</c> writes it alone.</summary>
    public IReadOnlyList<string> References => _references.Value;

    /// <summary>The sha256 of each reference file.</summary>
    public IReadOnlyList<string> ReferenceSha256 => [.. References.Select(Sha256)];

    public static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>A new empty folder under the models' folder.</summary>
    public string NewFolder(string name)
    {
        string dir = Path.Combine(Models.Directory, name + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>The variants at <paramref name="indexes"/> (all when null) as a plan writing into <paramref name="folder"/>.</summary>
    public BulkPlan Plan(string folder, IEnumerable<int>? indexes = null) =>
        new([.. (indexes ?? Enumerable.Range(0, Variants.Count)).Select(i => new BulkVariant(i, Variants[i].Recipe, Path.Combine(folder, Variants[i].Name + ".safetensors")))]);

    /// <summary>Indexes of the variants whose calcmode is not cosine (their first pass reads the inputs on its own).</summary>
    public IEnumerable<int> NonCosine => Enumerable.Range(0, Variants.Count).Where(i => Variants[i].Recipe.CalcMode is not (CalcMode.CosineA or CalcMode.CosineB));

    /// <summary>Indexes of the calcmode-normal variants (quick to run).</summary>
    public IEnumerable<int> Normal => Enumerable.Range(0, Variants.Count).Where(i => Variants[i].Recipe.CalcMode == CalcMode.Normal);

    public void Dispose() => Models.Dispose();

    private string Reference((MergeRecipe Recipe, string Name) variant)
    {
        string path = Models.Output("reference-" + variant.Name);
        FastMerger.Merge(variant.Recipe, path, new MergeOptions { Threads = 2, Overwrite = true, HashOutput = false });
        return path;
    }

    private List<(MergeRecipe, string)> BuildVariants()
    {
        var list = new List<(MergeRecipe, string)>();
        MergeInput a = new(Models.A), b = new(Models.B), b2 = new(Models.C), c = new(Models.C), inpaint = new(Models.Inpainting);
        void Add(MergeRecipe r) => list.Add((r, string.Create(CultureInfo.InvariantCulture, $"v{list.Count:00}")));
        var ws = new MergeRecipe { A = a, B = b };
        var ad = new MergeRecipe { A = a, B = b, C = c, Mode = MergeMode.AddDifference };
        foreach (double alpha in new[] { 0, 0.3, 0.55, 1 })
        {
            Add(ws with { Alpha = alpha });
            Add(ws with { Alpha = alpha, B = b2 });
        }

        foreach (string list25 in new[] { "GRAD_V", "GRAD_A", "FLAT_25", "WRAP12", "1,0.9,0.8,0.7,0.6,0.5,0.4,0.3,0.2,0.1,0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1,0.5,0.5,0.5,0.5" })
        {
            Add(ws with { WeightsAlpha = list25 });
        }

        Add(ws with { WeightsAlpha = "MID12_50", B = b2, Alpha = 0.2 });
        Add(ad with { Alpha = 0.4 });
        Add(ad with { Alpha = 0.8, WeightsAlpha = "GRAD_A" });
        Add(ad with { Alpha = 1.5 });
        Add(ad with { Mode = MergeMode.TripleSum, Alpha = 0.3, Beta = 0.2 });
        Add(ad with { Mode = MergeMode.TripleSum, Alpha = 0.25, Beta = 0.5, WeightsBeta = "FLAT_75" });
        Add(ad with { Mode = MergeMode.SumTwice, Alpha = 0.3, Beta = 0.6 });
        Add(ad with { Mode = MergeMode.SumTwice, Alpha = 0.7, Beta = 0.1, B = b2, C = new MergeInput(Models.B) });
        Add(ws with { Mode = MergeMode.ScaledSum, Alpha = 0.6, Beta = 0.5 });
        Add(ws with { Mode = MergeMode.ScaledSum, ScaledSumWeightsA = "FLAT_75", ScaledSumWeightsB = "FLAT_25" });
        Add(ws with { OutputDType = OutputDType.Fp32, Alpha = 0.35 });
        Add(ws with { OutputDType = OutputDType.Bf16, Alpha = 0.35 });
        Add(ad with { OutputDType = OutputDType.Fp16, Alpha = 0.45 });
        Add(ws with { OutputDType = OutputDType.Fp8E4M3, Alpha = 0.5 });
        Add(ws with { PositionIds = PositionIdsPolicy.Merge, Alpha = 0.4 });
        Add(ad with { PositionIds = PositionIdsPolicy.Merge, Alpha = 0.6 });
        Add(ws with { PositionIds = PositionIdsPolicy.Keep });
        Add(ws with { Exclude = ["VAE"], Alpha = 0.7 });
        Add(ws with { Include = ["model.diffusion_model.input_blocks"], Alpha = 0.7 });
        Add(ws with { CalcMode = CalcMode.CosineA, Alpha = 0.3 });
        Add(ws with { CalcMode = CalcMode.CosineB, Alpha = 0.6, B = b2 });
        Add(ad with { CalcMode = CalcMode.CosineB, Alpha = 0.2 });
        Add(ad with { CalcMode = CalcMode.SmoothAdd, Alpha = 0.5 });
        Add(ad with { CalcMode = CalcMode.TrainDifference, Alpha = 0.5 });
        Add(ad with { CalcMode = CalcMode.TrainDifference, Alpha = 1, B = b2, C = new MergeInput(Models.B) });
        Add(ws with { CalcMode = CalcMode.Tensor, Alpha = 0.4, Beta = 0.3 });
        Add(ws with { CalcMode = CalcMode.Tensor2, Alpha = 0.6, Beta = 0.2 });
        Add(ad with { CalcMode = CalcMode.Extract, Alpha = 0.3, Beta = 0.6, Gamma = 0.3 });
        Add(ad with { CalcMode = CalcMode.Extract, Alpha = 0.8, Beta = 0.1, Gamma = 1.2, OutputDType = OutputDType.Fp32 });
        Add(ws with { A = inpaint, Alpha = 0.5 });
        Add(ad with { A = inpaint, Alpha = 0.5 });
        Add(ws with { A = inpaint, CalcMode = CalcMode.Tensor, Alpha = 0.5, Beta = 0.5 });
        Add(ws with { A = b, B = new MergeInput(Models.A), Alpha = 0.15 });
        Add(ws with { A = b2, B = b, Alpha = 0.85, WeightsAlpha = "GRAD_V" });
        Add(ad with { Alpha = 0.05, Exclude = ["VAE"], PositionIds = PositionIdsPolicy.Keep });
        Add(ws with { Alpha = 0.125, OutputDType = OutputDType.Fp16 });
        Add(ad with { Alpha = 0.33, Include = ["model.diffusion_model.output_blocks"], B = b2, C = new MergeInput(Models.B) });
        return list;
    }
}
