using System.Buffers.Binary;
using System.Globalization;
using Fast.Merging.Api;
using Fast.Merging.Architectures;
using Fast.Merging.Blocks;
using Fast.Merging.Recipes;
using Fast.Merging.Synthesis;
using Fast.Merging.Tests.Doctor;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Blocks;

/// <summary>
/// Flux.1 and SD3/SD3.5 as layout tables: recognised from their keys (prefixed or bare), every key in the block
/// ComfyUI's merge node gives it, and a block-weighted merge puts each block's weight on exactly that block's keys.
/// </summary>
public sealed class TransformerLayoutTests
{
    // The oracle: ComfyUI's merge nodes give a key the weight of its longest matching entry prefix.
    private static string ComfyBlock(string key, BlockLayout layout)
    {
        string bare = key.StartsWith("model.diffusion_model.", StringComparison.Ordinal) ? key["model.diffusion_model.".Length..] : key;
        return layout.Blocks.Skip(1)
            .Where(b => bare.StartsWith(b + ".", StringComparison.Ordinal) || bare == b)
            .OrderByDescending(b => b.Length)
            .FirstOrDefault() ?? BlockIds.Base;
    }

    public static TheoryData<ArchitectureId, string> Transformers => new()
    {
        { ArchitectureId.Flux1Dev, "Flux" },
        { ArchitectureId.Flux1Schnell, "Flux" },
        { ArchitectureId.Sd3Medium, "SD3" },
        { ArchitectureId.Sd35Large, "SD3.5 large" },
    };

    [Theory]
    [MemberData(nameof(Transformers))]
    public void Synthetic_files_are_recognised_with_and_without_the_checkpoint_prefix(ArchitectureId id, string layoutName)
    {
        var keys = Synthesized(id, 16);
        var prefixed = ArchitectureRecognizer.Recognize(keys);
        Assert.Equal(id, prefixed.Id);
        Assert.Equal(16, prefixed.Scale);
        Assert.Equal(layoutName, prefixed.BlockLayout.Name);
        Assert.Empty(prefixed.UnknownKeys);

        var bare = ArchitectureRecognizer.Recognize(keys.Select(k => k with { Name = k.Name["model.diffusion_model.".Length..] }));
        Assert.Equal(id, bare.Id);
        Assert.Empty(bare.MissingRequiredKeys);
    }

    [Theory]
    [MemberData(nameof(Transformers))]
    public void Every_key_lies_in_the_block_ComfyUI_gives_it(ArchitectureId id, string layoutName)
    {
        var layout = ArchitectureCatalog.Get(id).BlockLayout;
        Assert.Equal(layoutName, layout.Name);
        var seen = new HashSet<string>();
        foreach (var key in ArchitectureCatalog.Get(id).RequiredKeys)
        {
            string expected = ComfyBlock(key.Name, layout);
            Assert.Equal(expected, BlockMapper.BlockOf(key.Name, layout));
            Assert.Equal(expected, BlockMapper.BlockOf(key.Name["model.diffusion_model.".Length..], layout));
            seen.Add(expected);
        }

        // Every entry but BASE holds keys (schnell has no guidance embedder); text encoders and the VAE are BASE.
        var expectedBlocks = layout.Blocks.Skip(1).Where(b => id != ArchitectureId.Flux1Schnell || b != "guidance_in");
        Assert.Equal(expectedBlocks.Order(), seen.Order());
        Assert.Equal(BlockIds.Base, BlockMapper.BlockOf("first_stage_model.decoder.conv_in.weight", layout));
        Assert.Equal(BlockIds.Base, BlockMapper.BlockOf("text_encoders.clip_l.transformer.text_model.final_layer_norm.weight", layout));
    }

    [Fact]
    public void Block_lists_take_the_layout_count_with_or_without_base_and_name_a_foreign_count()
    {
        Assert.Equal(64, BlockLayouts.Flux.Blocks.Count);
        Assert.Equal(31, BlockLayouts.Sd3Medium.Blocks.Count);
        Assert.Equal(45, BlockLayouts.Sd35Large.Blocks.Count);
        var w = BlockWeights.Parse(string.Join(',', Enumerable.Range(0, 63).Select(i => "0.5")), BlockLayouts.Flux, 0.25);
        Assert.Equal(0.25, w[BlockIds.Base]);
        Assert.Equal(0.5, w["single_blocks.37"]);
        var ex = Assert.Throws<InvalidBlockWeightsException>(() => BlockWeights.Parse(string.Join(',', Enumerable.Repeat("0", 26)), BlockLayouts.Flux, 0));
        Assert.Contains("SD list", ex.Message, StringComparison.Ordinal);
        Assert.Contains("takes 64", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_block_weighted_flux_merge_puts_each_blocks_weight_on_exactly_its_keys()
    {
        // A is all zeros and B all ones in F32, so weight sum writes α itself: block j gets α = j/64, exact in binary.
        using var folder = new TempDir();
        var keys = Synthesized(ArchitectureId.Flux1Dev, 64);
        string a = TestCheckpoint.Write(folder.File("a.safetensors"), keys.Select(k => Constant(k, 0f)));
        string b = TestCheckpoint.Write(folder.File("b.safetensors"), keys.Select(k => Constant(k, 1f)));
        var layout = BlockLayouts.Flux;
        string weights = string.Join(',', Enumerable.Range(0, layout.Blocks.Count).Select(j => (j / 64.0).ToString("R", CultureInfo.InvariantCulture)));
        var recipe = new MergeRecipe { Mode = MergeMode.WeightSum, A = new MergeInput(a), B = new MergeInput(b), WeightsAlpha = weights };

        var keysPerBlock = new Dictionary<string, int>();
        FastMerger.MergeToCallback(recipe, t =>
        {
            string block = ComfyBlock(t.Name, layout);
            float expected = (float)(layout.IndexOfBlock(block) / 64.0);
            Assert.Equal(DType.F32, t.DType);
            for (int i = 0; i < t.Data.Length; i += 4)
            {
                Assert.Equal(expected, BinaryPrimitives.ReadSingleLittleEndian(t.Data.Span[i..]));
            }

            keysPerBlock[block] = keysPerBlock.GetValueOrDefault(block) + 1;
        });

        // Tested per block: all 63 entries after BASE got their keys (24 per double block, 8 per single block).
        Assert.Equal(layout.Blocks.Skip(1).Order(), keysPerBlock.Keys.Order());
        Assert.Equal(24, keysPerBlock["double_blocks.18"]);
        Assert.Equal(8, keysPerBlock["single_blocks.0"]);
        Assert.Equal(4, keysPerBlock["final_layer"]);
    }

    private static List<TensorKey> Synthesized(ArchitectureId id, int scale) =>
        CheckpointSynthesizer.Plan(new SynthesisOptions { Architecture = id, Scale = scale })
            .Tensors.Select(t => new TensorKey(t.Name, t.Shape)).ToList();

    private static TestTensor Constant(TensorKey key, float value)
    {
        long count = key.Shape.Aggregate(1L, (n, d) => n * d);
        var data = new byte[count * 4];
        for (long i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan((int)(i * 4)), value);
        }

        return new TestTensor(key.Name, DType.F32, [.. key.Shape], data);
    }
}
