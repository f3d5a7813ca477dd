using System.Text.Json;

namespace Fast.Merging.Bulk;

/// <summary>
/// The strings of a PLAN line must be paths and names a file system and a C caller can hold: no U+0000 (the
/// operating system would cut the path there, or refuse it deep inside a run) and no unpaired surrogate escape
/// (<c>"\ud800"</c> is valid JSON but no text at all).
/// </summary>
internal static class PlanStrings
{
    /// <summary>Checks every member name and string value of <paramref name="element"/> (errors name members as <c>a.path</c>).</summary>
    /// <exception cref="FormatException">A string is unusable; the message names its member.</exception>
    public static void EnsureUsable(JsonElement element, string member = "")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                EnsureUsable(Text(() => element.GetString()!, member), member);
                break;
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    string name = Text(() => property.Name, member.Length == 0 ? "a member name" : member);
                    string path = member.Length == 0 ? name : $"{member}.{name}";
                    EnsureUsable(name, path);
                    EnsureUsable(property.Value, path);
                }

                break;
            case JsonValueKind.Array:
                foreach (JsonElement item in element.EnumerateArray())
                {
                    EnsureUsable(item, member);
                }

                break;
            default:
                break;
        }
    }

    private static void EnsureUsable(string text, string member)
    {
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new FormatException($"{Quote(member)} contains a NUL character (\\u0000), which no path or name may hold");
        }
    }

    /// <summary>Decodes a JSON string; System.Text.Json refuses an unpaired surrogate only when asked for the text.</summary>
    private static string Text(Func<string> read, string member)
    {
        try
        {
            return read();
        }
        catch (InvalidOperationException)
        {
            throw new FormatException($"{Quote(member)} holds an unpaired surrogate escape (such as \\ud800), which is not text");
        }
    }

    private static string Quote(string member) => member.Length == 0 ? "a string" : $"\"{member.Replace("\0", "\\u0000", StringComparison.Ordinal)}\"";
}
