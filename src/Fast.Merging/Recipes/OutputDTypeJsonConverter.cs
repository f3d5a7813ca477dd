using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fast.Merging.Recipes;

/// <summary>Reads a recipe's <c>dtype</c> through <see cref="OutputDTypes"/> (every accepted spelling) and writes the canonical name.</summary>
internal sealed class OutputDTypeJsonConverter : JsonConverter<OutputDType>
{
    public override OutputDType Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && OutputDTypes.TryParse(reader.GetString(), out OutputDType dtype)
            ? dtype
            : throw new JsonException($"dtype must be one of {string.Join(", ", OutputDTypes.Names)}");

    public override void Write(Utf8JsonWriter writer, OutputDType value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(OutputDTypes.Name(value));
    }
}
