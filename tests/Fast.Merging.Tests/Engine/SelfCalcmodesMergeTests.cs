using Fast.Merging.Api;
using Fast.Merging.Methods;
using Fast.Merging.Planning;
using Fast.Merging.Recipes;
using Fast.Merging.Synthesis;
using Fast.SafeTensors;
using Fast.Testing;

namespace Fast.Merging.Tests.Engine;

/// <summary>
/// Calcmodes self and plus random end to end (their bytes against torch are the compat suite's; see
/// native-compat/compat/cases.py): which keys change, that A's dtype arithmetic is used, and that plus random's draws
/// depend on the seed only, not on threads or read mode, and are repeated from the recorded recipe.
/// </summary>
public sealed class SelfCalcmodesMergeTests(EngineModels models) : IClassFixture<EngineModels>
{
    private static readonly MergeOptions s_options = new() { Overwrite = true, HashInputs = false };

    [Fact]
    public void Self_multiplies_A_in_its_dtype_and_keeps_self_keys()
    {
        string output = models.Output("self");
        var recipe = new MergeRecipe { CalcMode = CalcMode.Self, Alpha = 0.7, A = new(models.A), B = new(models.B) };
        MergeResult result = FastMerger.Merge(recipe, output, s_options);
        AssertScaledInADtype(models.A, output, result);
    }

    /// <summary>
    /// self on tensors larger than one work chunk (scale-8 SD1: 320-channel 3×3 convolutions hold 230 400 elements) runs
    /// in element ranges on both threads, and every element is still A·α in A's dtype.
    /// </summary>
    [Fact]
    public void Self_on_tensors_larger_than_a_chunk_gives_the_same_elements()
    {
        string a = SyntheticCheckpoint.Write(models.Output("self-large-a"), Fast.Merging.Architectures.ArchitectureId.Sd1, SyntheticDTypes.F16, 11, scale: 8);
        string b = SyntheticCheckpoint.Write(models.Output("self-large-b"), Fast.Merging.Architectures.ArchitectureId.Sd1, SyntheticDTypes.F16, 12, scale: 8);
        string output = models.Output("self-large");
        var recipe = new MergeRecipe { CalcMode = CalcMode.Self, Alpha = 0.7, A = new(a), B = new(b) };
        MergeResult result = FastMerger.Merge(recipe, output, new MergeOptions { Overwrite = true, HashInputs = false, Threads = 2 });
        Assert.Contains(result.Plan.Tensors, t => t.Action == TensorAction.Merge && t.Shape.Aggregate(1L, (x, d) => x * d) > 4L * Fast.Merging.Execution.WorkScratch.ChunkElements);
        AssertScaledInADtype(a, output, result);
    }

    private static void AssertScaledInADtype(string inputA, string output, MergeResult result)
    {
        using SafeTensorsFile a = SafeTensorsFile.Open(inputA);
        using SafeTensorsFile merged = SafeTensorsFile.Open(output);
        Half factor = (Half)0.7f;
        int changed = 0;
        foreach (PlannedTensor t in result.Plan.Tensors.Where(t => a[t.Name].DType == DType.F16))
        {
            ushort[] before = Values(a, t.Name), after = Values(merged, t.Name);
            bool selfKey = CalcModeEntry.SelfKeys.Any(k => t.Name.Contains(k, StringComparison.Ordinal));
            Assert.Equal(selfKey ? TensorAction.CopyA : TensorAction.Merge, t.Action == TensorAction.ResetPositionIds ? TensorAction.CopyA : t.Action);
            for (int i = 0; i < before.Length; i++)
            {
                Half x = BitConverter.UInt16BitsToHalf(before[i]);
                Half expected = selfKey ? x : (Half)((float)x * (float)factor); // torch: α stored as Half, product in f32, stored
                Assert.Equal(BitConverter.HalfToUInt16Bits(expected), after[i]);
            }

            changed += selfKey ? 0 : 1;
        }

        Assert.True(changed > 100);
    }

