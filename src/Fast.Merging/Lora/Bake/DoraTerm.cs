using Fast.Merging.Planning;
using Fast.SafeTensors;

namespace Fast.Merging.Lora.Bake;

/// <summary>
/// A DoRA module (a LoRA, LoHa or LoKr module with a <c>dora_scale</c>), baked as ComfyUI
/// <c>comfy/weight_adapter/base.py</c> <c>weight_decompose</c> does, in binary32:
/// <code>
/// Wc = W + ΔW · scale                                    (the inner term at strength 1)
/// n  = ‖Wc‖ per input channel, or ‖W‖ per output row     (ComfyUI: the output-axis norm is of W before the update)
/// Wc = Wc · (dora_scale / (n + 2⁻²³))
/// W  = strength == 1 ? Wc : W + strength · (Wc − W)
/// </code>
/// Each norm is the binary32 rounding of the square root of a binary64 sum of squares (every square and partial
/// sum exact or nearly so), where torch 1.13 sums in binary32 SIMD lanes whose width depends on the CPU; ours is the
/// correctly rounded norm but for ties too rare to meet, torch's is within an ulp or two of it.
/// </summary>
internal sealed class DoraTerm(SafeTensorsFile file, TensorInfo magnitude, BakeTerm inner, DoraAxis axis, int channels, float ratio)
    : BakeTerm(inner.RowOffset, inner.Rows, inner.Columns, ratio, 1f)
{
    /// <summary><c>torch.finfo(torch.float32).eps</c>, which ComfyUI adds to every norm.</summary>
    private const float NormEpsilon = 1f / (1 << 23);

    public DoraAxis Axis { get; } = axis;

    /// <summary>A copy of the rows before the update (the lerp and the output-axis norms need them), then the inner term's.</summary>
    public override int ScratchPerElement => 1 + inner.ScratchPerElement;

    public override bool NeedsAllRows => Axis == DoraAxis.InputChannels;

    /// <summary>
    /// Wraps <paramref name="inner"/> (planned at strength 1, its sum as <c>torch.mm</c> rounds) in the DoRA
    /// rescaling by <paramref name="magnitude"/>, after checking the magnitude fits the weight.
    /// </summary>
    /// <exception cref="LoraException">The magnitude fits neither axis of the weight, is not floating, or the module pads an inpainting conv_in.</exception>
    public static DoraTerm Create(SafeTensorsFile file, string module, TensorInfo magnitude, BakeTerm inner, TensorInfo weight, double ratio)
    {
        IReadOnlyList<long> w = weight.Shape, d = magnitude.Shape;
        long rows = inner.Rows, inChannels = w[1];
        bool sameRank = d.Count == w.Count;
        bool output = sameRank && d[0] == rows && d.Skip(1).All(x => x == 1);
        bool input = !output && sameRank && d[0] == 1 && d[1] == inChannels && d.Skip(2).All(x => x == 1);
        if (!output && !input)
        {
            throw new LoraException(
                $"{file.Path}: '{magnitude.Name}' {ShapeFormatting.Format(d)} fits neither the {rows} output rows nor the {inChannels} input channels of '{weight.Name}' {ShapeFormatting.Format(w)}");
        }

        if (!ElementTypes.TryGet(magnitude.DType, out _))
        {
            throw new LoraException($"{file.Path}: '{magnitude.Name}' is {magnitude.DType}, not a floating dtype");
        }

        if (inner is LowRankTerm { Padded: true })
        {
            // ComfyUI reshapes ΔW to the weight's shape before weight_decompose, which a 4-channel update on a
            // 9-channel conv_in does not fit; there is no convention to follow.
            throw new LoraException($"{file.Path}: module '{module}' is DoRA on a {inChannels}-channel inpainting conv_in its update does not cover; bake does not apply it");
        }

        if (input && weight.ElementCount > int.MaxValue / 8)
        {
            throw new LoraException($"{file.Path}: module '{module}': '{weight.Name}' is too large to hold whole for its per-input-channel DoRA norms");
        }

        return new DoraTerm(file, magnitude, inner, output ? DoraAxis.OutputRows : DoraAxis.InputChannels, (int)inChannels, (float)ratio);
    }

    public override float[][] LoadFactors() => [.. inner.LoadFactors(), LoraFactors.Read(file, magnitude)];

    public override void Apply(Span<float> target, int first, int count, float[][] factors, Span<float> scratch)
    {
        if (Axis == DoraAxis.InputChannels && (first != 0 || count != Rows))
        {
            throw new InvalidOperationException("a per-input-channel DoRA term needs all its rows at once");
        }

        int n = count * Columns;
        Span<float> before = scratch[..n];
        target[..n].CopyTo(before);
        inner.Apply(target, first, count, factors[..^1], scratch[n..]);
        float[] magnitude = factors[^1];
        float[] scales = Axis == DoraAxis.OutputRows ? RowScales(before, magnitude, first, count) : ChannelScales(target, magnitude, count);

        float strength = Ratio;
        for (int r = 0; r < count; r++)
        {
            Span<float> row = target.Slice(r * Columns, Columns);
            ReadOnlySpan<float> old = before.Slice(r * Columns, Columns);
            for (int c = 0; c < Columns; c++)
            {
                float decomposed = row[c] * (Axis == DoraAxis.OutputRows ? scales[r] : scales[c]);

                // ComfyUI: weight_calc -= weight; weight += strength * weight_calc (each step rounded), or the
                // decomposed weight itself at strength 1.
                row[c] = strength == 1f ? decomposed : old[c] + (strength * (decomposed - old[c]));
            }
        }
    }

    // dora_scale / (‖W row‖ + eps) for each row, of the rows before the update (ComfyUI's output-axis rule).
    private float[] RowScales(ReadOnlySpan<float> before, float[] magnitude, int first, int count)
    {
        float[] scales = new float[count];
        for (int r = 0; r < count; r++)
        {
            double sum = 0;
            foreach (float v in before.Slice(r * Columns, Columns))
            {
                sum += (double)v * v;
            }

            scales[r] = magnitude[first + r] / ((float)Math.Sqrt(sum) + NormEpsilon);
        }

        return scales;
    }

    // dora_scale / (‖Wc[:, i]‖ + eps) for each input channel i, over every row and kernel position of the updated
    // rows; returned per column (each of a channel's kernel positions holding its scale).
    private float[] ChannelScales(ReadOnlySpan<float> updated, float[] magnitude, int count)
    {
        // Column sums first (a row at a time, as the rows lie in memory), then each channel's kernel positions.
        double[] columnSums = new double[Columns];
        for (int r = 0; r < count; r++)
        {
            ReadOnlySpan<float> row = updated.Slice(r * Columns, Columns);
            for (int c = 0; c < Columns; c++)
            {
                columnSums[c] += (double)row[c] * row[c];
            }
        }

        int channelColumns = Columns / channels;
        float[] scales = new float[Columns];
        for (int i = 0; i < channels; i++)
        {
            double sum = 0;
            for (int c = i * channelColumns; c < (i + 1) * channelColumns; c++)
            {
                sum += columnSums[c];
            }

            scales.AsSpan(i * channelColumns, channelColumns).Fill(magnitude[i] / ((float)Math.Sqrt(sum) + NormEpsilon));
        }

        return scales;
    }
}
