using Fast.Merging.Methods;

namespace Fast.Merging.Api;

/// <summary>Opens an <see cref="IMergeAccelerator"/> on demand, so a merge that needs no device never initialises one.</summary>
public interface IMergeAcceleratorProvider
{
    /// <summary>Opens the device; never throws for a missing driver or device.</summary>
    /// <param name="accelerator">The ready device, or null.</param>
    /// <param name="reason">Why none could be opened (or which one was).</param>
    /// <returns>True when <paramref name="accelerator"/> is ready; the caller disposes it.</returns>
    bool TryCreate(out IMergeAccelerator? accelerator, out string reason);
}
