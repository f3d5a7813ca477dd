namespace Fast.Merging.Lora.Merge;

/// <summary>How <see cref="LoraMerger"/> combines modules.</summary>
public enum LoraMergeMode
{
    /// <summary>
    /// Same-rank sum of the factors (kohya-ss <c>merge_lora.py</c> <c>merge_lora_models</c>, supermerger's "Merge LoRAs"):
    /// <c>up = Σ |sᵢ|·upᵢ</c>, <c>down = Σ sᵢ·downᵢ</c> with <c>sᵢ = √(αᵢ/α₀)·ratioᵢ</c>, alpha of the first LoRA.
    /// The product of the sums is not the sum of the products; this is the tools' approximation.
    /// </summary>
    Sum,

    /// <summary>
    /// Rank concatenation: <c>up = [ratioᵢ·(αᵢ/rᵢ)·upᵢ …]</c>, <c>down = [downᵢ; …]</c>, alpha = total rank, so the
    /// merged <c>ΔW</c> is exactly <c>Σ ratioᵢ·(αᵢ/rᵢ)·upᵢ·downᵢ</c>, what baking the LoRAs one by one adds.
    /// </summary>
    Concat,
}
