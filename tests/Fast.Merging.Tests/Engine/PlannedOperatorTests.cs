using Fast.Merging.Methods;
using Fast.Merging.Planning;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Engine;

/// <summary>
/// The planner resolves each output tensor once (its action, weights and block index); what a calcmode runs and which
/// modes it takes are its catalog entry's.
/// </summary>
public sealed class PlannedOperatorTests(EngineModels models) : IClassFixture<EngineModels>
{
    [Fact]
    public void Every_planned_tensor_carries_the_index_of_its_block()
    {
        var recipe = new MergeRecipe { A = new MergeInput(models.A), B = new MergeInput(models.B) };
        using SafeTensorsFile a = SafeTensorsFile.Open(models.A);
        using SafeTensorsFile b = SafeTensorsFile.Open(models.B);
        MergePlan plan = MergePlanner.Plan(recipe, a, b, null);

        // One index per block name and one name per index, over all 26 SD1 blocks.
        var pairs = plan.Tensors.Select(t => (t.BlockId, t.BlockIndex)).Distinct().ToList();
        Assert.Equal(26, pairs.Count);
        Assert.Equal(pairs.Count, pairs.Select(p => p.BlockId).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 26), pairs.Select(p => p.BlockIndex).Order());
        Assert.Contains(("BASE", 0), pairs);
        Assert.Contains(("M00", 13), pairs);
    }

    [Fact]
    public void Every_calcmode_but_normal_declares_its_whole_tensor_operator_and_its_modes()
    {
        foreach (CalcModeEntry entry in CalcModeCatalog.All)
        {
            Assert.Equal(entry.CalcMode != CalcMode.Normal, entry.Operator is not null);
            Assert.Equal(entry.Modes.Count == 0, MergeModeCatalog.All.All(m => entry.WorksWith(m.Mode)));
        }

        Assert.False(CalcModeCatalog.Get(CalcMode.Tensor).WorksWith(MergeMode.AddDifference));
        Assert.True(CalcModeCatalog.Get(CalcMode.CosineB).WorksWith(MergeMode.AddDifference));
        Assert.True(CalcModeCatalog.Get(CalcMode.CosineB).UsesCosineStatistics);
    }
}
