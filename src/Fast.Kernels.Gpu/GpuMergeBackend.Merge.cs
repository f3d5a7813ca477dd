using ILGPU;
using ILGPU.Runtime;

namespace Fast.Kernels.Gpu;

/// <summary>Element-wise merge modes (SPEC §3) and trainDifference (SPEC §4).</summary>
public sealed partial class GpuMergeBackend
{
    /// <summary>Weighted sum: <c>output = lerp(start, end, weight)</c> in torch's fma form (SPEC §2).</summary>
    /// <param name="start">A.</param>
    /// <param name="end">B.</param>
    /// <param name="weight">α as f32.</param>
    /// <param name="output">Result; may be <paramref name="start"/> or <paramref name="end"/>.</param>
    public void Lerp(GpuTensor start, GpuTensor end, float weight, GpuTensor output)
    {
        ValidateElementwise(output, start, end);
        lock (_gate)
        {
            if (output.Length > 0)
            {
                _kernels.Lerp(output.Length, start.View, end.View, output.View, weight);
            }
        }
    }

    /// <summary>
    /// Weighted sum as the reference runs it (SPEC §3): α exactly 0 keeps <paramref name="start"/>, exactly 1 copies
    /// <paramref name="end"/> (NaN, ∞ and −0 of the other model never leak in); otherwise <see cref="Lerp"/> with α as f32.
    /// </summary>
    /// <param name="start">A.</param>
    /// <param name="end">B.</param>
    /// <param name="alpha">α as parsed (double), compared exactly.</param>
    /// <param name="output">Result; may be <paramref name="start"/> or <paramref name="end"/>.</param>
    public void WeightedSum(GpuTensor start, GpuTensor end, double alpha, GpuTensor output)
    {
        if (alpha != 0 && alpha != 1)
        {
            Lerp(start, end, (float)alpha, output);
            return;
        }

        ValidateElementwise(output, start, end);
        GpuTensor kept = alpha == 0 ? start : end;
        lock (_gate)
        {
            if (output.Length > 0 && !ReferenceEquals(kept, output))
            {
                output.View.CopyFrom(kept.View);
            }
        }
    }

    /// <summary>
    /// Add difference: <c>D = round_to_dtype_of_B(B − C)</c>, then <c>A + (α·D)</c> as a separate multiply and add.
    /// </summary>
    /// <param name="a">A.</param>
    /// <param name="b">B, widened.</param>
    /// <param name="c">C, widened.</param>
    /// <param name="elementTypeOfB">B's stored element type, which D is rounded through.</param>
    /// <param name="alpha">α as f32.</param>
    /// <param name="output">Result; may alias an input.</param>
    public void AddDifference(GpuTensor a, GpuTensor b, GpuTensor c, GpuElementType elementTypeOfB, float alpha, GpuTensor output)
    {
        ValidateElementwise(output, a, b, c);
        _ = ElementSize(elementTypeOfB);
        lock (_gate)
        {
            if (output.Length > 0)
            {
                _kernels.AddDifference(output.Length, a.View, b.View, c.View, output.View, (int)elementTypeOfB, alpha);
            }
        }
    }

    /// <summary><c>round_to_dtype_of_B(B − C)</c>: the add-difference delta as B's element type holds it.</summary>
    /// <param name="b">B, widened.</param>
    /// <param name="c">C, widened.</param>
    /// <param name="elementTypeOfB">B's stored element type.</param>
    /// <param name="output">Result; may alias an input.</param>
    public void RoundedDifference(GpuTensor b, GpuTensor c, GpuElementType elementTypeOfB, GpuTensor output)
    {
        ValidateElementwise(output, b, c);
        _ = ElementSize(elementTypeOfB);
        lock (_gate)
        {
            if (output.Length > 0)
            {
                _kernels.Difference(output.Length, b.View, c.View, output.View, (int)elementTypeOfB);
            }
        }
    }

