using Fast.Merging.Methods;

namespace Fast.Merging.Api;

/// <summary>
/// The device of a two- or three-model merge (<see cref="MergeOptions.Device"/>), opened on a worker thread while the
/// caller opens and plans the inputs. Asking for a GPU costs time even where there is none: ILGPU is loaded and asks
/// the CUDA driver for devices (about 70 ms for a cosine merge on a machine without a GPU, 3% of a full-size SD1.5
/// cosineB merge), and creating a CUDA context costs far more. Planning is single-threaded and takes longer than that
/// probe, so the merge no longer waits for it.
/// </summary>
internal sealed class DeviceOpening : IDisposable
{
    private readonly Task<IMergeAccelerator?>? _opening;
    private bool _taken;

    private DeviceOpening(Task<IMergeAccelerator?>? opening) => _opening = opening;

    /// <summary>Starts opening the device the options and the calcmode call for; nothing starts where none is wanted.</summary>
    public static DeviceOpening Start(MergeOptions options, CalcMode calcMode) =>
        new(Wanted(options, calcMode) ? Task.Run(() => Open(options, calcMode)) : null);

    /// <summary>
    /// The opened device, null for the SIMD kernels; the caller owns (and disposes) it from here. Waits for the probe.
    /// </summary>
    /// <exception cref="MergeDeviceException">Device gpu was asked for and cannot be opened.</exception>
    public IMergeAccelerator? Take()
    {
        _taken = true;
        return _opening?.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Closes a device that was opened but never taken (the merge failed before it needed one), once its opening ends:
    /// the merge's error is reported without waiting for a CUDA context to be created. The opening's own failure is not
    /// reported: the merge's error already is.
    /// </summary>
    public void Dispose()
    {
        if (_taken || _opening is null)
        {
            return;
        }

        _taken = true;
        _opening.ContinueWith(
            opening =>
            {
                if (opening.IsCompletedSuccessfully)
                {
                    opening.Result?.Dispose();
                }
                else
                {
                    _ = opening.Exception; // observed, so it is not reported as an unobserved task exception
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Whether <see cref="Open"/> would try to open a device (not only return null).</summary>
    private static bool Wanted(MergeOptions options, CalcMode calcMode) => options.Device switch
    {
        MergeDevice.Cpu => false,
        MergeDevice.Gpu => true,
        _ => CalcModeCatalog.Get(calcMode).ComputeHeavy && options.Accelerator is not null,
    };

    /// <summary>Resolves <see cref="MergeOptions.Device"/>: null means the SIMD kernels.</summary>
    private static IMergeAccelerator? Open(MergeOptions options, CalcMode calcMode)
    {
        switch (options.Device)
        {
            case MergeDevice.Cpu:
                return null;
            case MergeDevice.Gpu:
                if (options.Accelerator is null)
                {
                    throw new MergeDeviceException("device gpu: this build has no GPU backend; use device auto or cpu");
                }

                return options.Accelerator.TryCreate(out IMergeAccelerator? gpu, out string reason)
                    ? gpu
                    : throw new MergeDeviceException($"device gpu: {reason}; use device auto or cpu");
            default:
                // The GPU pays only where the arithmetic outweighs the transfers: elsewhere they dominate.
                return CalcModeCatalog.Get(calcMode).ComputeHeavy && options.Accelerator is not null && options.Accelerator.TryCreate(out IMergeAccelerator? auto, out _)
                    ? auto
                    : null;
        }
    }
}
