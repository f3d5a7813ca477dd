using Fast.Merging.Execution;
using Fast.Merging.Planning;

namespace Fast.Merging.Bulk;

/// <summary>
/// A variant ready to run in a wave: its plan (exactly what <c>fastmerge merge</c> would plan), its opened inputs read
/// through the wave's shared windows, its sink and operations once the wave starts, and whether it failed meanwhile.
/// </summary>
internal sealed class PreparedVariant(BulkVariant variant, MergePlan plan, MergeSources sources, Execution.Calcmodes.WholeTensorMerge whole)
{
    public BulkVariant Variant { get; } = variant;

    public MergePlan Plan { get; } = plan;

    public MergeSources Sources { get; } = sources;

    public Execution.Calcmodes.WholeTensorMerge Whole { get; } = whole;

    /// <summary>The plan's tensors by name.</summary>
    public Dictionary<string, PlannedTensor> Tensors { get; } = plan.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public OutputLayout Layout { get; } = OutputLayout.Of(plan);

    public IMergeSink? Sink { get; set; }

    public HashingMergeSink? Hasher { get; set; }

    public TensorOperations? Operations { get; set; }

    /// <summary>Set once when the variant fails; it then does no more work.</summary>
    public string? Error { get; set; }

    public string? Sha256 { get; set; }

    /// <summary>Inputs whose sha256 is not the one the recipe records (<see cref="Recipes.RecordedInputCheck"/>).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Output data bytes.</summary>
    public long OutputBytes => Layout.DataLength;
}