    /// <summary>Triple sum (SPEC §3); the weights are combined in double and cast to f32 as the reference does.</summary>
    /// <param name="a">A.</param>
    /// <param name="b">B.</param>
    /// <param name="c">C.</param>
    /// <param name="alpha">α as parsed (double).</param>
    /// <param name="beta">β as parsed (double).</param>
    /// <param name="output">Result; may alias an input.</param>
    public void TripleSum(GpuTensor a, GpuTensor b, GpuTensor c, double alpha, double beta, GpuTensor output)
    {
        ValidateElementwise(output, a, b, c);
        double total = alpha + beta;
        lock (_gate)
        {
            if (output.Length == 0)
            {
                return;
            }

            if (total != 0)
            {
                _kernels.DoubleLerp(output.Length, a.View, b.View, c.View, output.View, (float)(beta / total), (float)total, 0);
            }
            else
            {
                _kernels.WeightedSum3(output.Length, a.View, b.View, c.View, output.View, (float)(1 - alpha - beta), (float)alpha, (float)beta);
            }
        }
    }

    /// <summary>Sum twice: <c>lerp(lerp(A, B, α), C, β)</c>.</summary>
    /// <param name="a">A.</param>
    /// <param name="b">B.</param>
    /// <param name="c">C.</param>
    /// <param name="alpha">α as f32.</param>
    /// <param name="beta">β as f32.</param>
    /// <param name="output">Result; may alias an input.</param>
    public void SumTwice(GpuTensor a, GpuTensor b, GpuTensor c, float alpha, float beta, GpuTensor output)
    {
        ValidateElementwise(output, a, b, c);
        lock (_gate)
        {
            if (output.Length > 0)
            {
                _kernels.DoubleLerp(output.Length, a.View, b.View, c.View, output.View, alpha, beta, 1);
            }
        }
    }

    /// <summary>Scaled sum: <c>(factorA·A) + (factorB·B)</c>, no normalisation.</summary>
    /// <param name="a">A.</param>
    /// <param name="b">B.</param>
    /// <param name="factorA">A's block factor as f32.</param>
    /// <param name="factorB">B's block factor as f32.</param>
    /// <param name="output">Result; may alias an input.</param>
    public void ScaledSum(GpuTensor a, GpuTensor b, float factorA, float factorB, GpuTensor output)
    {
        ValidateElementwise(output, a, b);
        lock (_gate)
        {
            if (output.Length > 0)
            {
                _kernels.WeightedSum2(output.Length, a.View, b.View, output.View, factorA, factorB);
            }
        }
    }

    /// <summary>
    /// trainDifference (SPEC §4) on raw B and C: A unchanged when B equals C element for element (IEEE
    /// equality, so any NaN counts as different), otherwise the f32 sequence of the spec with <c>f32(α·1.8)</c>.
    /// </summary>
    /// <param name="a">A.</param>
    /// <param name="b">B.</param>
    /// <param name="c">C.</param>
    /// <param name="alpha">α as parsed (double); α·1.8 is computed in double.</param>
    /// <param name="output">Result; may alias an input.</param>
    public void TrainDifference(GpuTensor a, GpuTensor b, GpuTensor c, double alpha, GpuTensor output)
    {
        ValidateElementwise(output, a, b, c);
        lock (_gate)
        {
            if (output.Length == 0)
            {
                return;
            }

            using var flag = _accelerator.Allocate1D<int>(1);
            flag.MemSetToZero();
            _kernels.AnyDifferent(output.Length, b.View, c.View, flag.View);
            _accelerator.Synchronize();
            Span<int> anyDifferent = stackalloc int[1];
            flag.View.BaseView.CopyToCPU(anyDifferent);
            if (anyDifferent[0] == 0)
            {
                if (!ReferenceEquals(a, output))
                {
                    output.View.CopyFrom(a.View);
                }

                return;
            }

            _kernels.TrainDifference(output.Length, a.View, b.View, c.View, output.View, (float)(alpha * 1.8));
        }
    }

    private void ValidateElementwise(GpuTensor output, params ReadOnlySpan<GpuTensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(output);
        Validate(output, output.Length, nameof(output));
        foreach (var input in inputs)
        {
            Validate(input, output.Length, nameof(inputs));
        }
    }
}
