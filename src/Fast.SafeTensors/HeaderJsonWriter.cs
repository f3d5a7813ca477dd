using System.Buffers;
using System.Text;

namespace Fast.SafeTensors;

/// <summary>
/// Serialises a planned layout into the header bytes, deterministically: compact JSON starting with
/// <c>{</c>, <c>__metadata__</c> first (only when there is metadata), then tensors in data order,
/// padded with spaces so the data buffer starts at a multiple of 8. String escaping follows
/// serde_json (the reference safetensors library): only <c>"</c>, <c>\</c> and control characters are
/// escaped; everything else stays as UTF-8.
/// </summary>
internal static class HeaderJsonWriter
{
    private const int Alignment = 8;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Build(IReadOnlyList<TensorInfo> layout, IReadOnlyList<KeyValuePair<string, string>> metadata)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (layout.Count * 96));
        Put(buffer, "{"u8);
        bool first = true;
        if (metadata.Count > 0)
        {
            PutString(buffer, KnownKeys.Metadata);
            Put(buffer, ":{"u8);
            for (int i = 0; i < metadata.Count; i++)
            {
                if (i > 0)
                {
                    Put(buffer, ","u8);
                }

                PutString(buffer, metadata[i].Key);
                Put(buffer, ":"u8);
                PutString(buffer, metadata[i].Value);
            }

            Put(buffer, "}"u8);
            first = false;
        }

        foreach (TensorInfo t in layout)
        {
            if (!first)
            {
                Put(buffer, ","u8);
            }

            first = false;
            PutString(buffer, t.Name);
            Put(buffer, ":{\"dtype\":\""u8);
            Put(buffer, Encoding.ASCII.GetBytes(DTypeInfo.ToJsonName(t.DType)));
            Put(buffer, "\",\"shape\":["u8);
            ReadOnlySpan<long> shape = t.ShapeSpan;
            for (int d = 0; d < shape.Length; d++)
            {
                if (d > 0)
                {
                    Put(buffer, ","u8);
                }

                PutNumber(buffer, shape[d]);
            }

            Put(buffer, "],\"data_offsets\":["u8);
            PutNumber(buffer, t.DataStart);
            Put(buffer, ","u8);
            PutNumber(buffer, t.DataEnd);
            Put(buffer, "]}"u8);
        }

        Put(buffer, "}"u8);

        int padding = (Alignment - ((HeaderValidator.PrefixLength + buffer.WrittenCount) % Alignment)) % Alignment;
        buffer.GetSpan(padding)[..padding].Fill((byte)' ');
        buffer.Advance(padding);
        return buffer.WrittenSpan.ToArray();
    }

    private static void Put(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes) => buffer.Write(bytes);

    private static void PutNumber(ArrayBufferWriter<byte> buffer, long value)
    {
        Span<byte> digits = buffer.GetSpan(20);
        value.TryFormat(digits, out int written, default, System.Globalization.CultureInfo.InvariantCulture);
        buffer.Advance(written);
    }

    private static void PutString(ArrayBufferWriter<byte> buffer, string text)
    {
        byte[] utf8;
        try
        {
            utf8 = s_strictUtf8.GetBytes(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"'{SafeTensorsFormatException.OneLine(text)}' is not valid Unicode (lone surrogate); it cannot be stored as UTF-8.", nameof(text), e);
        }

        Put(buffer, "\""u8);
        int runStart = 0;
        for (int i = 0; i < utf8.Length; i++)
        {
            byte b = utf8[i];
            if (b >= 0x20 && b != '"' && b != '\\')
            {
                continue;
            }

            Put(buffer, utf8.AsSpan(runStart, i - runStart));
            runStart = i + 1;
            switch (b)
            {
                case (byte)'"': Put(buffer, "\\\""u8); break;
                case (byte)'\\': Put(buffer, "\\\\"u8); break;
                case (byte)'\b': Put(buffer, "\\b"u8); break;
                case (byte)'\f': Put(buffer, "\\f"u8); break;
                case (byte)'\n': Put(buffer, "\\n"u8); break;
                case (byte)'\r': Put(buffer, "\\r"u8); break;
                case (byte)'\t': Put(buffer, "\\t"u8); break;
                default:
                    Span<byte> escape = buffer.GetSpan(6);
                    "\\u00"u8.CopyTo(escape);
                    escape[4] = HexDigit(b >> 4);
                    escape[5] = HexDigit(b & 0xF);
                    buffer.Advance(6);
                    break;
            }
        }

        Put(buffer, utf8.AsSpan(runStart));
        Put(buffer, "\""u8);
    }

    private static byte HexDigit(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
}
