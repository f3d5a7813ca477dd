namespace Fast.Merging.Lora.Bake;

/// <summary>What <see cref="LoraBaker.Bake"/> wrote.</summary>
/// <param name="OutputPath">The output file.</param>
/// <param name="TensorCount">Tensors written.</param>
/// <param name="UpdatedTensors">Model tensors a LoRA changed.</param>
/// <param name="AppliedModules">Modules applied, per LoRA in the order given.</param>
/// <param name="Unmatched">Modules with no weight in the model (per LoRA path), as supermerger lists its "unmerged modules".</param>
public sealed record LoraBakeResult(
    string OutputPath, int TensorCount, int UpdatedTensors, IReadOnlyList<int> AppliedModules, IReadOnlyList<(string Lora, string Module)> Unmatched);
