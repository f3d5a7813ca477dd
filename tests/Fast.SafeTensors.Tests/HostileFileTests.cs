using System.Text;
using Xunit;

namespace Fast.SafeTensors.Tests;

/// <summary>One test per SPEC §1.1 rejection rule, each with the spellings a hostile file might use.</summary>
public class HostileFileTests
{
    private static readonly string s_ok = RawFile.Entry();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    public void Rule1_FileShorterThanPrefix(int length) =>
        HostileFileAssert.Rejected(new byte[length], FormatRule.FileTooShort);

    [Theory]
    [InlineData(100_000_001UL)]
    [InlineData(ulong.MaxValue)]
    [InlineData(1UL << 63)]
    public void Rule1_HeaderLengthOverLimit(ulong declared)
    {
        // A tiny file that claims a giant header: must fail before allocating anything like N.
        byte[] bytes = RawFile.Build("{}", 0, declared);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<SafeTensorsFormatException>(() => HeaderValidator.ParseFile(bytes, "x"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16_384);
        HostileFileAssert.Rejected(bytes, FormatRule.HeaderTooLarge);
    }

    [Theory]
    [InlineData(3UL)]
    [InlineData(100_000_000UL)]
    public void Rule1_HeaderPastEndOfFile(ulong declared) =>
        HostileFileAssert.Rejected(RawFile.Build("{}", 0, declared), FormatRule.HeaderOutOfBounds);

    [Fact]
    public void Rule1_LyingHeaderLengthDoesNotAllocateIt()
    {
        using var dir = new TempDir();
        string path = dir.Write("liar.safetensors", RawFile.Build("{}", 0, 99_999_999));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Open(path, ReadMode.Buffered));
        Assert.Equal(FormatRule.HeaderOutOfBounds, e.Rule);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC0, 0x80 })] // overlong NUL
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // UTF-8 encoded surrogate
    [InlineData(new byte[] { 0xE2, 0x82 })] // truncated sequence
    public void Rule2_HeaderNotUtf8(byte[] bad)
    {
        byte[] header = [.. "{\"a"u8, .. bad, .. "\":"u8, .. Encoding.UTF8.GetBytes(s_ok), .. "}"u8];
        HostileFileAssert.Rejected(RawFile.Build(header, 8), FormatRule.InvalidUtf8);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("{\"a\":")]
    [InlineData("{}x")]
    [InlineData("{}{}")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{/*c*/}")]
    [InlineData("{'a':1}")]
    [InlineData("{\"a\":NaN}")]
    [InlineData("{\"a\":01}")]
    [InlineData("{\"a\":\"\\x\"}")]
    [InlineData("{\"a\":\"raw\ttab\"}")]
    [InlineData("{}\0")]
    [InlineData("\uFEFF{}")]
    [InlineData("{\"\\ud800\":1}")]
    public void Rule2_HeaderNotJson(string json) => HostileFileAssert.Rejected(json, 0, FormatRule.InvalidJson);

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData(" true ")]
    public void Rule2_RootNotObject(string json) => HostileFileAssert.Rejected(json, 0, FormatRule.RootNotObject);

    [Theory]
    [InlineData("{\"a\":{\"b\":{\"c\":{\"d\":{}}}}}")]
    [InlineData("{\"__metadata__\":{\"a\":[[[]]]}}")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":[[[[1]]]],\"data_offsets\":[0,4]}}")]
    [InlineData("[[[[[]]]]]")]
    public void Rule2_NestedDeeperThanFour(string json) => HostileFileAssert.Rejected(json, 0, FormatRule.TooDeep);

    [Fact]
    public void Rule2_DeepNestingOfHugeHeaderStopsEarly()
    {
        // 1,000,000 levels would exhaust a recursive parser.
        string json = new string('[', 1_000_000) + new string(']', 1_000_000);
        HostileFileAssert.Rejected(json, 0, FormatRule.TooDeep);
    }

    [Theory]
    [InlineData("{\"a\":ENTRY,\"a\":ENTRY}", "")]
    [InlineData("{\"a\":ENTRY,\"\\u0061\":ENTRY}", "")]
    [InlineData("{\"\\u00e9\":ENTRY,\"é\":ENTRY}", "")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "a")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"\\u0064type\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "a")]
    [InlineData("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"},\"a\":ENTRY}", "")]
    [InlineData("{\"__metadata__\":null,\"__metadata__\":null}", "")]
    public void Rule3_DuplicateKeys(string template, string tensor)
    {
        var e = HostileFileAssert.Rejected(RawFile.Build(template.Replace("ENTRY", s_ok, StringComparison.Ordinal), 8), FormatRule.DuplicateKey);
        Assert.Equal(tensor.Length == 0 ? null : tensor, e.TensorName);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"format=pt\"")]
    [InlineData("1")]
    [InlineData("{\"k\":1}")]
    [InlineData("{\"k\":null}")]
    [InlineData("{\"k\":{}}")]
    [InlineData("{\"k\":[\"v\"]}")]
    [InlineData("{\"k\":true}")]
    public void Rule4_MetadataNotStringToString(string metadata) =>
        HostileFileAssert.Rejected($"{{\"__metadata__\":{metadata},\"a\":{s_ok}}}", 8, FormatRule.InvalidMetadata);

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("\"F32\"")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[2]}")]
    [InlineData("{\"shape\":[2],\"data_offsets\":[0,8]}")]
    [InlineData("{\"dtype\":\"F32\",\"data_offsets\":[0,8]}")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"extra\":1}")]
    [InlineData("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"Dtype\":\"F32\"}")]
    [InlineData("{\"dtype\":32,\"shape\":[2],\"data_offsets\":[0,8]}")]
    [InlineData("{\"dtype\":null,\"shape\":[2],\"data_offsets\":[0,8]}")]
    [InlineData("{}")]
    public void Rule5_EntryNotExactlyThreeKeys(string entry) =>
        HostileFileAssert.Rejected($"{{\"a\":{entry}}}", 8, FormatRule.InvalidTensorEntry, "a");

    [Theory]
    [InlineData("F33")]
    [InlineData("f32")]
    [InlineData("float32")]
    [InlineData("")]
    [InlineData("F32 ")]
    [InlineData("F8_E4M3FN")]
    [InlineData("\\u0000F32")]
    [InlineData("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF")]
    public void Rule5_UnknownDType(string dtype) =>
        HostileFileAssert.Rejected($"{{\"a\":{RawFile.Entry(dtype: $"\"{dtype}\"")}}}", 8, FormatRule.UnknownDType, "a");

    [Theory]
    [InlineData("[-1]")]
    [InlineData("[-0]")]
    [InlineData("[2.0]")]
    [InlineData("[1e0]")]
    [InlineData("[\"2\"]")]
    [InlineData("[null]")]
    [InlineData("[true]")]
    [InlineData("[[2]]")]
    [InlineData("[{}]")]
    [InlineData("2")]
    [InlineData("\"[2]\"")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("[9223372036854775808]")]
    [InlineData("[99999999999999999999999999]")]
    public void Rule5_ShapeNotNonNegativeIntegers(string shape) =>
        HostileFileAssert.Rejected($"{{\"a\":{RawFile.Entry(shape: shape)}}}", 8, FormatRule.InvalidShape, "a");

    [Theory]
    [InlineData("[0]")]
    [InlineData("[]")]
    [InlineData("[0,8,8]")]
    [InlineData("[8,0]")]
    [InlineData("[-1,7]")]
    [InlineData("[0,8.0]")]
    [InlineData("[0,\"8\"]")]
    [InlineData("[0,null]")]
    [InlineData("{\"start\":0,\"end\":8}")]
    [InlineData("8")]
    [InlineData("[0,18446744073709551616]")]
    public void Rule5_DataOffsetsNotTwoOrderedIntegers(string offsets) =>
        HostileFileAssert.Rejected($"{{\"a\":{RawFile.Entry(offsets: offsets)}}}", 8, FormatRule.InvalidDataOffsets, "a");

    [Theory]
    [InlineData("\"F32\"", "[4294967296,4294967296]")]
    [InlineData("\"U8\"", "[3037000500,3037000500]")]
    [InlineData("\"F32\"", "[4611686018427387904]")] // 2^62 elements x 4 bytes = 2^64 bytes
    [InlineData("\"F64\"", "[2305843009213693952]")] // 2^61 x 8
    [InlineData("\"C64\"", "[1152921504606846976,2]")]
    public void Rule6_SizeOverflows64Bits(string dtype, string shape) =>
        HostileFileAssert.Rejected($"{{\"a\":{RawFile.Entry(dtype, shape, "[0,8]")}}}", 8, FormatRule.SizeOverflow, "a");

    [Theory]
    [InlineData("\"F32\"", "[3]", "[0,8]", 8)]
    [InlineData("\"F16\"", "[2]", "[0,8]", 8)]
    [InlineData("\"F32\"", "[]", "[0,0]", 0)]
    [InlineData("\"F32\"", "[0]", "[0,4]", 4)]
    [InlineData("\"F4\"", "[4]", "[0,1]", 1)]
    [InlineData("\"U8\"", "[4611686018427387903,2]", "[0,8]", 8)] // 2^63 - 2 bytes: fits, but not 8
    public void Rule6_ByteLengthMismatch(string dtype, string shape, string offsets, int data) =>
        HostileFileAssert.Rejected($"{{\"a\":{RawFile.Entry(dtype, shape, offsets)}}}", data, FormatRule.ByteLengthMismatch, "a");

    [Theory]
    [InlineData("F4", "[3]")]
    [InlineData("F4", "[]")]
    [InlineData("F6_E2M3", "[1]")]
    [InlineData("F6_E3M2", "[2,3]")]
    public void Rule6_SubByteBitsNotWholeBytes(string dtype, string shape) =>
        HostileFileAssert.Rejected($"{{\"a\":{RawFile.Entry($"\"{dtype}\"", shape, "[0,1]")}}}", 1, FormatRule.SubByteNotDivisible, "a");

    [Theory]
    [InlineData("[0,4]", "[8,12]", 12, "b")] // gap
    [InlineData("[0,8]", "[4,12]", 12, "b")] // overlap
    [InlineData("[0,8]", "[0,4]", 8, "a")] // overlap at the same start
    [InlineData("[4,8]", "[8,12]", 12, "a")] // does not start at 0
    [InlineData("[0,4]", "[0,4]", 4, "b")] // same range twice
    public void Rule7_RangesNotBackToBack(string a, string b, int data, string culprit) =>
        HostileFileAssert.Rejected(
            $"{{\"a\":{RawFile.Entry("\"U8\"", $"[{Width(a)}]", a)},\"b\":{RawFile.Entry("\"U8\"", $"[{Width(b)}]", b)}}}",
            data, FormatRule.NonContiguousData, culprit);

    [Fact]
    public void Rule7_ZeroLengthTensorPastTheEndIsAGap() =>
        HostileFileAssert.Rejected(
            $"{{\"a\":{RawFile.Entry("\"U8\"", "[4]", "[0,4]")},\"z\":{RawFile.Entry("\"U8\"", "[0]", "[9,9]")}}}",
            4, FormatRule.NonContiguousData, "z");

    [Theory]
    [InlineData(4)]
    [InlineData(0)]
    [InlineData(7)]
    public void Rule8_DataPastEndOfFile(int data) =>
        HostileFileAssert.Rejected($"{{\"a\":{s_ok}}}", data, FormatRule.DataOutOfBounds, "a");

    [Theory]
    [InlineData("{\"a\":ENTRY}", 9)]
    [InlineData("{\"a\":ENTRY}", 4096)]
    [InlineData("{}", 1)]
    [InlineData("{\"__metadata__\":{\"k\":\"v\"}}", 8)]
    public void Rule8_BytesAfterLastTensor(string template, int data) =>
        HostileFileAssert.Rejected(template.Replace("ENTRY", s_ok, StringComparison.Ordinal), data, FormatRule.TrailingBytes);

    [Fact]
    public void TensorNamesInMessagesCannotForgeLines()
    {
        var e = HostileFileAssert.Rejected($"{{\"evil\\nFAKE LOG LINE\":{RawFile.Entry(dtype: "\"X\"")}}}", 8, FormatRule.UnknownDType);
        Assert.Equal("evil\nFAKE LOG LINE", e.TensorName);
        Assert.Contains("evil\\u000aFAKE LOG LINE", e.Message, StringComparison.Ordinal);
    }

    private static long Width(string offsets)
    {
        long[] pair = offsets.Trim('[', ']').Split(',').Select(long.Parse).ToArray();
        return pair[1] - pair[0];
    }
}
