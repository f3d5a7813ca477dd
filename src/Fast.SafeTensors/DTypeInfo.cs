using System.Text;

namespace Fast.SafeTensors;

/// <summary>Sizes, names and classification of <see cref="DType"/> values.</summary>
public static class DTypeInfo
{
    // Indexed by the enum value; the enum is dense from 0.
    private static readonly int[] s_bitSizes =
    [
        8, 8, 8, 16, 16, 32, 32, 64, 64, // BOOL U8 I8 I16 U16 I32 U32 I64 U64
        16, 16, 32, 64,                  // F16 BF16 F32 F64
        8, 8,                            // F8_E4M3 F8_E5M2
        64,                              // C64
        4, 6, 6,                         // F4 F6_E2M3 F6_E3M2
        8, 8, 8,                         // F8_E8M0 F8_E4M3FNUZ F8_E5M2FNUZ
    ];

    private static readonly string[] s_names = Enum.GetNames<DType>();

    private static readonly byte[][] s_utf8Names = Array.ConvertAll(s_names, Encoding.UTF8.GetBytes);

    /// <summary>All dtypes, in enum order.</summary>
    public static IReadOnlyList<DType> All { get; } = Enum.GetValues<DType>();

    /// <summary>Bits per element (4 and 6 for the sub-byte float types).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="DType"/>.</exception>
    public static int BitSize(DType dtype) => s_bitSizes[Index(dtype)];

    /// <summary>
    /// The smallest whole number of bytes that holds a whole number of elements:
    /// the element size for byte-sized types, 1 for F4 (two elements), 3 for the F6 types (four elements).
    /// Chunk boundaries that are multiples of this never split an element.
    /// </summary>
    public static int ElementGroupBytes(DType dtype)
    {
        // lcm(bits, 8) / 8 == bits / gcd(bits, 8)
        int bits = BitSize(dtype);
        return bits / (int)GreatestCommonDivisor((uint)bits, 8);
    }

    /// <summary>
    /// True for the floating types the merger computes on: F16, BF16, F32, F64, F8_E4M3, F8_E5M2.
    /// The other float-like types (C64, F4, F6, F8_E8M0, FNUZ) can be inspected and copied only.
    /// </summary>
    public static bool IsFloating(DType dtype) => dtype switch
    {
        DType.F16 or DType.BF16 or DType.F32 or DType.F64 or DType.F8_E4M3 or DType.F8_E5M2 => true,
        _ => false,
    };

    /// <summary>The <c>dtype</c> string used in the safetensors header, e.g. <c>"BF16"</c>.</summary>
    public static string ToJsonName(DType dtype) => s_names[Index(dtype)];

    /// <summary>Parses a header <c>dtype</c> string (exact, case-sensitive).</summary>
    public static bool TryParse(ReadOnlySpan<char> name, out DType dtype)
    {
        for (int i = 0; i < s_names.Length; i++)
        {
            if (name.SequenceEqual(s_names[i]))
            {
                dtype = (DType)i;
                return true;
            }
        }

        dtype = default;
        return false;
    }

    /// <summary>Parses a header <c>dtype</c> string (exact, case-sensitive).</summary>
    public static bool TryParse(string? name, out DType dtype)
    {
        if (name is null)
        {
            dtype = default;
            return false;
        }

        return TryParse(name.AsSpan(), out dtype);
    }

    /// <summary>Parses an unescaped UTF-8 <c>dtype</c> string straight from the header bytes.</summary>
    internal static bool TryParseUtf8(ReadOnlySpan<byte> name, out DType dtype)
    {
        for (int i = 0; i < s_utf8Names.Length; i++)
        {
            if (name.SequenceEqual(s_utf8Names[i]))
            {
                dtype = (DType)i;
                return true;
            }
        }

        dtype = default;
        return false;
    }

    private static int Index(DType dtype)
    {
        int i = (int)dtype;
        if ((uint)i >= (uint)s_bitSizes.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a defined safetensors dtype.");
        }

        return i;
    }

    private static uint GreatestCommonDivisor(uint a, uint b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
