using Fast.Merging.Methods;

namespace Fast.Merging.Execution;

/// <summary>How the engine runs: worker count and the device, if any, per kind of operation.</summary>
/// <param name="Threads">Worker threads (≥ 1); the output does not depend on it.</param>
/// <param name="Accelerator">A device for smoothAdd, cosineA/cosineB and extract (and trainDifference/normal modes when <paramref name="AccelerateAll"/>).</param>
/// <param name="AccelerateAll">Also run calcmode normal and trainDifference on <paramref name="Accelerator"/>.</param>
internal sealed record EngineOptions(int Threads, IMergeAccelerator? Accelerator = null, bool AccelerateAll = false);
