using Fast.Merging.Methods;

namespace Fast.Merging.Recipes;

/// <summary>Parses and prints the names users and other tools use for modes, calcmodes, policies and dtypes.</summary>
public static class RecipeNames
{
    /// <summary>Short (<c>ws</c>) or supermerger (<c>Weight sum</c>) names, any case.</summary>
    /// <exception cref="InvalidRecipeException">Unknown name.</exception>
    public static MergeMode ParseMode(string text) =>
        (MergeModeCatalog.Find(Normalize(text)) ?? throw Unknown("mode", text, string.Join(", ", MergeModeCatalog.All.Select(e => e.ShortName)))).Mode;

    /// <summary>The short name (<c>ws</c>).</summary>
    public static string ShortName(MergeMode mode) => MergeModeCatalog.Get(mode).ShortName;

    /// <summary>The name supermerger writes into <c>sd_merge_recipe</c> (<c>Weight sum</c>, <c>sum Twice</c>, ...).</summary>
    public static string ReferenceName(MergeMode mode) => MergeModeCatalog.Get(mode).ReferenceName;

    /// <summary>Calcmode names as supermerger spells them, any case; <c>smoothAdd MT</c> is <see cref="CalcMode.SmoothAdd"/>.</summary>
    /// <exception cref="InvalidRecipeException">Unknown name.</exception>
    public static CalcMode ParseCalcMode(string text) =>
        (CalcModeCatalog.Find(Normalize(text)) ?? throw Unknown("calcmode", text, string.Join(", ", CalcModeCatalog.DisplayNames))).CalcMode;

    /// <summary>The supermerger spelling (<c>trainDifference</c>).</summary>
    public static string Name(CalcMode mode) => CalcModeCatalog.Get(mode).Name;

    /// <summary><c>reset</c>, <c>keep</c> or <c>merge</c>.</summary>
    /// <exception cref="InvalidRecipeException">Unknown name.</exception>
    public static PositionIdsPolicy ParsePositionIds(string text) => Normalize(text) switch
    {
        "reset" => PositionIdsPolicy.Reset,
        "keep" => PositionIdsPolicy.Keep,
        "merge" => PositionIdsPolicy.Merge,
        _ => throw Unknown("position-ids policy", text, "reset, keep, merge"),
    };

    /// <summary><c>keep</c>, <c>fp16</c>, <c>bf16</c>, <c>fp32</c>, <c>fp8_e4m3</c>, <c>fp8_e5m2</c> (also <c>fp8-e4m3</c>, <c>e4m3fn</c>).</summary>
    /// <exception cref="InvalidRecipeException">Unknown name.</exception>
    public static OutputDType ParseOutputDType(string text) =>
        OutputDTypes.TryParse(text, out OutputDType dtype) ? dtype : throw Unknown("dtype", text, string.Join(", ", OutputDTypes.Names));

    // Spaces, '-', '_' and case do not matter: "Add difference", "add-difference" and "AD" are the same name.
    private static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Concat(text.Where(c => c is not (' ' or '-' or '_'))).ToLowerInvariant();
    }

    private static InvalidRecipeException Unknown(string what, string text, string choices) =>
        new([new RecipeError(RecipeErrorKind.UnknownName, $"Unknown {what} '{text}'; use one of {choices}.")]);
}
