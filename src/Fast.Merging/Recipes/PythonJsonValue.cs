using System.Globalization;
using System.Text.Json;

namespace Fast.Merging.Recipes;

/// <summary>
/// Metadata values as A1111 reads them and writes them back: <c>modules/sd_models.py</c>
/// <c>read_metadata_from_safetensors</c> turns a value that starts with <c>{</c> into a dict with <c>json.loads</c> (and
/// keeps the string when that fails); <c>json.dumps</c> then writes the dict again. Re-emitting keeps Python's
/// formatting (<see cref="PythonJsonWriter"/>), so a value copied from an input reads as A1111 would have copied it.
/// </summary>
internal static class PythonJsonValue
{
    /// <summary>The value parsed as A1111 parses metadata: an object when it starts with <c>{</c> and is valid JSON.</summary>
    public static bool TryParseObject(string? value, out JsonElement parsed)
    {
        parsed = default;
        if (value is null || !value.StartsWith('{'))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(value);
            parsed = document.RootElement.Clone();
            return parsed.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Writes <paramref name="value"/> as <c>json.dumps(json.loads(text))</c> would.</summary>
    public static void Write(PythonJsonWriter json, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                json.BeginObject();
                foreach (JsonProperty property in value.EnumerateObject())
                {
                    json.Name(property.Name);
                    Write(json, property.Value);
                }

                json.EndObject();
                break;
            case JsonValueKind.Array:
                json.BeginArray();
                foreach (JsonElement item in value.EnumerateArray())
                {
                    Write(json, item);
                }

                json.EndArray();
                break;
            case JsonValueKind.String:
                json.String(value.GetString());
                break;
            case JsonValueKind.Number:
                // json.loads makes a float of a number with a fraction or exponent, an int otherwise.
                string raw = value.GetRawText();
                if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0 && long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer))
                {
                    json.Integer(integer);
                }
                else
                {
                    json.Number(value.GetDouble());
                }

                break;
            case JsonValueKind.True:
                json.Boolean(true);
                break;
            case JsonValueKind.False:
                json.Boolean(false);
                break;
            default:
                json.Null();
                break;
        }
    }
}
