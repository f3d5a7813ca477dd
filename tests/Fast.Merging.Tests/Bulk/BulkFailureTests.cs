using Fast.Merging.Bulk;
using Fast.Merging.Execution;
using Fast.Merging.Recipes;

namespace Fast.Merging.Tests.Bulk;

/// <summary>A variant that cannot be planned is reported on its own line; the others still run.</summary>
[Collection(SharedBulkModels.Name)]
public sealed class BulkFailureTests(BulkModels fixture)
{
    [Fact]
    public void Failing_variants_are_isolated()
    {
        string folder = fixture.NewFolder("failures");
        MergeRecipe good = fixture.Variants[0].Recipe;
        var plan = new BulkPlan(
        [
            new BulkVariant(0, good, Path.Combine(folder, "good0.safetensors"), 1),
            new BulkVariant(1, good with { B = new MergeInput(Path.Combine(folder, "missing.safetensors")) }, Path.Combine(folder, "missing.safetensors.out"), 2),
            new BulkVariant(2, good with { B = new MergeInput(fixture.Models.Sdxl) }, Path.Combine(folder, "shapes.safetensors"), 3),
            new BulkVariant(3, good with { WeightsAlpha = "1,2,3" }, Path.Combine(folder, "list.safetensors"), 4),
            new BulkVariant(4, good with { Mode = MergeMode.AddDifference }, Path.Combine(folder, "noc.safetensors"), 5),
            new BulkVariant(5, fixture.Variants[1].Recipe, Path.Combine(folder, "good5.safetensors"), 6),
        ]);

        BulkResult result = FastBulkMerger.Run(plan, new BulkOptions { Threads = 2 });

        Assert.False(result.Succeeded);
        Assert.Equal(
            [BulkVariantStatus.Done, BulkVariantStatus.Failed, BulkVariantStatus.Failed, BulkVariantStatus.Failed, BulkVariantStatus.Failed, BulkVariantStatus.Done],
            result.Variants.Select(v => v.Status));
        Assert.StartsWith("variant 1 (line 2): ", result.Variants[1].Error, StringComparison.Ordinal);
        Assert.Contains("missing.safetensors", result.Variants[1].Error, StringComparison.Ordinal);
        Assert.Contains("A is SD1.x, B is SDXL base", result.Variants[2].Error, StringComparison.Ordinal);
        Assert.StartsWith("variant 3 (line 4): ", result.Variants[3].Error, StringComparison.Ordinal);
        Assert.StartsWith("variant 4 (line 5): ", result.Variants[4].Error, StringComparison.Ordinal);
        Assert.All(result.Variants.Where(v => v.Status == BulkVariantStatus.Failed), v => Assert.DoesNotContain('\n', v.Error!));
        Assert.All(result.Variants.Where(v => v.Status == BulkVariantStatus.Failed), v => Assert.False(File.Exists(v.Variant.OutputPath)));
        Assert.Equal(File.ReadAllBytes(fixture.References[0]), File.ReadAllBytes(plan.Variants[0].OutputPath));
        Assert.Equal(File.ReadAllBytes(fixture.References[1]), File.ReadAllBytes(plan.Variants[5].OutputPath));
    }

    [Fact]
    public void A_variant_whose_sink_fails_midway_is_dropped_and_the_others_complete()
    {
        BulkPlan plan = fixture.Plan(fixture.NewFolder("sink-fails"), [0, 1, 2]);
        var hashers = new Dictionary<int, HashingMergeSink>();
        BulkResult result = FastBulkMerger.Run(
            plan,
            new BulkOptions { Threads = 2 },
            v =>
            {
                var hasher = new HashingMergeSink(v.Layout, v.Variant.Index == 1 ? new FullDiskSink() : null);
                lock (hashers)
                {
                    hashers[v.Variant.Index] = hasher;
                }

                return hasher;
            },
            Execution.InputTensors.Direct,
            null,
            CancellationToken.None,
            out _);

        Assert.Equal([BulkVariantStatus.Done, BulkVariantStatus.Failed, BulkVariantStatus.Done], result.Variants.Select(v => v.Status));
        Assert.Contains("No space left", result.Variants[1].Error, StringComparison.Ordinal);
        Assert.Equal(fixture.ReferenceSha256[0], hashers[0].Sha256);
        Assert.Equal(fixture.ReferenceSha256[2], hashers[2].Sha256);
    }

    [Fact]
    public void Existing_output_fails_that_variant_unless_overwriting()
    {
        string folder = fixture.NewFolder("exists");
        BulkPlan plan = fixture.Plan(folder, [0, 1]);
        File.WriteAllText(plan.Variants[1].OutputPath, "not a model");

        BulkResult result = FastBulkMerger.Run(plan, new BulkOptions { Threads = 1 });

        Assert.Equal(BulkVariantStatus.Done, result.Variants[0].Status);
        Assert.Equal(BulkVariantStatus.Failed, result.Variants[1].Status);
        Assert.Equal("not a model", File.ReadAllText(plan.Variants[1].OutputPath));
    }

    [Fact]
    public void Two_variants_with_one_output_make_the_plan_unusable()
    {
        string folder = fixture.NewFolder("duplicate");
        MergeRecipe recipe = fixture.Variants[0].Recipe;
        var plan = new BulkPlan([new BulkVariant(0, recipe, Path.Combine(folder, "x.safetensors")), new BulkVariant(1, recipe, Path.Combine(folder, "x.safetensors"))]);
        Assert.Throws<BulkPlanException>(() => FastBulkMerger.Run(plan));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    /// <summary>A sink that fails on its tenth write, as a full disk would.</summary>
    private sealed class FullDiskSink : Execution.IMergeSink
    {
        private int _writes;

        public void Write(Planning.PlannedTensor tensor, long byteOffset, ReadOnlySpan<byte> data)
        {
            if (++_writes == 10)
            {
                throw new IOException("No space left on device");
            }
        }

        public void Complete()
        {
        }

        public void Dispose()
        {
        }
    }
}
