using Fast.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Fast.Kernels.Gpu;

/// <summary>
/// The merge arithmetic of SPEC §2–4 on one ILGPU accelerator, bit-identical to the CPU definition.
/// Owns one ILGPU <see cref="Context"/>, one accelerator and its kernels (compiled once, cached).
/// Every public operation takes a lock and runs on the accelerator's default stream, so one engine may
/// call it from several threads; operations are serialised, not concurrent.
/// </summary>
public sealed partial class GpuMergeBackend : IDisposable
{
    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly IGpuKernels _kernels;
    private readonly Lock _gate = new();
    private MemoryBuffer1D<byte, Stride1D.Dense>? _staging;
    private bool _disposed;

    private GpuMergeBackend(Context context, Accelerator accelerator, IGpuKernels kernels)
    {
        _context = context;
        _accelerator = accelerator;
        _kernels = kernels;
    }

    /// <summary>Human-readable name of the device, e.g. "NVIDIA H100 80GB HBM3".</summary>
    public string DeviceName => _accelerator.Name;

    /// <summary>True when this backend runs on a CUDA device (false for the test-only CPU accelerator).</summary>
    public bool IsCuda => _accelerator.AcceleratorType == AcceleratorType.Cuda;

    /// <summary>
    /// Opens the accelerator named by <paramref name="preference"/> (device 0). Never throws for a missing
    /// driver or device: it returns false and says why in <paramref name="reason"/>.
    /// </summary>
    /// <param name="preference">CUDA, or the CPU accelerator for tests.</param>
    /// <param name="backend">The ready backend, or null.</param>
    /// <param name="reason">Why no backend could be created, or a description of the one that was.</param>
    /// <returns>True when <paramref name="backend"/> is ready.</returns>
    public static bool TryCreate(GpuPreference preference, out GpuMergeBackend? backend, out string reason) =>
        TryCreate(preference, 0, out backend, out reason);

    /// <summary>Opens device <paramref name="deviceIndex"/> of the kind named by <paramref name="preference"/>.</summary>
    /// <param name="preference">CUDA, or the CPU accelerator for tests.</param>
    /// <param name="deviceIndex">Zero-based device index among devices of that kind.</param>
    /// <param name="backend">The ready backend, or null.</param>
    /// <param name="reason">Why no backend could be created, or a description of the one that was.</param>
    /// <returns>True when <paramref name="backend"/> is ready.</returns>
    public static bool TryCreate(GpuPreference preference, int deviceIndex, out GpuMergeBackend? backend, out string reason)
    {
        backend = null;
        Context? context = null;
        Accelerator? accelerator = null;
        try
        {
            // MathMode.Default keeps IEEE division/sqrt and denormals; fast math would flush subnormals.
            context = Context.Create(builder =>
            {
                builder.Math(MathMode.Default).Optimize(OptimizationLevel.O2);
                _ = preference == GpuPreference.Cuda ? builder.Cuda() : builder.CPU();
            });

            IGpuKernels kernels;
            if (preference == GpuPreference.Cuda)
            {
                var devices = context.GetCudaDevices();
                if (devices.Count == 0)
                {
                    reason = "no CUDA device found (no NVIDIA driver/libcuda, or no GPU visible to this process)";
                    context.Dispose();
                    return false;
                }

                if (deviceIndex < 0 || deviceIndex >= devices.Count)
                {
                    reason = $"CUDA device {deviceIndex} was requested but {devices.Count} device(s) exist";
                    context.Dispose();
                    return false;
                }

                accelerator = devices[deviceIndex].CreateCudaAccelerator(context);
                kernels = new GpuKernels<CudaStrictMath>(accelerator);
            }
            else
            {
                accelerator = context.CreateCPUAccelerator(0);
                kernels = new GpuKernels<CpuStrictMath>(accelerator);
            }

            backend = new GpuMergeBackend(context, accelerator, kernels);
            reason = $"{accelerator.AcceleratorType} accelerator '{accelerator.Name}'";
            return true;
        }
        catch (Exception exception) when (exception is AcceleratorException or DllNotFoundException or EntryPointNotFoundException
            or TypeInitializationException or NotSupportedException or InvalidOperationException)
        {
            accelerator?.Dispose();
            context?.Dispose();
            reason = $"{preference} backend unavailable: {exception.GetType().Name}: {exception.Message}";
            return false;
        }
    }

