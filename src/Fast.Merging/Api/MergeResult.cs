using Fast.Merging.Hashing;
using Fast.Merging.Planning;
using Fast.Merging.PositionIds;

namespace Fast.Merging.Api;

/// <summary>What a finished merge did.</summary>
public sealed record MergeResult
{
    /// <summary>The plan that ran: every output tensor's action, and the output metadata.</summary>
    public required MergePlan Plan { get; init; }

    /// <summary>The output file's full path; null for stream and callback merges.</summary>
    public string? OutputPath { get; init; }

    /// <summary>The output's hashes when <see cref="MergeOptions.HashOutput"/> is on (file and stream merges).</summary>
    public ModelHashes? OutputHashes { get; init; }

    /// <summary>The inputs' hashes in the order A, B, C (empty when <see cref="MergeOptions.HashInputs"/> is off).</summary>
    public IReadOnlyList<ModelHashes> InputHashes { get; init; } = [];

    /// <summary>
    /// What the caller should be told although the merge ran: an input whose sha256 differs from the one the recipe
    /// records (<see cref="Recipes.RecordedInputCheck"/>; checked when <see cref="MergeOptions.HashInputs"/> is on).
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The device that computed: "cpu" or the accelerator's name.</summary>
    public required string Device { get; init; }

    /// <summary>Wall-clock time from opening the inputs to the committed output.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The SPEC §7 check of every CLIP position-ids key in model A.</summary>
    public IReadOnlyDictionary<string, PositionIdsReport> PositionIdsBefore { get; init; } = new Dictionary<string, PositionIdsReport>();

    /// <summary>The same check on the written file (file merges only; empty otherwise).</summary>
    public IReadOnlyDictionary<string, PositionIdsReport> PositionIdsAfter { get; init; } = new Dictionary<string, PositionIdsReport>();
}
