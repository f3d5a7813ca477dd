using Fast.Kernels;

namespace Fast.Merging.Diff;

/// <summary>What <see cref="ModelDiff.Compare"/> found: per section, group and tensor, and the keys it could not compare.</summary>
public sealed record DiffReport
{
    /// <summary>A's path as given.</summary>
    public required string PathA { get; init; }

    /// <summary>B's path as given.</summary>
    public required string PathB { get; init; }

    /// <summary>A's architecture name, or <c>unknown</c>.</summary>
    public required string ArchitectureA { get; init; }

    /// <summary>B's architecture name, or <c>unknown</c>.</summary>
    public required string ArchitectureB { get; init; }

    /// <summary>The block layout the denoiser is grouped by (<c>SD</c>, <c>SDXL</c>, <c>Flux</c>, <c>SD3</c>, ...; <c>none</c> when unknown).</summary>
    public required string Layout { get; init; }

    /// <summary>Where the sums were computed (<c>cpu</c> or the device's name).</summary>
    public required string Device { get; init; }

    /// <summary>The sections, the denoiser first.</summary>
    public required IReadOnlyList<DiffSection> Sections { get; init; }

    /// <summary>Every compared tensor, in A's file order.</summary>
    public required IReadOnlyList<TensorDifference> Tensors { get; init; }

    /// <summary>Keys only A has.</summary>
    public required IReadOnlyList<string> OnlyInA { get; init; }

    /// <summary>Keys only B has.</summary>
    public required IReadOnlyList<string> OnlyInB { get; init; }

    /// <summary>Keys both have with different shapes, as <c>key [a] vs [b]</c>.</summary>
    public required IReadOnlyList<string> ShapeMismatches { get; init; }

    /// <summary>Keys both have that are not floating point in one of them (integer position ids), not compared.</summary>
    public required IReadOnlyList<string> NotCompared { get; init; }

    /// <summary>Bytes read from both files.</summary>
    public required long BytesRead { get; init; }

    /// <summary>All compared tensors together.</summary>
    public DifferenceSums Total => Sections.Aggregate(default(DifferenceSums), (total, s) => total.Then(s.Sums));
}
