using System.Globalization;

namespace Fast.Merging.Lora.Bake;

/// <summary>One LoRA to bake: its file and its strengths.</summary>
/// <param name="Path">The LoRA file (safetensors or a PyTorch checkpoint).</param>
/// <param name="Weights">Its strength, per block.</param>
public sealed record LoraInput(string Path, LoraBlockWeights Weights)
{
    /// <summary>
    /// Reads <c>FILE</c>, <c>FILE:STRENGTH</c> or <c>FILE:STRENGTH:BLOCKS</c> (a preset name or a 12/17/20/26-value
    /// list), supermerger's syntax with the file in place of the LoRA's name. The strength defaults to 1.
    /// </summary>
    /// <exception cref="LoraException">The strength or the block list cannot be read.</exception>
    public static LoraInput Parse(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        string[] parts = text.Split(':', 3);
        if (parts[0].Length == 0)
        {
            throw new LoraException($"'{text}': no LoRA file before ':'");
        }

        if (parts.Length == 1)
        {
            return new LoraInput(parts[0], LoraBlockWeights.Uniform(1.0));
        }

        if (!double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double strength) || !double.IsFinite(strength))
        {
            throw new LoraException($"'{text}': strength '{parts[1]}' is not a number (FILE:STRENGTH[:PRESET|LIST])");
        }

        return new LoraInput(parts[0], LoraBlockWeights.Parse(strength, parts.Length == 3 ? parts[2] : null));
    }
}
