using Fast.Merging.Bulk;
using Fast.Merging.Execution;
using Fast.Merging.Planning;
using Fast.Merging.Recipes;
using Fast.Merging.Tests.Bulk;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Engine;

/// <summary>
/// A whole-tensor calcmode reads each operand tensor once per output tensor, even where it looks at an operand twice
/// (trainDifference: the B = C test, then the formula). The cosine calcmodes are left out: their first pass reads the
/// inputs once more by design, before any output is written.
/// </summary>
public sealed class OperandsReadOnceTests(EngineModels models) : IClassFixture<EngineModels>
{
    [Theory]
    [InlineData(MergeMode.AddDifference, CalcMode.TrainDifference)]
    [InlineData(MergeMode.AddDifference, CalcMode.SmoothAdd)]
    [InlineData(MergeMode.AddDifference, CalcMode.Extract)]
    [InlineData(MergeMode.WeightSum, CalcMode.Tensor)]
    [InlineData(MergeMode.AddDifference, CalcMode.Normal)]
    public void Each_operand_range_is_read_once(MergeMode mode, CalcMode calcMode)
    {
        bool threeModels = mode == MergeMode.AddDifference;
        var recipe = new MergeRecipe
        {
            Mode = mode, CalcMode = calcMode, Alpha = 0.4, Beta = 0.3, Gamma = 0.5,
            A = new MergeInput(models.A), B = new MergeInput(models.B), C = threeModels ? new MergeInput(models.C) : null,
        };
        using SafeTensorsFile a = SafeTensorsFile.Open(models.A);
        using SafeTensorsFile b = SafeTensorsFile.Open(models.B);
        using SafeTensorsFile? c = threeModels ? SafeTensorsFile.Open(models.C) : null;
        MergePlan plan = MergePlanner.Plan(recipe, a, b, c);
        var reader = new CountingInputReader();

        MergeEngine.Run(plan, new MergeSources(a, b, c) { Reader = reader }, () => new NullMergeSink(), new EngineOptions(2), null, CancellationToken.None);

        Assert.Contains(reader.Reads, r => r.File == b.Path);
        Assert.Empty(reader.Overlaps());
    }
}
