using System.Text.Json;

namespace Fast.SafeTensors;

/// <summary>The fixed keys of the format, matched without allocating a string per tensor.</summary>
internal static class KnownKeys
{
    public const string Metadata = "__metadata__";
    public const string DType = "dtype";
    public const string Shape = "shape";
    public const string DataOffsets = "data_offsets";

    /// <summary>The current property name or string, interned when it is one of the fixed keys.</summary>
    public static string GetOrAllocate(ref Utf8JsonReader reader)
    {
        // ValueTextEquals compares the unescaped text, so "\u0064type" is "dtype" here too.
        if (reader.ValueTextEquals(DType))
        {
            return DType;
        }

        if (reader.ValueTextEquals(Shape))
        {
            return Shape;
        }

        if (reader.ValueTextEquals(DataOffsets))
        {
            return DataOffsets;
        }

        return reader.GetString()!;
    }
}
