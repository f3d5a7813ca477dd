namespace Fast.SafeTensors;

/// <summary>A header that passed every SPEC §1.1 rule.</summary>
internal sealed class SafeTensorsHeader
{
    public SafeTensorsHeader(long headerLength, TensorInfo[] tensorsInFileOrder, TensorInfo[] tensorsInDataOrder, KeyValuePair<string, string>[] metadata)
    {
        HeaderLength = headerLength;
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

    public long DataOffset => 8 + HeaderLength;

    public TensorInfo[] TensorsInFileOrder { get; }

    public TensorInfo[] TensorsInDataOrder { get; }

    public KeyValuePair<string, string>[] Metadata { get; }
}