    /// <summary>Allocates an uninitialised f32 tensor of <paramref name="length"/> elements on the device.</summary>
    /// <param name="length">Element count, at most <see cref="int.MaxValue"/> (split larger tensors into chunks).</param>
    /// <returns>The new tensor.</returns>
    public GpuTensor Allocate(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, int.MaxValue);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var buffer = length == 0 ? null : _accelerator.Allocate1D<float>(length);
            return new GpuTensor(this, buffer, (int)length);
        }
    }

    /// <summary>Copies f32 values to a new device tensor.</summary>
    /// <param name="values">Host values.</param>
    /// <returns>The new tensor.</returns>
    public GpuTensor Upload(ReadOnlySpan<float> values)
    {
        var tensor = Allocate(values.Length);
        if (values.Length > 0)
        {
            lock (_gate)
            {
                tensor.View.CopyFromCPU(values);
            }
        }

        return tensor;
    }

    /// <summary>
    /// Copies stored elements (little-endian, any alignment) to the device and widens them exactly to a new
    /// f32 tensor (F64 rounds to nearest f32).
    /// </summary>
    /// <param name="raw">The stored bytes; their length must be a multiple of the element size.</param>
    /// <param name="elementType">How <paramref name="raw"/> is encoded.</param>
    /// <returns>The widened tensor.</returns>
    public GpuTensor Upload(ReadOnlySpan<byte> raw, GpuElementType elementType)
    {
        int elementSize = ElementSize(elementType);
        if (raw.Length % elementSize != 0)
        {
            throw new ArgumentException($"{raw.Length} bytes is not a whole number of {elementType} elements.", nameof(raw));
        }

        var tensor = Allocate(raw.Length / elementSize);
        if (tensor.Length == 0)
        {
            return tensor;
        }

        lock (_gate)
        {
            if (elementType == GpuElementType.F32)
            {
                tensor.View.Cast<byte>().CopyFromCPU(raw);
                return tensor;
            }

            var staging = Staging(raw.Length);
            staging.CopyFromCPU(raw);
            var output = tensor.View;
            switch (elementType)
            {
                case GpuElementType.F16:
                    _kernels.WidenHalf(tensor.Length, staging.Cast<ushort>(), output);
                    break;
                case GpuElementType.BF16:
                    _kernels.WidenBFloat16(tensor.Length, staging.Cast<ushort>(), output);
                    break;
                case GpuElementType.F64:
                    _kernels.WidenDouble(tensor.Length, staging.Cast<double>(), output);
                    break;
                default:
                    _kernels.WidenFp8(tensor.Length, staging, output, elementType == GpuElementType.F8E5M2 ? 1 : 0);
                    break;
            }

            _accelerator.Synchronize();
        }

        return tensor;
    }

    /// <summary>Copies a device tensor's f32 values to the host.</summary>
    /// <param name="tensor">The device tensor.</param>
    /// <param name="destination">Host span of exactly <see cref="GpuTensor.Length"/> elements.</param>
    public void Download(GpuTensor tensor, Span<float> destination)
    {
        Validate(tensor, destination.Length, nameof(destination));
        if (tensor.Length == 0)
        {
            return;
        }

        lock (_gate)
        {
            _accelerator.Synchronize();
            tensor.View.CopyToCPU(destination);
        }
    }

    /// <summary>
    /// Narrows a device tensor to <paramref name="elementType"/> (round to nearest even; NaN stays NaN;
    /// fp8 saturates) and copies the little-endian bytes to the host.
    /// </summary>
    /// <param name="tensor">The device tensor.</param>
    /// <param name="elementType">The stored element type.</param>
    /// <param name="destination">Host bytes: <see cref="GpuTensor.Length"/> × element size.</param>
    public void Download(GpuTensor tensor, GpuElementType elementType, Span<byte> destination)
    {
        int elementSize = ElementSize(elementType);
        ArgumentNullException.ThrowIfNull(tensor);
        if ((long)tensor.Length * elementSize != destination.Length)
        {
            throw new ArgumentException(
                $"Destination holds {destination.Length} bytes; {tensor.Length} {elementType} elements need {(long)tensor.Length * elementSize}.",
                nameof(destination));
        }

        Validate(tensor, tensor.Length, nameof(tensor));
        if (tensor.Length == 0)
        {
            return;
        }

        lock (_gate)
        {
            var source = tensor.View;
            if (elementType == GpuElementType.F32)
            {
                _accelerator.Synchronize();
                source.Cast<byte>().CopyToCPU(destination);
                return;
            }

            var staging = Staging(destination.Length);
            switch (elementType)
            {
                case GpuElementType.F16:
                    _kernels.NarrowHalf(tensor.Length, source, staging.Cast<ushort>());
                    break;
                case GpuElementType.BF16:
                    _kernels.NarrowBFloat16(tensor.Length, source, staging.Cast<ushort>());
                    break;
                case GpuElementType.F64:
                    _kernels.NarrowToDouble(tensor.Length, source, staging.Cast<double>());
                    break;
                default:
                    _kernels.NarrowFp8(tensor.Length, source, staging, elementType == GpuElementType.F8E5M2 ? 1 : 0);
                    break;
            }

            _accelerator.Synchronize();
            staging.CopyToCPU(destination);
        }
    }

    /// <summary>Waits until every queued operation has finished (for timing).</summary>
    public void Synchronize()
    {
        lock (_gate)
        {
            _accelerator.Synchronize();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _staging?.Dispose();
            _accelerator.Dispose();
            _context.Dispose();
        }
    }

    /// <summary>Bytes per stored element of <paramref name="elementType"/>.</summary>
    /// <param name="elementType">The element type.</param>
    /// <returns>1, 2, 4 or 8.</returns>
    public static int ElementSize(GpuElementType elementType) => elementType switch
    {
        GpuElementType.F32 => 4,
        GpuElementType.F16 or GpuElementType.BF16 => 2,
        GpuElementType.F64 => 8,
        GpuElementType.F8E4M3 or GpuElementType.F8E5M2 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(elementType), elementType, "Unknown element type."),
    };

    /// <summary>A device byte view of at least <paramref name="byteCount"/> bytes; caller holds the lock.</summary>
    private ArrayView<byte> Staging(long byteCount)
    {
        if (_staging is null || _staging.Length < byteCount)
        {
            _staging?.Dispose();
            _staging = _accelerator.Allocate1D<byte>(Math.Max(byteCount, 1 << 20));
        }

        return _staging.View.SubView(0, byteCount);
    }

    private void Validate(GpuTensor tensor, int expectedLength, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_disposed, this);
        ObjectDisposedException.ThrowIf(tensor.IsDisposed, tensor);
        if (!ReferenceEquals(tensor.Owner, this))
        {
            throw new ArgumentException("The tensor belongs to a different GPU backend.", parameterName);
        }

        if (tensor.Length != expectedLength)
        {
            throw new ArgumentException($"Length {tensor.Length} does not match the expected {expectedLength}.", parameterName);
        }
    }
}
