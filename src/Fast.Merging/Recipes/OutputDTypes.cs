using Fast.SafeTensors;

namespace Fast.Merging.Recipes;

/// <summary>
/// The one table of output dtype names: the canonical name each <see cref="OutputDType"/> is written with (recipes,
/// metadata, messages) and the spellings accepted for it. The CLI (merge, fix, bulk), the library's recipe JSON and the
/// C ABI all parse through here, so a name one accepts the others accept; the merge planner and the doctor ask it what
/// a tensor is stored as.
/// </summary>
public static class OutputDTypes
{
    // Stored: the file dtype a floating tensor is written as (null for keep: its own).
    private static readonly (OutputDType Value, string Name, string[] Spellings, DType? Stored)[] s_table =
    [
        (OutputDType.Keep, "keep", ["keep"], null),
        (OutputDType.Fp16, "fp16", ["fp16", "f16", "half"], DType.F16),
        (OutputDType.Bf16, "bf16", ["bf16"], DType.BF16),
        (OutputDType.Fp32, "fp32", ["fp32", "f32", "float"], DType.F32),
        (OutputDType.Fp8E4M3, "fp8_e4m3", ["fp8e4m3", "fp8e4m3fn", "e4m3", "e4m3fn", "f8e4m3"], DType.F8_E4M3),
        (OutputDType.Fp8E5M2, "fp8_e5m2", ["fp8e5m2", "e5m2", "f8e5m2"], DType.F8_E5M2),
    ];

    /// <summary>The canonical names in table order: <c>keep, fp16, bf16, fp32, fp8_e4m3, fp8_e5m2</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. s_table.Select(e => e.Name)];

    /// <summary>The canonical name of <paramref name="dtype"/>.</summary>
    public static string Name(OutputDType dtype) => s_table.First(e => e.Value == dtype).Name;

    /// <summary>
    /// The dtype a tensor stored as <paramref name="source"/> in A is written as (SPEC §8): <paramref name="requested"/>'s
    /// for a floating tensor, its own for keep and for anything else (integers, bool).
    /// </summary>
    /// <param name="source">The tensor's dtype in A.</param>
    /// <param name="requested">The recipe's output dtype.</param>
    /// <returns>The output file's dtype for the tensor.</returns>
    public static DType StoredAs(DType source, OutputDType requested) =>
        ElementTypes.TryGet(source, out _) ? s_table.First(e => e.Value == requested).Stored ?? source : source;

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
