using System.Text.Json;

namespace Fast.Native;

/// <summary>Reading the small JSON requests of the C API with messages that name the member at fault.</summary>
internal static class JsonRequest
{
    public static JsonDocument Parse(string json, string what)
    {
        JsonDocument document;
        try
        {
            // Duplicate members (also spelled differently, "recipe" and "r\u0065cipe") are refused as the safetensors
            // header rules refuse them: last-wins would run another request than the one the caller reviewed.
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            throw new NativeInputException($"{what} is not valid JSON: {ex.Message}");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new NativeInputException($"{what} must be a JSON object");
        }

        string? bad;
        try
        {
            bad = FirstStringWithNul(document.RootElement);
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json accepts "\ud800" while parsing and refuses it only when asked for the text (status 3 before).
            document.Dispose();
            throw new NativeInputException($"{what}: a string holds an unpaired surrogate escape (such as \\ud800), which is not text");
        }

        if (bad is not null)
        {
            document.Dispose();
            throw new NativeInputException($"{what}: \"{bad}\" contains a NUL character (\\u0000), which no path or name may hold");
        }

        return document;
    }

    /// <summary>The member whose string value holds U+0000: C and the file system would cut the path there.</summary>
    private static string? FirstStringWithNul(JsonElement element, string name = "")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return element.GetString()!.Contains('\0', StringComparison.Ordinal) ? name : null;
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    if (FirstStringWithNul(property.Value, property.Name) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                foreach (JsonElement item in element.EnumerateArray())
                {
                    if (FirstStringWithNul(item, name) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    public static void EnsureOnly(JsonElement root, string what, params string[] known)
    {
        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (Array.IndexOf(known, property.Name) < 0)
            {
                string? meant = Fast.Merging.Recipes.NameSuggestion.Closest(property.Name, known);
                throw new NativeInputException($"{what}: unknown parameter '{property.Name}'{(meant is null ? string.Empty : $" (did you mean '{meant}'?)")} (expected {string.Join(", ", known)})");
            }
        }
    }

    public static string RequiredString(JsonElement root, string name, string what) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new NativeInputException($"{what}: \"{name}\" must be a non-empty string");

    public static bool? OptionalBool(JsonElement root, string name, string what)
    {
        if (!root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new NativeInputException($"{what}: \"{name}\" must be true or false"),
        };
    }

    public static int? OptionalInt(JsonElement root, string name, string what, int min, int max)
    {
        if (!root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) && number >= min && number <= max
            ? number
            : throw new NativeInputException($"{what}: \"{name}\" must be an integer from {min} to {max}");
    }

    public static string? OptionalString(JsonElement root, string name, string what)
    {
        if (!root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new NativeInputException($"{what}: \"{name}\" must be a non-empty string or null");
    }

    public static T? OptionalChoice<T>(JsonElement root, string name, string what, IReadOnlyDictionary<string, T> choices)
        where T : struct
    {
        if (OptionalString(root, name, what) is not { } text)
        {
            return null;
        }

        return choices.TryGetValue(text, out T choice)
            ? choice
            : throw new NativeInputException($"{what}: \"{name}\" must be one of {string.Join(", ", choices.Keys)}, not \"{text}\"");
    }
}
