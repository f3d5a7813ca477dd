namespace Fast.Merging.Diff;

/// <summary>
/// The rows of the text-encoder and VAE tables: a key's name below its component prefix cut after its first numbered
/// part (<c>encoder.layers.3</c>, <c>transformer.resblocks.11</c>, <c>decoder.up.2</c>), else after two parts
/// (<c>encoder.mid</c>, <c>embeddings.token_embedding</c>), never including the parameter name itself
/// (<c>quant_conv</c>, <c>final_layer_norm</c>).
/// </summary>
public static class DiffGrouping
{
    /// <summary>The group of <paramref name="relativeName"/> (a key without its component prefix).</summary>
    public static string GroupOf(string relativeName)
    {
        ArgumentNullException.ThrowIfNull(relativeName);
        string[] parts = relativeName.Split('.');
        if (parts.Length == 1)
        {
            return relativeName;
        }

        int take = Math.Min(2, parts.Length - 1);
        for (int i = 0; i < Math.Min(4, parts.Length - 1); i++)
        {
            if (parts[i].Length > 0 && parts[i].All(char.IsAsciiDigit))
            {
                take = i + 1;
                break;
            }
        }

        return string.Join('.', parts, 0, take);
    }
}
