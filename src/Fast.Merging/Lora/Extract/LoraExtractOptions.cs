using Fast.SafeTensors;

namespace Fast.Merging.Lora.Extract;

/// <summary>What <see cref="LoraExtractor"/> extracts (kohya-ss <c>networks/extract_lora_from_models.py</c> options).</summary>
public sealed record LoraExtractOptions
{
    /// <summary>Rank of the linear and 1×1 modules (kohya <c>--dim</c>).</summary>
    public int Rank { get; init; } = 4;

    /// <summary>Rank of the 3×3 convolutions; null extracts no ResNet/sampler modules (kohya <c>--conv_dim</c>).</summary>
    public int? ConvRank { get; init; }

    /// <summary>Clamp both factors to ± this quantile of their joined values; null for no clamp (kohya default 0.99).</summary>
    public double? ClampQuantile { get; init; } = 0.99;

    /// <summary>The text encoders are extracted only when some weight differs by more than this (kohya <c>--min_diff</c>).</summary>
    public double MinDiff { get; init; } = 0.01;

    /// <summary>The dtype of the written factors: F32 (kohya's default), F16 or BF16.</summary>
    public DType DType { get; init; } = DType.F32;

    /// <summary>Power iterations of the randomised SVD.</summary>
    public int PowerIterations { get; init; } = 4;

    /// <summary>Replace an existing output file.</summary>
    public bool Overwrite { get; init; }

    /// <summary>How inputs are read.</summary>
    public ReadMode ReadMode { get; init; } = ReadMode.Mapped;

    /// <summary>Modules extracted at once; 0 for one per processor.</summary>
    public int Threads { get; init; }
}
