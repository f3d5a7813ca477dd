using System.Security.Cryptography;
using Fast.Merging.Api;
using Fast.Merging.Architectures;
using Fast.Merging.Graphs;
using Fast.Merging.Synthesis;

namespace Fast.Merging.Tests.Graphs;

/// <summary>
/// The graph engine evaluates large tensors in pieces, with streaming passes for the reductions (slerp's and model
/// stock's sums, ties' trim thresholds): the output's bytes must be those of whole-tensor evaluation whatever the piece
/// size and thread count. One graph uses every method, intermediates feeding reductions included.
/// </summary>
public sealed class PieceSizeTests : IDisposable
{
    private readonly TempDir _dir = new("fastmerge-graph-pieces-");

    [Fact]
    public void EveryPieceSizeGivesTheWholeTensorBytes()
    {
        string[] paths =
        [
            SyntheticCheckpoint.Write(_dir.File("base.safetensors"), ArchitectureId.Sd1, SyntheticDTypes.F16, 11, scale: 16),
            SyntheticCheckpoint.Write(_dir.File("m1.safetensors"), ArchitectureId.Sd1, SyntheticDTypes.F16, 12, scale: 16),
            SyntheticCheckpoint.Write(_dir.File("m2.safetensors"), ArchitectureId.Sd1, SyntheticDTypes.BF16, 13, scale: 16),
            SyntheticCheckpoint.Write(_dir.File("m3.safetensors"), ArchitectureId.Sd1, SyntheticDTypes.F32, 14, scale: 16),
        ];
        var recipe = new GraphRecipe
        {
            Inputs = [new("base", paths[0]), new("m1", paths[1]), new("m2", paths[2]), new("m3", paths[3])],
            Merges =
            [
                new GraphMerge { Name = "tied", Method = "ties", Base = "base", Models = ["m1", "m2", "m3"], Density = "0.3", Weights = ["1", "0.5", "0.75"] },
                new GraphMerge { Name = "dared", Method = "dare_ties", Base = "base", Models = ["m2", "m3"], Density = "0.4", Seed = 5 },
                new GraphMerge { Name = "curved", Method = "slerp", Models = ["tied", "dared"], T = "0.35" },
                new GraphMerge { Name = "stock", Method = "model_stock", Base = "base", Models = ["curved", "m1", "m3"] },
                new GraphMerge { Name = "sum", Method = "weighted_sum", Models = ["stock", "m2"], Weights = ["0.6", "0.4"] },
                new GraphMerge { Name = "out", Method = "add_difference", Base = "base", Models = ["sum", "tied"], Weights = ["0.5"] },
            ],
            Output = "out",
        };

        string whole = Merge(recipe, "whole", threads: 1, pieceElements: 1 << 20);
        Assert.Equal(whole, Merge(recipe, "auto", threads: 2, pieceElements: null));
        Assert.Equal(whole, Merge(recipe, "p4096", threads: 2, pieceElements: 4096));
        Assert.Equal(whole, Merge(recipe, "p1028", threads: 1, pieceElements: 1028));

        // Above the cache-sized piece a split tensor's first piece is full size and the later ones are cache-sized.
        Assert.Equal(whole, Merge(recipe, "p69632", threads: 2, pieceElements: 17 * 4096));
        Assert.Equal(whole, Merge(recipe, "p131072", threads: 1, pieceElements: 1 << 17));
    }

    public void Dispose() => _dir.Dispose();

    private string Merge(GraphRecipe recipe, string name, int threads, int? pieceElements)
    {
        string output = _dir.File(name + ".safetensors");
        var options = new MergeOptions { Threads = threads, FlushToDisk = false, HashInputs = false, HashOutput = false };
        GraphMergeResult result = GraphMerger.Merge(recipe, output, options, pieceElements, progress: null, CancellationToken.None);
        Assert.True(result.Plan.MergedCount > 100);
        return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(output)));
    }
}