    [Fact]
    public void Alpha_zero_blocks_keep_A_and_draw_nothing()
    {
        var recipe = new MergeRecipe
        {
            CalcMode = CalcMode.PlusRandom, Seed = 3, WeightsAlpha = "0,0,0,0,0,0,0,0,0,0,0,0,0,0.5,0,0,0,0,0,0,0,0,0,0,0,0",
            A = new(models.A), B = new(models.B),
        };
        using SafeTensorsFile a = SafeTensorsFile.Open(models.A);
        using SafeTensorsFile b = SafeTensorsFile.Open(models.B);
        MergePlan plan = MergePlanner.Plan(recipe, a, b, null);
        Assert.All(plan.Tensors.Where(t => t.Action == TensorAction.Merge), t => Assert.Equal("M00", t.BlockId));
        Assert.Contains(plan.Tensors, t => t.Action == TensorAction.Merge);
    }

    [Fact]
    public void Plus_random_depends_on_the_seed_alone_and_reruns_from_its_metadata()
    {
        var recipe = new MergeRecipe { CalcMode = CalcMode.PlusRandom, Seed = 1234, Alpha = 0.05, A = new(models.A), B = new(models.B) };
        string first = models.Output("plus-random-1");
        MergeResult result = FastMerger.Merge(recipe, first, s_options with { Threads = 1 });
        string second = models.Output("plus-random-2");
        FastMerger.Merge(recipe, second, s_options with { Threads = 3, ReadMode = ReadMode.Buffered });
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));

        MergeRecipe recorded = RecipeJson.Deserialize(result.Plan.Metadata.Single(kv => kv.Key == RecipeJson.MetadataKey).Value);
        Assert.Equal(CalcMode.PlusRandom, recorded.CalcMode);
        Assert.Equal(1234u, recorded.Seed);
        string rerun = models.Output("plus-random-rerun");
        FastMerger.Merge(recorded, rerun, s_options);
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(rerun));

        string other = models.Output("plus-random-other-seed");
        FastMerger.Merge(recipe with { Seed = 1235 }, other, s_options);
        Assert.NotEqual(File.ReadAllBytes(first), File.ReadAllBytes(other));
    }

    /// <summary>
    /// plus random on tensors larger than one work chunk runs in element ranges, each drawn from a stored generator
    /// state, on 1 and 2 threads: every merged key equals A + α·randn_like(A) with the noise drawn whole and serially,
    /// key after key in the names' UTF-8 order from manual_seed(seed), every transcendental called per element.
    /// </summary>
    [Fact]
    public void Plus_random_in_ranges_equals_the_serial_whole_tensor_draws()
    {
        string a = SyntheticCheckpoint.Write(models.Output("plus-random-large-a"), Fast.Merging.Architectures.ArchitectureId.Sd1, SyntheticDTypes.F16, 11, scale: 8);
        string b = SyntheticCheckpoint.Write(models.Output("plus-random-large-b"), Fast.Merging.Architectures.ArchitectureId.Sd1, SyntheticDTypes.F16, 12, scale: 8);
        foreach (int threads in new[] { 1, 2 })
        {
            AssertSerialDraws(a, b, threads);
        }
    }

    private static void AssertSerialDraws(string a, string b, int threads)
    {
        string output = Path.Combine(Path.GetDirectoryName(a)!, $"plus-random-large-{threads}.safetensors");
        var recipe = new MergeRecipe { CalcMode = CalcMode.PlusRandom, Seed = 77, Alpha = 0.3, A = new(a), B = new(b) };
        MergeResult result = FastMerger.Merge(recipe, output, new MergeOptions { Overwrite = true, HashInputs = false, Threads = threads });
        Assert.Contains(result.Plan.Tensors, t => t.Action == TensorAction.Merge && t.Shape.Aggregate(1L, (x, d) => x * d) > 4L * Fast.Merging.Execution.WorkScratch.ChunkElements);

        using SafeTensorsFile inputA = SafeTensorsFile.Open(a);
        using SafeTensorsFile merged = SafeTensorsFile.Open(output);
        var generator = new Fast.Merging.Randomness.TorchCpuGenerator(77);
        var keys = result.Plan.Tensors.Where(t => t.Action == TensorAction.Merge).OrderBy(t => System.Text.Encoding.UTF8.GetBytes(t.Name), Utf8Bytes.Instance).ToList();
        Assert.True(keys.Count > 100);
        foreach (PlannedTensor t in keys)
        {
            TensorInfo info = inputA[t.Name];
            Assert.Equal(DType.F16, info.DType);
            var noise = new float[info.ElementCount];
            Fast.Merging.Randomness.TorchRandn.FillPerElement(generator, Fast.Kernels.ElementType.F16, noise);
            var before = new byte[info.ByteLength];
            inputA.CopyTo(info, 0, before);
            var expected = new byte[merged[t.Name].ByteLength];
            Fast.Kernels.DtypeStepKernels.AddScaled(before, Fast.Kernels.ElementType.F16, noise, t.Alpha, expected, Fast.Merging.ElementTypes.Of(t.OutputDType));
            var actual = new byte[expected.Length];
            merged.CopyTo(merged[t.Name], 0, actual);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{t.Name} ({info.ElementCount} elements) differs from the serial draw");
        }
    }

    [Fact]
    public void Plus_random_without_a_seed_names_the_option_and_writes_nothing()
    {
        string output = models.Output("plus-random-no-seed");
        var error = Assert.Throws<InvalidRecipeException>(() => FastMerger.Merge(
            new MergeRecipe { CalcMode = CalcMode.PlusRandom, A = new(models.A), B = new(models.B) }, output, s_options));
        Assert.Contains("--seed", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Self_on_an_inpainting_A_changes_every_channel()
    {
        using SafeTensorsFile a = SafeTensorsFile.Open(models.Inpainting);
        using SafeTensorsFile b = SafeTensorsFile.Open(models.A);
        MergePlan plan = MergePlanner.Plan(new MergeRecipe { CalcMode = CalcMode.Self, A = new(models.Inpainting), B = new(models.A) }, a, b, null);
        Assert.DoesNotContain(plan.Tensors, t => t.MergedChannels is not null);
    }

    [Fact]
    public void Elemental_and_adjust_are_recorded_and_a_rerun_from_the_metadata_gives_the_same_bytes()
    {
        var recipe = new MergeRecipe
        {
            Alpha = 0.4, Seed = 5, Elemental = "IN04 OUT05:attn:0.2,OUT:ff:U", Adjust = "1,2,0,0.5,0,1,0,0",
            A = new(models.A), B = new(models.B),
        };
        string first = models.Output("elemental-adjust");
        MergeResult result = FastMerger.Merge(recipe, first, s_options);
        Assert.Equal(6, result.Plan.Tensors.Count(t => t.Adjust is not null));
        MergeRecipe recorded = RecipeJson.Deserialize(result.Plan.Metadata.Single(kv => kv.Key == RecipeJson.MetadataKey).Value);
        Assert.Equal(recipe.Elemental, recorded.Elemental);
        Assert.Equal(recipe.Adjust, recorded.Adjust);
        string rerun = models.Output("elemental-adjust-rerun");
        FastMerger.Merge(recorded, rerun, s_options with { Threads = 1 });
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(rerun));
    }

    [Fact]
    public void Bad_elemental_or_adjust_is_a_recipe_error_and_nothing_is_written()
    {
        foreach (MergeRecipe bad in new[]
        {
            new MergeRecipe { Elemental = "IN04:0.2", A = new(models.A), B = new(models.B) },
            new MergeRecipe { Elemental = "OUT05::R", A = new(models.A), B = new(models.B) },
            new MergeRecipe { Adjust = "1", A = new(models.A), B = new(models.B) },
        })
        {
            string output = models.Output("bad-elemental-adjust");
            var error = Assert.Throws<InvalidRecipeException>(() => FastMerger.Merge(bad, output, s_options));
            Assert.Contains(bad.Elemental is null ? "--adjust" : "--elemental", error.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(output));
        }
    }

    private static ushort[] Values(SafeTensorsFile file, string name)
    {
        TensorInfo t = file[name];
        var bytes = new byte[t.ByteLength];
        file.CopyTo(t, 0, bytes);
        var values = new ushort[bytes.Length / 2];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    /// <summary>Byte-wise order of UTF-8 names (the reference's key order).</summary>
    private sealed class Utf8Bytes : IComparer<byte[]>
    {
        public static readonly Utf8Bytes Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
