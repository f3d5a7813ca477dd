namespace Fast.SafeTensors.Tests;

/// <summary>Copies tensors between files chunk by chunk, as the merger streams them.</summary>
internal static class TensorStreaming
{
    public static void CopyAll(SafeTensorsFile source, SafeTensorsWriter destination, int chunkBytes)
    {
        var buffer = new byte[chunkBytes];
        foreach (TensorInfo t in source.Tensors)
        {
            TensorInfo target = destination[t.Name];
            foreach (TensorChunk chunk in t.Chunks(chunkBytes))
            {
                Span<byte> span = buffer.AsSpan(0, chunk.Length);
                source.CopyTo(t, chunk.OffsetInTensor, span);
                destination.Write(target, chunk.OffsetInTensor, span);
            }
        }
    }

    public static byte[] ReadTensor(SafeTensorsFile file, TensorInfo t)
    {
        var bytes = new byte[t.ByteLength];
        file.CopyTo(t, 0, bytes);
        return bytes;
    }
}
