using System.Globalization;
using Fast.Merging.Blocks;
using Fast.Merging.Methods;

namespace Fast.Merging.Graphs;

/// <summary>
/// Reads one merge's parameters at a block: a number is used everywhere, a list or preset (SPEC §5, the layout of the
/// primary input) per block, a list without BASE taking the parameter's default there. Defaults: t 0.5, density 1,
/// λ 1, weights the method's (1, or 1/N for weighted_sum), seed 0, normalise the method's.
/// </summary>
internal sealed class GraphParameters
{
    private readonly GraphMerge _merge;
    private readonly MergeMethodEntry _method;
    private readonly Func<int, double> _t, _density, _lambda;
    private readonly Func<int, double>[] _weights;

    public GraphParameters(GraphMerge merge, BlockLayout layout)
    {
        _merge = merge;
        _method = MergeMethodCatalog.Find(merge.Method)!;
        _t = Read(merge.T, 0.5, layout, "t");
        _density = Read(merge.Density, 1, layout, "density");
        _lambda = Read(merge.Lambda, 1, layout, "lambda");
        int weights = _method.WeightCount(merge.Models.Count);
        double fallback = double.IsNaN(_method.DefaultWeight) ? 1.0 / Math.Max(1, weights) : _method.DefaultWeight;
        _weights = merge.Weights is null
            ? [.. Enumerable.Repeat<Func<int, double>>(_ => fallback, weights)]
            : [.. merge.Weights.Select((w, i) => Read(w, fallback, layout, $"weight {i + 1}"))];
        if (_method.UsesDensity)
        {
            for (int block = 0; block < Math.Max(1, layout.Blocks.Count); block++)
            {
                double d = _density(block);
                if (!(d > 0 && d <= 1))
                {
                    throw new InvalidGraphException(string.Create(CultureInfo.InvariantCulture, $"merge '{merge.Name}': density must be in (0, 1], got {d}{(layout.HasBlocks ? $" at block {layout.Blocks[block]}" : string.Empty)}"));
                }
            }
        }
    }

    public MethodParameters At(int block) => new(
        _t(block), _density(block), _lambda(block), [.. _weights.Select(w => w(block))], _merge.Seed ?? 0, _merge.Normalize ?? _method.DefaultNormalize);

    private Func<int, double> Read(string? text, double fallback, BlockLayout layout, string parameter)
    {
        if (text is null)
        {
            return _ => fallback;
        }

        if (GraphValidator.TryNumber(text, out double value))
        {
            return _ => value;
        }

        try
        {
            BlockWeights list = BlockWeights.Parse(text, layout, fallback);
            return list.ForBlock;
        }
        catch (InvalidBlockWeightsException ex)
        {
            throw new InvalidGraphException($"merge '{_merge.Name}': {parameter} '{text}': {ex.Message}");
        }
    }
}
