using Fast.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Fast.Kernels.Gpu;

/// <summary>
/// The elementwise steps of the N-model merge methods (weighted_sum of N, add_difference chains, ties, dare,
/// dare_ties, slerp's and model stock's combinations), each the f32 or double operation sequence of
/// <see cref="Fast.Kernels.Methods.MethodKernels"/> and <see cref="Fast.Kernels.Methods.DareMask"/>, so the bytes are
/// the CPU's. The per-tensor scalars (the trim threshold, slerp's factors, model stock's ratio) come from the host.
/// </summary>
public sealed partial class GpuMergeBackend
{
    /// <summary><c>output = weight·x</c>.</summary>
    /// <param name="x">The values.</param>
    /// <param name="weight">The factor.</param>
    /// <param name="output">Result; may be <paramref name="x"/>.</param>
    public void Scale(GpuTensor x, float weight, GpuTensor output)
    {
        ValidateElementwise(output, x);
        lock (_gate)
        {
            if (output.Length > 0)
            {
                _kernels.Scale(output.Length, x.View, output.View, weight);
            }
        }
    }

    /// <summary><c>output = acc + (weight·x)</c>, the product and the sum rounded separately.</summary>
    /// <param name="acc">The running sum.</param>
    /// <param name="x">The term.</param>
    /// <param name="weight">The term's factor.</param>
    /// <param name="output">Result; may alias an input.</param>
    public void AddScaled(GpuTensor acc, GpuTensor x, float weight, GpuTensor output)
    {
        ValidateElementwise(output, acc, x);
        lock (_gate)
        {
            if (output.Length > 0)
            {
                _kernels.AddScaled(output.Length, acc.View, x.View, output.View, weight);
            }
        }
    }

    /// <summary><c>output = a − b</c>.</summary>
    /// <param name="a">Minuend.</param>
    /// <param name="b">Subtrahend.</param>
    /// <param name="output">Result; may alias an input.</param>
    public void Subtract(GpuTensor a, GpuTensor b, GpuTensor output)
    {
        ValidateElementwise(output, a, b);
        lock (_gate)
        {
            if (output.Length > 0)
            {
                _kernels.Subtract(output.Length, a.View, b.View, output.View);
            }
        }
    }

    /// <summary><c>output = x / divisor</c> (a division, not a product with the reciprocal).</summary>
    /// <param name="x">The values.</param>
    /// <param name="divisor">The divisor.</param>
    /// <param name="output">Result; may be <paramref name="x"/>.</param>
    public void Divide(GpuTensor x, float divisor, GpuTensor output)
    {
        ValidateElementwise(output, x);
        lock (_gate)
        {
            if (output.Length > 0)
            {
                _kernels.Divide(output.Length, x.View, output.View, divisor);
            }
        }
    }

    /// <summary>Sets every element to +0.</summary>
    /// <param name="tensor">The tensor.</param>
    public void Clear(GpuTensor tensor)
    {
        Validate(tensor, tensor?.Length ?? 0, nameof(tensor));
        lock (_gate)
        {
            if (tensor!.Length > 0)
            {
                tensor.View.MemSetToZero();
            }
        }
    }

    /// <summary>
    /// TIES' trim with a host-found threshold (<see cref="Fast.Kernels.Methods.MagnitudeTrim.Threshold"/> and
    /// <see cref="Fast.Kernels.Methods.MagnitudeTrim.KeptEqualEnd"/>): keeps an element whose magnitude pattern lies
    /// above <paramref name="threshold"/>, or equals it at an index below <paramref name="keptEqualEnd"/>; the rest
    /// become +0. <paramref name="threshold"/> = <see cref="uint.MaxValue"/> keeps nothing.
    /// </summary>
    /// <param name="values">The differences, in place.</param>
    /// <param name="threshold">The k-th largest magnitude pattern.</param>
    /// <param name="keptEqualEnd">The index after the last element equal to the threshold that is kept.</param>
    public void KeepByMagnitude(GpuTensor values, uint threshold, int keptEqualEnd)
    {
        ValidateElementwise(values);
        lock (_gate)
        {
            if (values.Length > 0)
            {
                _kernels.KeepByMagnitude(values.Length, values.View, threshold, keptEqualEnd);
            }
        }
    }

