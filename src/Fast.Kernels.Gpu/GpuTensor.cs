using ILGPU;
using ILGPU.Runtime;

namespace Fast.Kernels.Gpu;

/// <summary>
/// An f32 tensor resident on a <see cref="GpuMergeBackend"/>'s device. Create it with the backend's
/// <c>Allocate</c>/<c>Upload</c> methods; dispose it to free device memory.
/// </summary>
public sealed class GpuTensor : IDisposable
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense>? _buffer;

    internal GpuTensor(GpuMergeBackend owner, MemoryBuffer1D<float, Stride1D.Dense>? buffer, int length)
    {
        Owner = owner;
        _buffer = buffer;
        Length = length;
    }

    /// <summary>Number of f32 elements.</summary>
    public int Length { get; }

    internal GpuMergeBackend Owner { get; }

    /// <summary>The device view; only valid when <see cref="Length"/> &gt; 0 (ILGPU has no empty buffers).</summary>
    internal ArrayView<float> View
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            return _buffer!.View;
        }
    }

    internal bool IsDisposed { get; private set; }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!IsDisposed)
        {
            IsDisposed = true;
            _buffer?.Dispose();
        }
    }
}
