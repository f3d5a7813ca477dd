using Fast.Kernels;
using Fast.Kernels.Gpu;
using Fast.Merging.Methods;

namespace Fast.Merging.Gpu;

/// <summary>
/// The N-model methods' device seam on <see cref="GpuMergeBackend"/>: each call uploads the piece's f32 operands,
/// runs the method's elementwise steps in the CPU's order (the same kernels step for step as
/// <see cref="Fast.Kernels.Methods.MethodKernels"/>), and downloads the f32 result. Device tensors live for one call.
/// </summary>
/// <param name="backend">The ILGPU backend (not disposed here: <see cref="GpuMergeAccelerator"/> owns it).</param>
internal sealed class GpuMethodAccelerator(GpuMergeBackend backend) : IMethodAccelerator
{
    public void WeightedSum(IReadOnlyList<float[]> models, int count, ReadOnlySpan<float> weights, Span<float> destination)
    {
        List<GpuTensor> uploaded = Upload(models, count);
        try
        {
            GpuTensor result = uploaded[0];
            backend.Scale(result, weights[0], result);
            for (int m = 1; m < uploaded.Count; m++)
            {
                backend.AddScaled(result, uploaded[m], weights[m], result);
            }

            backend.Download(result, destination[..count]);
        }
        finally
        {
            Release(uploaded);
        }
    }

    public void AddDifferenceChain(ReadOnlySpan<float> first, ReadOnlySpan<float> baseValues, IReadOnlyList<float[]> terms, IReadOnlyList<ElementType> termTypes, ReadOnlySpan<float> weights, Span<float> destination)
    {
        int count = first.Length;
        using GpuTensor result = backend.Upload(first);
        using GpuTensor subtrahend = backend.Upload(baseValues);
        List<GpuTensor> uploaded = Upload(terms, count);
        try
        {
            for (int m = 0; m < uploaded.Count; m++)
            {
                backend.AddDifference(result, uploaded[m], subtrahend, GpuElementTypes.Of(termTypes[m]), weights[m], result);
            }

            backend.Download(result, destination[..count]);
        }
        finally
        {
            Release(uploaded);
        }
    }

    public void TaskArithmetic(ReadOnlySpan<float> baseValues, IReadOnlyList<float[]> models, TaskArithmeticStep plan, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(plan);
        int count = baseValues.Length;
        using GpuTensor gpuBase = backend.Upload(baseValues);
        var weighted = new List<GpuTensor>(models.Count);
        try
        {
            for (int m = 0; m < models.Count; m++)
            {
                GpuTensor delta = backend.Upload(models[m].AsSpan(0, count));
                weighted.Add(delta);
                backend.Subtract(delta, gpuBase, delta);
                if (plan.Trims is { } trims)
                {
                    backend.KeepByMagnitude(delta, trims[m].Threshold, trims[m].KeptEqualEnd);
                }

                if (plan.Drop is { } drop)
                {
                    backend.DropAndRescale(delta, drop.Start, drop.Seed, drop.NameHash, (uint)m, drop.Density);
                }

                backend.Scale(delta, plan.Weights[m], delta);
            }

            using GpuTensor mixed = backend.Allocate(count);
            if (plan.Consensus)
            {
                backend.SignElectedMean(weighted, [.. plan.Weights], plan.Normalize, mixed);
            }
            else
            {
                backend.Clear(mixed);
                foreach (GpuTensor term in weighted)
                {
                    backend.AddScaled(mixed, term, 1f, mixed);
                }

                if (plan.Normalize)
                {
                    backend.Divide(mixed, plan.SumDivisor, mixed);
                }
            }

            backend.AddScaled(gpuBase, mixed, plan.Lambda, gpuBase);
            backend.Download(gpuBase, destination[..count]);
        }
        finally
        {
            Release(weighted);
        }
    }

    public void Combine(ReadOnlySpan<float> a, double s0, ReadOnlySpan<float> b, double s1, Span<float> destination)
    {
        using GpuTensor ga = backend.Upload(a);
        using GpuTensor gb = backend.Upload(b);
        backend.Combine(ga, s0, gb, s1, ga);
        backend.Download(ga, destination[..a.Length]);
    }

    public void ModelStock(IReadOnlyList<float[]> models, ReadOnlySpan<float> baseValues, double t, Span<float> destination)
    {
        int count = baseValues.Length;
        using GpuTensor gpuBase = backend.Upload(baseValues);
        List<GpuTensor> uploaded = Upload(models, count);
        try
        {
            backend.ModelStockCombine(uploaded, gpuBase, t, gpuBase);
            backend.Download(gpuBase, destination[..count]);
        }
        finally
        {
            Release(uploaded);
        }
    }

    /// <summary>
    /// The first <paramref name="count"/> elements of each array on the device. Every tensor of a call lives until its
    /// result is downloaded (which waits for the queued kernels), so none is freed under a running kernel.
    /// </summary>
    private List<GpuTensor> Upload(IReadOnlyList<float[]> arrays, int count)
    {
        var uploaded = new List<GpuTensor>(arrays.Count);
        try
        {
            foreach (float[] array in arrays)
            {
                uploaded.Add(backend.Upload(array.AsSpan(0, count)));
            }

            return uploaded;
        }
        catch
        {
            Release(uploaded);
            throw;
        }
    }

    private static void Release(List<GpuTensor> tensors)
    {
        foreach (GpuTensor tensor in tensors)
        {
            tensor.Dispose();
        }
    }
}