    /// <summary>
    /// DARE's drop and rescale (<see cref="Fast.Kernels.Methods.DareMask.DropAndRescale"/>) of one operand's differences,
    /// element i being element <paramref name="start"/> + i of the tensor.
    /// </summary>
    /// <param name="deltas">The differences, in place.</param>
    /// <param name="start">Index in the tensor of the first element.</param>
    /// <param name="seed">The recipe's seed.</param>
    /// <param name="nameHash">The tensor's <see cref="Fast.Kernels.Methods.DareMask.NameHash"/>.</param>
    /// <param name="operand">The operand's index among the method's models.</param>
    /// <param name="density">The kept fraction, in (0, 1].</param>
    public void DropAndRescale(GpuTensor deltas, long start, uint seed, uint nameHash, uint operand, double density)
    {
        ValidateElementwise(deltas);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        if (!(density > 0 && density <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(density), density, "The density must lie in (0, 1].");
        }

        var drop = new DropParameters(start, seed, nameHash, operand, (uint)Math.Ceiling(density * 16777216.0), (float)density);
        lock (_gate)
        {
            if (deltas.Length > 0)
            {
                _kernels.DropAndRescale(deltas.Length, deltas.View, drop);
            }
        }
    }

    /// <summary>
    /// TIES' sign election and disjoint mean (<see cref="Fast.Kernels.Methods.MethodKernels.SignElectedMean"/>) of the
    /// weighted differences <c>wᵢ·δᵢ</c>.
    /// </summary>
    /// <param name="weightedDeltas">Per operand, <c>wᵢ·δᵢ</c>.</param>
    /// <param name="weights">Per operand, wᵢ as f32.</param>
    /// <param name="normalize">Divide by the elected weights' sum.</param>
    /// <param name="mixed">The mixed difference; may be one of <paramref name="weightedDeltas"/>.</param>
    public void SignElectedMean(IReadOnlyList<GpuTensor> weightedDeltas, ReadOnlySpan<float> weights, bool normalize, GpuTensor mixed)
    {
        ArgumentNullException.ThrowIfNull(weightedDeltas);
        if (weightedDeltas.Count == 0 || weights.Length != weightedDeltas.Count)
        {
            throw new ArgumentException($"{weightedDeltas.Count} operands and {weights.Length} weights: one weight per operand, at least one operand.", nameof(weights));
        }

        ValidateElementwise(mixed, [.. weightedDeltas]);
        lock (_gate)
        {
            if (mixed.Length == 0)
            {
                return;
            }

            using MemoryBuffer1D<float, Stride1D.Dense> packed = Packed(weightedDeltas, mixed.Length);
            using MemoryBuffer1D<float, Stride1D.Dense> weightBuffer = _accelerator.Allocate1D<float>(weights.Length);
            weightBuffer.View.BaseView.CopyFromCPU(weights);
            _kernels.SignElectedMean(mixed.Length, packed.View, weightBuffer.View, mixed.View, normalize ? 1 : 0);
            _accelerator.Synchronize();
        }
    }

    /// <summary>slerp's combination <c>f32(s0·a + s1·b)</c> in double (<see cref="Fast.Kernels.Methods.MethodKernels.Combine"/>).</summary>
    /// <param name="a">First vector.</param>
    /// <param name="s0">Its factor.</param>
    /// <param name="b">Second vector.</param>
    /// <param name="s1">Its factor.</param>
    /// <param name="output">Result; may alias an input.</param>
    public void Combine(GpuTensor a, double s0, GpuTensor b, double s1, GpuTensor output)
    {
        ValidateElementwise(output, a, b);
        lock (_gate)
        {
            if (output.Length > 0)
            {
                _kernels.Combine(output.Length, a.View, b.View, output.View, s0, s1);
            }
        }
    }

    /// <summary>model stock's combination <c>f32(t·(Σ Mᵢ / N) + (1 − t)·base)</c> in double, the sum in model order.</summary>
    /// <param name="models">The fine-tuned models.</param>
    /// <param name="baseValues">The base.</param>
    /// <param name="t">The interpolation ratio from the host.</param>
    /// <param name="output">Result; may alias an input.</param>
    public void ModelStockCombine(IReadOnlyList<GpuTensor> models, GpuTensor baseValues, double t, GpuTensor output)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (models.Count == 0)
        {
            throw new ArgumentException("model stock needs at least one model.", nameof(models));
        }

        ValidateElementwise(output, [.. models, baseValues]);
        lock (_gate)
        {
            if (output.Length == 0)
            {
                return;
            }

            using MemoryBuffer1D<float, Stride1D.Dense> packed = Packed(models, output.Length);
            _kernels.ModelStockCombine(output.Length, packed.View, baseValues.View, output.View, models.Count, t, 1 - t);
            _accelerator.Synchronize();
        }
    }

    /// <summary>The tensors copied model-major into one device buffer (tensor m at m·count); caller holds the lock.</summary>
    private MemoryBuffer1D<float, Stride1D.Dense> Packed(IReadOnlyList<GpuTensor> tensors, int count)
    {
        MemoryBuffer1D<float, Stride1D.Dense> packed = _accelerator.Allocate1D<float>((long)tensors.Count * count);
        for (int m = 0; m < tensors.Count; m++)
        {
            packed.View.BaseView.SubView((long)m * count, count).CopyFrom(tensors[m].View);
        }

        return packed;
    }
}
