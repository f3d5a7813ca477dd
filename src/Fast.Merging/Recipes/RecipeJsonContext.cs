using System.Text.Json.Serialization;

namespace Fast.Merging.Recipes;

/// <summary>Source-generated serializer for recipes: no reflection, so it works trimmed and under NativeAOT.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowTrailingCommas = false)]
[JsonSerializable(typeof(RecipeDocument))]
internal sealed partial class RecipeJsonContext : JsonSerializerContext;
