namespace Fast.SafeTensors;

/// <summary>One-line, user-facing wording of each <see cref="FormatRule"/>.</summary>
internal static class FormatRuleDescriptions
{
    public static string Describe(FormatRule rule) => rule switch
    {
        FormatRule.FileTooShort => "file is shorter than the 8-byte header length; not a safetensors file",
        FormatRule.HeaderTooLarge => "header length exceeds the 100,000,000-byte limit",
        FormatRule.HeaderOutOfBounds => "header length runs past the end of the file (truncated or not safetensors)",
        FormatRule.InvalidUtf8 => "header is not valid UTF-8",
        FormatRule.InvalidJson => "header is not valid JSON",
        FormatRule.RootNotObject => "header JSON is not an object",
        FormatRule.TooDeep => "header JSON nests deeper than 4 levels",
        FormatRule.DuplicateKey => "header JSON has a duplicate key",
        FormatRule.InvalidMetadata => "__metadata__ must be null or an object of string values",
        FormatRule.InvalidTensorEntry => "tensor entry must be an object with exactly dtype, shape and data_offsets",
        FormatRule.UnknownDType => "unknown dtype",
        FormatRule.InvalidShape => "shape must be an array of non-negative 64-bit integers",
        FormatRule.InvalidDataOffsets => "data_offsets must be two non-negative 64-bit integers with end >= start",
        FormatRule.SizeOverflow => "element count or byte size overflows 64 bits",
        FormatRule.ByteLengthMismatch => "data_offsets length does not match shape x dtype size",
        FormatRule.SubByteNotDivisible => "sub-byte dtype tensor does not fill a whole number of bytes",
        FormatRule.NonContiguousData => "tensor data ranges are not back to back from offset 0 (gap or overlap)",
        FormatRule.DataOutOfBounds => "tensor data runs past the end of the file (truncated file)",
        FormatRule.TrailingBytes => "file has bytes after the last tensor",
        _ => rule.ToString(),
    };
}
