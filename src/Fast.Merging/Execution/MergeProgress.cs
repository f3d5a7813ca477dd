namespace Fast.Merging.Execution;

/// <summary>Progress of a running merge: output bytes finished out of the total.</summary>
public readonly record struct MergeProgress(long BytesDone, long BytesTotal, int TensorsDone, int TensorsTotal);
