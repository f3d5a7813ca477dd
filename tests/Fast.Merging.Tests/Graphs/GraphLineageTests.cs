using System.Text.Json;
using Fast.Merging.Api;
using Fast.Merging.Architectures;
using Fast.Merging.Graphs;
using Fast.Merging.Hashing;
using Fast.Merging.Synthesis;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Graphs;

/// <summary>A recipe-graph output records the A1111 lineage keys and the model spec keys, as a plain merge does.</summary>
public sealed class GraphLineageTests : IDisposable
{
    private readonly TempDir _dir = new("fastmerge-graph-lineage-");

    [Fact]
    public void GraphOutputRecordsItsInputsForA1111AndModelSpec()
    {
        string[] paths = [.. new[] { "base", "m1", "m2", "unused" }.Select((name, i) =>
            SyntheticCheckpoint.Write(_dir.File(name + ".safetensors"), ArchitectureId.Sd1, SyntheticDTypes.F16, (ulong)(21 + i)))];
        var recipe = new GraphRecipe
        {
            Inputs = [new("base", paths[0]), new("m1", paths[1]), new("m2", paths[2]), new("unused", paths[3])],
            Merges = [new GraphMerge { Name = "out", Method = "ties", Base = "base", Models = ["m1", "m2"], Density = "0.5" }],
            Output = "out",
        };
        string output = _dir.File("out.safetensors");
        GraphMerger.Merge(recipe, output, new MergeOptions { Threads = 2, FlushToDisk = false, HashOutput = false });

        using SafeTensorsFile file = SafeTensorsFile.Open(output, ReadMode.Buffered);
        var metadata = file.Metadata.ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        using (JsonDocument sdRecipe = JsonDocument.Parse(metadata["sd_merge_recipe"]))
        {
            Assert.Equal("fastmerge", sdRecipe.RootElement.GetProperty("type").GetString());
            Assert.Equal("ties", sdRecipe.RootElement.GetProperty("recipe_graph").GetProperty("merges")[0].GetProperty("method").GetString());
        }

        using (JsonDocument models = JsonDocument.Parse(metadata["sd_merge_models"]))
        {
            string[] listed = [.. models.RootElement.EnumerateObject().Select(p => p.Name)];
            string[] expected = [.. paths.Take(3).Select(p => HashCache.Default.Get(p, CancellationToken.None).Sha256)];
            Assert.Equal(expected, listed);
            Assert.Equal("m1.safetensors", models.RootElement.GetProperty(expected[1]).GetProperty("name").GetString());
        }

        Assert.Equal("base, m1, m2", metadata["modelspec.merged_from"]);
        Assert.Equal("base_x_m1_x_m2_ties", metadata["modelspec.title"]);
    }

    public void Dispose() => _dir.Dispose();
}
