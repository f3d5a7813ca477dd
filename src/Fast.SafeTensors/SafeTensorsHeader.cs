namespace Fast.SafeTensors;

/// <summary>A header that passed every SPEC §1.1 rule.</summary>
internal sealed class SafeTensorsHeader
{
    public SafeTensorsHeader(long headerLength, TensorInfo[] tensorsInFileOrder, TensorInfo[] tensorsInDataOrder, KeyValuePair<string, string>[] metadata, long? dataOffset = null)
    {
        HeaderLength = headerLength;
        // A torch checkpoint's tensors are addressed from the start of the file (dataOffset 0).
        DataOffset = dataOffset ?? 8 + headerLength;
        TensorsInFileOrder = tensorsInFileOrder;
        TensorsInDataOrder = tensorsInDataOrder;
        Metadata = metadata;
        foreach (TensorInfo t in tensorsInFileOrder)
        {
            t.Owner = this;
        }
    }

    /// <summary>N, the JSON byte count after the 8-byte prefix.</summary>
    public long HeaderLength { get; }

    public long DataOffset { get; }

    public TensorInfo[] TensorsInFileOrder { get; }

    public TensorInfo[] TensorsInDataOrder { get; }

    public KeyValuePair<string, string>[] Metadata { get; }
}
