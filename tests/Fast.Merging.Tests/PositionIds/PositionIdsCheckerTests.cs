using System.Buffers.Binary;
using Fast.Merging.PositionIds;

namespace Fast.Merging.Tests.PositionIds;

public class PositionIdsCheckerTests
{
    private static readonly string s_vector = Path.Combine(AppContext.BaseDirectory, "vectors", "8528d-fix.position_ids.safetensors");

    [Fact]
    public void Real_8528d_fix_vector_gives_the_published_report()
    {
        var (name, dtype, shape, values) = TinySafeTensors.ReadSingle(s_vector);
        Assert.Equal("cond_stage_model.transformer.text_model.embeddings.position_ids", name);
        Assert.True(PositionIdsKeys.IsPositionIds(name));

        var report = PositionIdsChecker.Check(dtype, shape, values);
        Assert.Equal("F32", report.DType);
        Assert.False(report.IsInt64);
        Assert.True(report.HasExpectedShape);
        Assert.False(report.AllExactIntegers);
        Assert.Equal(
            [1, 2, 3, 4, 6, 7, 8, 11, 12, 13, 14, 16, 17, 19, 21, 22, 24, 26, 27, 28, 29, 31, 32, 33, 34, 37, 38, 39, 42, 43, 44, 47, 48, 49, 52, 53, 54, 56, 57, 58, 59, 61, 62, 63, 64, 65, 66, 67, 68, 69, 71, 73, 74, 76],
            report.CorruptIndexes);
        Assert.Equal([4, 8, 14, 17, 19, 22, 24, 29, 34, 39, 44, 49, 54, 59, 69, 71, 74, 76], report.MissingTokens);
        Assert.False(report.IsClean);

        // Drifting = not an integer yet truncating to its own index; every index is exactly one of clean, drifting, corrupt.
        Assert.All(report.DriftingIndexes, i => Assert.True(values[i] != i && Math.Truncate(values[i]) == i));
        Assert.Empty(report.DriftingIndexes.Intersect(report.CorruptIndexes));
        Assert.All(Enumerable.Range(0, 77).Except(report.DriftingIndexes).Except(report.CorruptIndexes), i => Assert.Equal(i, values[i]));
    }

    [Fact]
    public void Reset_tensor_is_int64_0_to_76_and_checks_clean()
    {
        var bytes = PositionIdsReset.CreateBytes();
        Assert.Equal(77 * 8, bytes.Length);
        var values = Enumerable.Range(0, 77).Select(i => BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i * 8))).ToArray();
        Assert.Equal(Enumerable.Range(0, 77).Select(i => (long)i), values);
        Assert.Equal(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0 }, bytes[8..16]);

        var report = PositionIdsChecker.Check(PositionIdsReset.DType, PositionIdsReset.Shape(), values);
        Assert.True(report.IsClean);
        Assert.True(report.AllExactIntegers);
        Assert.Empty(report.CorruptIndexes);
        Assert.Empty(report.MissingTokens);
        Assert.Empty(report.DriftingIndexes);
    }

    [Fact]
    public void Exact_float_ids_are_correct_but_not_clean()
    {
        var report = PositionIdsChecker.Check("F16", [1, 77], Enumerable.Range(0, 77).Select(i => (double)i).ToArray());
        Assert.True(report.AllExactIntegers);
        Assert.Empty(report.CorruptIndexes);
        Assert.False(report.IsClean);
    }

    [Fact]
    public void Drift_truncation_and_special_values()
    {
        double[] values = [0, 1.0001, 1.9999, double.NaN, -0.5];
        var report = PositionIdsChecker.Check("F32", [1, 5], values);
        Assert.Equal([1], report.DriftingIndexes);
        Assert.Equal([2, 3, 4], report.CorruptIndexes);
        // -0.5 truncates to 0 (toward zero), so token 0 is read twice and 2, 3, 4 never.
        Assert.Equal([2, 3, 4], report.MissingTokens);
        Assert.False(report.AllExactIntegers);
    }

    [Fact]
    public void Wrong_shape_is_not_clean()
    {
        var report = PositionIdsChecker.Check("I64", [77], Enumerable.Range(0, 77).Select(i => (long)i).ToArray());
        Assert.False(report.HasExpectedShape);
        Assert.False(report.IsClean);
    }

    [Theory]
    [InlineData("cond_stage_model.transformer.text_model.embeddings.position_ids", true)]
    [InlineData("conditioner.embedders.0.transformer.text_model.embeddings.position_ids", true)]
    [InlineData("cond_stage_model.transformer.embeddings.position_ids", true)]
    [InlineData("text_encoder.text_model.embeddings.position_ids", true)]
    [InlineData("cond_stage_model.transformer.text_model.embeddings.position_embedding.weight", false)]
    public void Position_id_keys_are_found_by_suffix(string key, bool expected) => Assert.Equal(expected, PositionIdsKeys.IsPositionIds(key));
}
