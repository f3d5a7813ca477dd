namespace Fast.SafeTensors;

/// <summary>The SPEC §1.1 rule a safetensors file broke.</summary>
public enum FormatRule
{
    /// <summary>The file is shorter than the 8-byte header length prefix.</summary>
    FileTooShort,
    /// <summary>The declared header length exceeds 100,000,000 bytes.</summary>
    HeaderTooLarge,
    /// <summary>The declared header runs past the end of the file.</summary>
    HeaderOutOfBounds,
    /// <summary>The header bytes are not valid UTF-8.</summary>
    InvalidUtf8,
    /// <summary>The header is not well-formed JSON (one value, nothing else but whitespace).</summary>
    InvalidJson,
    /// <summary>The header's JSON value is not an object.</summary>
    RootNotObject,
    /// <summary>The header nests objects/arrays deeper than 4 levels.</summary>
    TooDeep,
    /// <summary>An object in the header has the same key twice (compared after unescaping).</summary>
    DuplicateKey,
    /// <summary><c>__metadata__</c> is not null or an object of string values.</summary>
    InvalidMetadata,
    /// <summary>A tensor entry is not an object with exactly <c>dtype</c>, <c>shape</c>, <c>data_offsets</c>.</summary>
    InvalidTensorEntry,
    /// <summary>A tensor's <c>dtype</c> is not a known safetensors dtype string.</summary>
    UnknownDType,
    /// <summary>A shape is not an array of non-negative 64-bit integers.</summary>
    InvalidShape,
    /// <summary><c>data_offsets</c> is not two non-negative 64-bit integers with end ≥ start.</summary>
    InvalidDataOffsets,
    /// <summary>The element count or byte size of a tensor overflows 64 bits.</summary>
    SizeOverflow,
    /// <summary>The byte range length differs from element count × element size.</summary>
    ByteLengthMismatch,
    /// <summary>A sub-byte dtype tensor's bit count is not a whole number of bytes.</summary>
    SubByteNotDivisible,
    /// <summary>Tensor byte ranges, sorted by start, leave a gap, overlap, or do not start at 0.</summary>
    NonContiguousData,
    /// <summary>The tensor data ends past the end of the file.</summary>
    DataOutOfBounds,
    /// <summary>The file has bytes after the last tensor.</summary>
    TrailingBytes,
}
