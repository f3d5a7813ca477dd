using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Lora.Bake;

/// <summary>How <see cref="LoraBaker"/> writes its output.</summary>
public sealed record LoraBakeOptions
{
    /// <summary>The output dtype; <see cref="OutputDType.Keep"/> keeps each tensor's own.</summary>
    public OutputDType DType { get; init; } = OutputDType.Keep;

    /// <summary>Replace an existing output file.</summary>
    public bool Overwrite { get; init; }

    /// <summary>How inputs are read.</summary>
    public ReadMode ReadMode { get; init; } = ReadMode.Mapped;

    /// <summary>Worker threads; 0 for one per processor.</summary>
    public int Threads { get; init; }

    /// <summary>Flush the output to disk before renaming it into place.</summary>
    public bool FlushToDisk { get; init; } = true;
}
