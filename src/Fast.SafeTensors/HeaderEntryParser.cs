using System.Text.Json;

namespace Fast.SafeTensors;

/// <summary>
/// SPEC §1.1 rules 4–8 on a header whose JSON structure already passed
/// <see cref="HeaderStructureValidator"/>: metadata, tensor entries, sizes, and the data layout.
/// </summary>
internal static class HeaderEntryParser
{
    public static SafeTensorsHeader Parse(ReadOnlySpan<byte> header, List<string> rootKeys, long dataLength, string filePath)
    {
        var reader = new Utf8JsonReader(header, new JsonReaderOptions { MaxDepth = HeaderStructureValidator.MaxDepth + 2 });
        reader.Read(); // root StartObject, known good

        var tensors = new List<TensorInfo>(rootKeys.Count);
        KeyValuePair<string, string>[] metadata = [];
        var shapeBuffer = new List<long>();
        int keyIndex = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = rootKeys[keyIndex++];
            reader.Read();
            if (name == KnownKeys.Metadata)
            {
                metadata = ParseMetadata(ref reader, filePath);
            }
            else
            {
                tensors.Add(ParseTensor(ref reader, name, shapeBuffer, filePath));
            }
        }

        TensorInfo[] inFileOrder = tensors.ToArray();
        TensorInfo[] inDataOrder = CheckLayout(inFileOrder, dataLength, filePath);
        return new SafeTensorsHeader(header.Length, inFileOrder, inDataOrder, metadata);
    }

    private static KeyValuePair<string, string>[] ParseMetadata(ref Utf8JsonReader reader, string filePath)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return [];
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new SafeTensorsFormatException(filePath, FormatRule.InvalidMetadata, detail: $"found {Describe(reader.TokenType)}");
        }

        var entries = new List<KeyValuePair<string, string>>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new SafeTensorsFormatException(
                    filePath, FormatRule.InvalidMetadata, detail: $"value of \"{key}\" is {Describe(reader.TokenType)}, not a string");
            }

            entries.Add(new KeyValuePair<string, string>(key, reader.GetString()!));
        }

        return entries.ToArray();
    }

    private static TensorInfo ParseTensor(ref Utf8JsonReader reader, string name, List<long> shapeBuffer, string filePath)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new SafeTensorsFormatException(filePath, FormatRule.InvalidTensorEntry, name, $"found {Describe(reader.TokenType)}");
        }

        DType? dtype = null;
        long[]? shape = null;
        long start = -1;
        long end = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(KnownKeys.DType))
            {
                reader.Read();
                dtype = ParseDType(ref reader, name, filePath);
            }
            else if (reader.ValueTextEquals(KnownKeys.Shape))
            {
                reader.Read();
                shape = ParseShape(ref reader, name, shapeBuffer, filePath);
            }
            else if (reader.ValueTextEquals(KnownKeys.DataOffsets))
            {
                reader.Read();
                (start, end) = ParseDataOffsets(ref reader, name, filePath);
            }
            else
            {
                throw new SafeTensorsFormatException(
                    filePath, FormatRule.InvalidTensorEntry, name, $"unexpected key \"{reader.GetString()}\"");
            }
        }

        if (dtype is null || shape is null || start < 0)
        {
            string missing = dtype is null ? KnownKeys.DType : shape is null ? KnownKeys.Shape : KnownKeys.DataOffsets;
            throw new SafeTensorsFormatException(filePath, FormatRule.InvalidTensorEntry, name, $"missing \"{missing}\"");
        }

        long elementCount = TensorSize.ElementCount(shape, name, filePath);
        if (elementCount == 0)
        {
            TensorSize.EnsureEmptyShapeFits(dtype.Value, shape, name, filePath);
        }

        long byteLength = TensorSize.ByteLength(dtype.Value, elementCount, name, filePath);
        if (end - start != byteLength)
        {
            throw new SafeTensorsFormatException(
                filePath, FormatRule.ByteLengthMismatch, name,
                $"data_offsets span {end - start} bytes, {DTypeInfo.ToJsonName(dtype.Value)} [{string.Join(',', shape)}] needs {byteLength}");
        }

        return new TensorInfo(name, dtype.Value, shape, elementCount, start, end);
    }

    private static DType ParseDType(ref Utf8JsonReader reader, string name, string filePath)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new SafeTensorsFormatException(filePath, FormatRule.InvalidTensorEntry, name, $"dtype is {Describe(reader.TokenType)}, not a string");
        }

        // Longest dtype name is 11 bytes; anything much longer cannot match, escaped or not.
        const int MaxNameBytes = 32;
        if (reader.ValueSpan.Length <= MaxNameBytes)
        {
            Span<byte> unescaped = stackalloc byte[MaxNameBytes];
            int length = reader.ValueIsEscaped ? reader.CopyString(unescaped) : CopyRaw(reader.ValueSpan, unescaped);
            if (DTypeInfo.TryParseUtf8(unescaped[..length], out DType dtype))
            {
                return dtype;
            }
        }

        throw new SafeTensorsFormatException(filePath, FormatRule.UnknownDType, name, $"\"{Truncate(reader.GetString()!)}\"");
    }

    private static int CopyRaw(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        source.CopyTo(destination);
        return source.Length;
    }

    private static long[] ParseShape(ref Utf8JsonReader reader, string name, List<long> buffer, string filePath)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new SafeTensorsFormatException(filePath, FormatRule.InvalidShape, name, $"found {Describe(reader.TokenType)}, not an array");
        }

        buffer.Clear();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (!TryReadNonNegativeInteger(ref reader, out long dim))
            {
                throw new SafeTensorsFormatException(filePath, FormatRule.InvalidShape, name, $"dimension {buffer.Count} is {DescribeValue(ref reader)}");
            }

            buffer.Add(dim);
        }

        return buffer.Count == 0 ? [] : buffer.ToArray();
    }

    private static (long Start, long End) ParseDataOffsets(ref Utf8JsonReader reader, string name, string filePath)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new SafeTensorsFormatException(filePath, FormatRule.InvalidDataOffsets, name, $"found {Describe(reader.TokenType)}, not an array");
        }

        Span<long> offsets = stackalloc long[2];
        int count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (count == 2)
            {
                throw new SafeTensorsFormatException(filePath, FormatRule.InvalidDataOffsets, name, "more than two values");
            }

            if (!TryReadNonNegativeInteger(ref reader, out offsets[count]))
            {
                throw new SafeTensorsFormatException(filePath, FormatRule.InvalidDataOffsets, name, $"value {count} is {DescribeValue(ref reader)}");
            }

            count++;
        }

        if (count != 2)
        {
            throw new SafeTensorsFormatException(filePath, FormatRule.InvalidDataOffsets, name, $"{count} values instead of two");
        }

        if (offsets[1] < offsets[0])
        {
            throw new SafeTensorsFormatException(filePath, FormatRule.InvalidDataOffsets, name, $"end {offsets[1]} < start {offsets[0]}");
        }

        return (offsets[0], offsets[1]);
    }

    /// <summary>
    /// Accepts only a plain run of decimal digits that fits in a long: no sign (not even "-0"),
    /// no fraction ("1.0"), no exponent ("1e3"). JSON numbers are never escaped, so the raw bytes are the text.
    /// </summary>
    private static bool TryReadNonNegativeInteger(ref Utf8JsonReader reader, out long value)
    {
        value = 0;
        if (reader.TokenType != JsonTokenType.Number)
        {
            return false;
        }

        foreach (byte b in reader.ValueSpan)
        {
            uint digit = (uint)(b - '0');
            if (digit > 9 || value > (long.MaxValue - digit) / 10)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        return true;
    }

    private static TensorInfo[] CheckLayout(TensorInfo[] tensors, long dataLength, string filePath)
    {
        var inDataOrder = (TensorInfo[])tensors.Clone();
        // Sorting by (start, end) puts zero-byte tensors before a tensor starting at the same offset,
        // so they sit on the chain's boundaries instead of reading as overlaps.
        Array.Sort(inDataOrder, static (a, b) =>
        {
            int byStart = a.DataStart.CompareTo(b.DataStart);
            return byStart != 0 ? byStart : a.DataEnd.CompareTo(b.DataEnd);
        });

        long expected = 0;
        foreach (TensorInfo t in inDataOrder)
        {
            if (t.DataStart != expected)
            {
                string what = t.DataStart > expected ? $"gap: bytes {expected}..{t.DataStart} belong to no tensor" : $"overlap: starts at {t.DataStart}, previous tensor ends at {expected}";
                throw new SafeTensorsFormatException(filePath, FormatRule.NonContiguousData, t.Name, what);
            }

            expected = t.DataEnd;
        }

        if (expected > dataLength)
        {
            throw new SafeTensorsFormatException(
                filePath, FormatRule.DataOutOfBounds, inDataOrder[^1].Name, $"data needs {expected} bytes, file has {dataLength} after the header");
        }

        if (expected < dataLength)
        {
            throw new SafeTensorsFormatException(
                filePath, FormatRule.TrailingBytes, detail: $"{dataLength - expected} bytes after the last tensor");
        }

        return inDataOrder;
    }

    private static string DescribeValue(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => $"{Truncate(System.Text.Encoding.UTF8.GetString(reader.ValueSpan))}, not a non-negative 64-bit integer",
        _ => Describe(reader.TokenType),
    };

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");
}
