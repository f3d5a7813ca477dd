namespace Fast.Merging.Doctor;

/// <summary>What <see cref="ModelChecker"/> computes besides the header analysis.</summary>
public sealed record CheckOptions
{
    /// <summary>Counts NaN and ±Inf in every floating tensor.</summary>
    public bool ScanNonFinite { get; init; } = true;

    /// <summary>Computes the content hash of every component.</summary>
    public bool HashComponents { get; init; } = true;
}
