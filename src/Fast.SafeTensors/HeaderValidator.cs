using System.Buffers.Binary;

namespace Fast.SafeTensors;

/// <summary>
/// Applies SPEC §1.1 to the raw bytes of a file: the length prefix and bounds (rule 1), then the JSON
/// structure (rules 2–3, <see cref="HeaderStructureValidator"/>), then tensor entries and data layout
/// (rules 4–8, <see cref="HeaderEntryParser"/>).
/// </summary>
internal static class HeaderValidator
{
    /// <summary>Largest header length accepted; also the cap on what a lying prefix can make us allocate.</summary>
    public const long MaxHeaderLength = 100_000_000;

    public const int PrefixLength = 8;

    /// <summary>Rule 1: reads N from the prefix and checks it against the limit and the file length.</summary>
    public static long ReadHeaderLength(ReadOnlySpan<byte> prefix, long fileLength, string filePath)
    {
        if (fileLength < PrefixLength || prefix.Length < PrefixLength)
        {
            throw new SafeTensorsFormatException(filePath, FormatRule.FileTooShort, detail: $"{fileLength} bytes");
        }

        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > MaxHeaderLength)
        {
            throw new SafeTensorsFormatException(filePath, FormatRule.HeaderTooLarge, detail: $"N = {n}");
        }

        // n <= 1e8, so 8 + n cannot overflow; the file length is what bounds the allocation.
        long headerEnd = PrefixLength + (long)n;
        if (headerEnd > fileLength)
        {
            throw new SafeTensorsFormatException(filePath, FormatRule.HeaderOutOfBounds, detail: $"header ends at byte {headerEnd} of a {fileLength}-byte file");
        }

        return (long)n;
    }

    /// <summary>Rules 2–8 on the header bytes; <paramref name="dataLength"/> is file length − 8 − N.</summary>
    public static SafeTensorsHeader ParseHeader(ReadOnlySpan<byte> header, long dataLength, string filePath)
    {
        List<string> rootKeys = HeaderStructureValidator.Validate(header, filePath);
        return HeaderEntryParser.Parse(header, rootKeys, dataLength, filePath);
    }

    /// <summary>Validates a whole file held in memory (tests, fuzzing, small files).</summary>
    public static SafeTensorsHeader ParseFile(ReadOnlySpan<byte> file, string filePath)
    {
        long n = ReadHeaderLength(file, file.Length, filePath);
        return ParseHeader(file.Slice(PrefixLength, (int)n), file.Length - PrefixLength - n, filePath);
    }
}
