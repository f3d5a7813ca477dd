namespace Fast.Merging.Recipes;

/// <summary>
/// The one table of output dtype names: the canonical name each <see cref="OutputDType"/> is written with (recipes,
/// metadata, messages) and the spellings accepted for it. The CLI (merge, fix, bulk), the library's recipe JSON and the
/// C ABI all parse through here, so a name one accepts the others accept.
/// </summary>
public static class OutputDTypes
{
    private static readonly (OutputDType Value, string Name, string[] Spellings)[] s_table =
    [
        (OutputDType.Keep, "keep", ["keep"]),
        (OutputDType.Fp16, "fp16", ["fp16", "f16", "half"]),
        (OutputDType.Bf16, "bf16", ["bf16"]),
        (OutputDType.Fp32, "fp32", ["fp32", "f32", "float"]),
        (OutputDType.Fp8E4M3, "fp8_e4m3", ["fp8e4m3", "fp8e4m3fn", "e4m3", "e4m3fn", "f8e4m3"]),
        (OutputDType.Fp8E5M2, "fp8_e5m2", ["fp8e5m2", "e5m2", "f8e5m2"]),
    ];

    /// <summary>The canonical names in table order: <c>keep, fp16, bf16, fp32, fp8_e4m3, fp8_e5m2</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. s_table.Select(e => e.Name)];

    /// <summary>The canonical name of <paramref name="dtype"/>.</summary>
    public static string Name(OutputDType dtype) => s_table.First(e => e.Value == dtype).Name;

    /// <summary>Parses a name; case, spaces, '-' and '_' do not matter (<c>FP8-E4M3</c> is <c>fp8_e4m3</c>).</summary>
    public static bool TryParse(string? text, out OutputDType dtype)
    {
        dtype = OutputDType.Keep;
        if (text is null)
        {
            return false;
        }

        string key = string.Concat(text.Where(c => c is not (' ' or '-' or '_'))).ToLowerInvariant();
        foreach (var entry in s_table)
        {
            if (entry.Spellings.Contains(key, StringComparer.Ordinal))
            {
                dtype = entry.Value;
                return true;
            }
        }

        return false;
    }
}
