using Fast.Merging.Hashing;

namespace Fast.Merging.Graphs;

/// <summary>What a finished recipe-graph merge did.</summary>
public sealed record GraphMergeResult
{
    /// <summary>The plan that ran (its metadata is what the file holds).</summary>
    public required GraphPlan Plan { get; init; }

    /// <summary>The output file's full path.</summary>
    public required string OutputPath { get; init; }

    /// <summary>The output's hashes when asked for.</summary>
    public ModelHashes? OutputHashes { get; init; }

    /// <summary>The device that computed.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Wall-clock time from opening the inputs to the committed output.</summary>
    public TimeSpan Elapsed { get; init; }
}
