using Xunit;

namespace Fast.SafeTensors.Tests;

public class DTypeInfoTests
{
    [Theory]
    [InlineData(DType.BOOL, 8)]
    [InlineData(DType.I16, 16)]
    [InlineData(DType.U64, 64)]
    [InlineData(DType.BF16, 16)]
    [InlineData(DType.F8_E5M2, 8)]
    [InlineData(DType.C64, 64)]
    [InlineData(DType.F4, 4)]
    [InlineData(DType.F6_E3M2, 6)]
    [InlineData(DType.F8_E5M2FNUZ, 8)]
    public void BitSizes(DType dtype, int bits) => Assert.Equal(bits, DTypeInfo.BitSize(dtype));

    [Fact]
    public void NamesRoundTrip()
    {
        Assert.Equal(22, DTypeInfo.All.Count);
        foreach (DType dtype in DTypeInfo.All)
        {
            Assert.True(DTypeInfo.TryParse(DTypeInfo.ToJsonName(dtype), out DType parsed));
            Assert.Equal(dtype, parsed);
        }

        Assert.False(DTypeInfo.TryParse("f16", out _));
        Assert.False(DTypeInfo.TryParse((string?)null, out _));
    }

    [Fact]
    public void OnlyComputableFloatsAreFloating() =>
        Assert.Equal(
            [DType.F16, DType.BF16, DType.F32, DType.F64, DType.F8_E4M3, DType.F8_E5M2],
            DTypeInfo.All.Where(DTypeInfo.IsFloating));

    [Theory]
    [InlineData(DType.F4, 1)]
    [InlineData(DType.F6_E2M3, 3)]
    [InlineData(DType.F16, 2)]
    [InlineData(DType.C64, 8)]
    public void ElementGroupBytes(DType dtype, int bytes) => Assert.Equal(bytes, DTypeInfo.ElementGroupBytes(dtype));

    [Fact]
    public void UndefinedValueIsRejected() => Assert.Throws<ArgumentOutOfRangeException>(() => DTypeInfo.BitSize((DType)99));
}
