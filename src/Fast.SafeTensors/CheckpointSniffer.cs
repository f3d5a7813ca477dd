using Microsoft.Win32.SafeHandles;

namespace Fast.SafeTensors;

/// <summary>Tells a PyTorch checkpoint from a safetensors file by its first bytes, whatever its extension.</summary>
internal static class CheckpointSniffer
{
    private const int PrefixLength = 16;

    public static bool IsCheckpoint(SafeFileHandle handle, long fileLength, out byte[] prefix)
    {
        prefix = new byte[(int)Math.Min(PrefixLength, fileLength)];
        int total = 0;
        while (total < prefix.Length)
        {
            int read = RandomAccess.Read(handle, prefix.AsSpan(total), total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        prefix = prefix[..total];
        return Pickle.TorchCheckpoint.IsCheckpoint(prefix);
    }
}
