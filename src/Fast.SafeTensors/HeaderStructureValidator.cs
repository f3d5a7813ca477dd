using System.Text.Json;
using System.Text.Unicode;

namespace Fast.SafeTensors;

/// <summary>
/// SPEC §1.1 rules 2–3, checked over the whole header before any entry is interpreted, so a file
/// breaking one of them is reported as such and not as whatever entry rule it happens to trip first:
/// valid UTF-8, one well-formed JSON value, an object at the root, nesting at most 4 levels, and no
/// object with the same (unescaped) key twice.
/// </summary>
internal static class HeaderStructureValidator
{
    public const int MaxDepth = 4;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Returns the root object's keys in file order.</summary>
    public static List<string> Validate(ReadOnlySpan<byte> header, string filePath)
    {
        if (!Utf8.IsValid(header))
        {
            throw new SafeTensorsFormatException(filePath, FormatRule.InvalidUtf8);
        }

        // JSON (RFC 8259) has no byte order mark; refuse it rather than let a reader skip it.
        if (header.StartsWith(Utf8Bom))
        {
            throw new SafeTensorsFormatException(filePath, FormatRule.InvalidJson, detail: "starts with a byte order mark");
        }

        var rootKeys = new List<string>();
        // keysByDepth[d] holds the keys of the open object at nesting level d (1 = root).
        var keysByDepth = new HashSet<string>?[MaxDepth + 1];
        keysByDepth[1] = new HashSet<string>(StringComparer.Ordinal);
        bool rootIsObject = false;

        // Depth is enforced by hand (below) so a deep file reports TooDeep; the reader's own limit
        // only has to be above ours.
        var reader = new Utf8JsonReader(header, new JsonReaderOptions { MaxDepth = MaxDepth + 2 });
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        int level = reader.CurrentDepth + 1;
                        if (level > MaxDepth)
                        {
                            throw new SafeTensorsFormatException(filePath, FormatRule.TooDeep, detail: $"level {level} at byte {reader.TokenStartIndex}");
                        }

                        if (level == 1)
                        {
                            rootIsObject = reader.TokenType == JsonTokenType.StartObject;
                        }
                        else if (reader.TokenType == JsonTokenType.StartObject)
                        {
                            (keysByDepth[level] ??= new HashSet<string>(StringComparer.Ordinal)).Clear();
                        }

                        break;

                    case JsonTokenType.PropertyName:
                        int objectLevel = reader.CurrentDepth;
                        string key = objectLevel == 1 ? reader.GetString()! : KnownKeys.GetOrAllocate(ref reader);
                        if (!keysByDepth[objectLevel]!.Add(key))
                        {
                            string? tensor = rootIsObject && objectLevel == 2 && rootKeys[^1] != KnownKeys.Metadata ? rootKeys[^1] : null;
                            throw new SafeTensorsFormatException(filePath, FormatRule.DuplicateKey, tensor, $"\"{key}\" at byte {reader.TokenStartIndex}");
                        }

                        if (objectLevel == 1)
                        {
                            rootKeys.Add(key);
                        }

                        break;

                    case JsonTokenType.String when reader.ValueIsEscaped:
                        // An escaped lone surrogate ("\ud800") is well-formed to the tokenizer but no string: unescape
                        // every escaped value here so it is refused as bad JSON, not met later as a crash.
                        _ = reader.GetString();
                        break;

                    default:
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException(filePath, FormatRule.InvalidJson, detail: FirstLine(e.Message));
        }
        catch (InvalidOperationException e)
        {
            // Raised when unescaping a key or value yields invalid UTF-16 (a lone surrogate escape), which
            // strict JSON parsers reject as well.
            throw new SafeTensorsFormatException(filePath, FormatRule.InvalidJson, detail: FirstLine(e.Message));
        }

        if (!rootIsObject)
        {
            throw new SafeTensorsFormatException(filePath, FormatRule.RootNotObject);
        }

        return rootKeys;
    }

    private static string FirstLine(string message)
    {
        int newline = message.AsSpan().IndexOfAny('\r', '\n');
        return newline < 0 ? message : message[..newline];
    }
}
