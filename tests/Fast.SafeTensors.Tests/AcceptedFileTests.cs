using Xunit;

namespace Fast.SafeTensors.Tests;

/// <summary>The SPEC §1.1 accept cases and the legal spellings a strict reader must not refuse.</summary>
public class AcceptedFileTests
{
    [Theory]
    [InlineData(" \t\r\n{\"a\":ENTRY} \n\t\r")]
    [InlineData("{ \"a\" : { \"dtype\" : \"F32\" , \"shape\" : [ 2 ] , \"data_offsets\" : [ 0 , 8 ] } }")]
    [InlineData("{\"a\":ENTRY}                ")]
    public void WhitespaceAroundAndInsideJson(string template)
    {
        SafeTensorsHeader header = HostileFileAssert.Accepted(template.Replace("ENTRY", RawFile.Entry(), StringComparison.Ordinal), 8);
        Assert.Equal("a", Assert.Single(header.TensorsInFileOrder).Name);
    }

    [Fact]
    public void EmptyObjectIsAFileWithNoTensors()
    {
        SafeTensorsHeader header = HostileFileAssert.Accepted("{}", 0);
        Assert.Empty(header.TensorsInFileOrder);
        Assert.Empty(header.Metadata);
    }

    [Fact]
    public void ScalarShapeHasOneElement()
    {
        TensorInfo t = Assert.Single(HostileFileAssert.Accepted($"{{\"s\":{RawFile.Entry(shape: "[]", offsets: "[0,4]")}}}", 4).TensorsInFileOrder);
        Assert.Equal(0, t.Rank);
        Assert.Equal(1, t.ElementCount);
        Assert.Equal(4, t.ByteLength);
    }

    [Theory]
    [InlineData("[0]")]
    [InlineData("[3,0]")]
    [InlineData("[0,288230376151711744]")] // 2^58 BF16 elements in a row: 2^62 bits, still fits
    [InlineData("[536870912,536870912,0]")]
    public void ShapesContainingZeroHaveNoBytes(string shape)
    {
        string json = $"{{\"a\":{RawFile.Entry("\"F32\"", "[1]", "[0,4]")},\"z\":{RawFile.Entry("\"BF16\"", shape, "[4,4]")},\"y\":{RawFile.Entry("\"U8\"", "[0]", "[0,0]")}}}";
        SafeTensorsHeader header = HostileFileAssert.Accepted(json, 4);
        Assert.Equal(0, header.TensorsInFileOrder[1].ElementCount);
        Assert.Equal(["y", "a", "z"], header.TensorsInDataOrder.Select(t => t.Name));
    }

    [Fact]
    public void NullMetadataIsEmpty() =>
        Assert.Empty(HostileFileAssert.Accepted($"{{\"__metadata__\":null,\"a\":{RawFile.Entry()}}}", 8).Metadata);

    [Fact]
    public void MetadataKeepsFileOrderAndUnescapes()
    {
        SafeTensorsHeader header = HostileFileAssert.Accepted("{\"__metadata__\":{\"z\":\"1\",\"a\":\"\\u00e9\\n\",\"\":\"\"}}", 0);
        Assert.Equal([new("z", "1"), new("a", "é\n"), new("", "")], header.Metadata);
    }

    [Fact]
    public void MetadataMayComeAfterTensors() =>
        Assert.Single(HostileFileAssert.Accepted($"{{\"a\":{RawFile.Entry()},\"__metadata__\":{{\"k\":\"v\"}}}}", 8).Metadata);

    [Fact]
    public void EntryKeysInAnyOrderAndEscaped()
    {
        string json = "{\"a\":{\"data_offsets\":[0,8],\"\\u0064type\":\"F\\u00332\",\"shape\":[2]}}";
        TensorInfo t = Assert.Single(HostileFileAssert.Accepted(json, 8).TensorsInFileOrder);
        Assert.Equal(DType.F32, t.DType);
    }

    [Fact]
    public void TensorsKeepHeaderOrderWhileDataOrderFollowsOffsets()
    {
        string json = $"{{\"second\":{RawFile.Entry("\"U8\"", "[2]", "[3,5]")},\"first\":{RawFile.Entry("\"U8\"", "[3]", "[0,3]")}}}";
        SafeTensorsHeader header = HostileFileAssert.Accepted(json, 5);
        Assert.Equal(["second", "first"], header.TensorsInFileOrder.Select(t => t.Name));
        Assert.Equal(["first", "second"], header.TensorsInDataOrder.Select(t => t.Name));
    }

    [Theory]
    [InlineData("F4", "[2]", 1)]
    [InlineData("F4", "[3,2]", 3)]
    [InlineData("F6_E2M3", "[4]", 3)]
    [InlineData("F6_E3M2", "[2,2]", 3)]
    public void SubByteDTypesFillingWholeBytes(string dtype, string shape, int bytes) =>
        HostileFileAssert.Accepted($"{{\"p\":{RawFile.Entry($"\"{dtype}\"", shape, $"[0,{bytes}]")}}}", bytes);

    [Fact]
    public void EveryDTypeNameParses()
    {
        foreach (DType dtype in DTypeInfo.All)
        {
            int bytes = DTypeInfo.ElementGroupBytes(dtype);
            long elements = bytes * 8L / DTypeInfo.BitSize(dtype);
            string json = $"{{\"t\":{RawFile.Entry($"\"{DTypeInfo.ToJsonName(dtype)}\"", $"[{elements}]", $"[0,{bytes}]")}}}";
            Assert.Equal(dtype, Assert.Single(HostileFileAssert.Accepted(json, bytes).TensorsInFileOrder).DType);
        }
    }

    [Fact]
    public void EmptyTensorNameIsAllowed() =>
        Assert.Equal("", Assert.Single(HostileFileAssert.Accepted($"{{\"\":{RawFile.Entry()}}}", 8).TensorsInFileOrder).Name);

    [Fact]
    public void LargestIntegersAccepted()
    {
        // Offsets and shapes at the long limit are syntactically fine; the layout rules then judge them.
        var e = Assert.Throws<SafeTensorsFormatException>(() => HeaderValidator.ParseFile(
            RawFile.Build($"{{\"a\":{RawFile.Entry("\"U8\"", "[9223372036854775807]", "[0,9223372036854775807]")}}}", 8), "x"));
        Assert.Equal(FormatRule.DataOutOfBounds, e.Rule);
    }
}
