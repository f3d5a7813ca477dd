using Fast.Merging.Recipes;

namespace Fast.Merging.Methods;

/// <summary>Every calcmode, one entry each (SPEC §3–4): names, spellings, what it reads and its exactness contract.</summary>
public static class CalcModeCatalog
{
    private static readonly CalcModeEntry[] s_all =
    [
        new(CalcMode.Normal, "normal", ["normal"], false, false, "bit-identical"),
        new(CalcMode.CosineA, "cosineA", ["cosinea"], false, false, "bit-identical (torch's reduction orders)"),
        new(CalcMode.CosineB, "cosineB", ["cosineb"], false, false, "bit-identical (torch's reduction orders)"),
        new(CalcMode.TrainDifference, "trainDifference", ["traindifference"], false, false, "bit-identical"),
        new(CalcMode.SmoothAdd, "smoothAdd", ["smoothadd", "smoothaddmt"], false, false, "bit-identical (scipy's median and gaussian)") { OtherNames = ["smoothAdd MT"] },
        new(CalcMode.Tensor, "tensor", ["tensor"], true, false, "bit-identical"),
        new(CalcMode.Tensor2, "tensor2", ["tensor2"], true, false, "bit-identical"),
        new(CalcMode.Extract, "extract", ["extract"], true, true, "within 1 ulp of the output dtype"),
    ];

    /// <summary>Every calcmode in supermerger's order.</summary>
    public static IReadOnlyList<CalcModeEntry> All => s_all;

    /// <summary>Every accepted calcmode name as users write them (<c>smoothAdd MT</c> included), in supermerger's order.</summary>
    public static IEnumerable<string> DisplayNames => s_all.SelectMany(e => e.DisplayNames);

    /// <summary>The entry of <paramref name="calcMode"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value no entry declares.</exception>
    public static CalcModeEntry Get(CalcMode calcMode) =>
        Array.Find(s_all, e => e.CalcMode == calcMode) ?? throw new ArgumentOutOfRangeException(nameof(calcMode), calcMode, "No calcmode has that value.");

    /// <summary>The entry one of whose spellings is <paramref name="normalized"/>, or null.</summary>
    internal static CalcModeEntry? Find(string normalized) => Array.Find(s_all, e => e.Spellings.Contains(normalized));
}
