using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Fast.SafeTensors.Pickle;

/// <summary>
/// Reads the tensor table of a PyTorch checkpoint (the zip format of <c>torch.save</c> since 1.6,
/// and the legacy single-pickle format before it) into the same header a safetensors file gives,
/// with each tensor's bytes addressed where they already lie in the file: nothing is copied or
/// decoded, so the rest of FastMerge reads a checkpoint exactly as it reads a safetensors file.
/// </summary>
internal static class TorchCheckpoint
{
    // pickle of torch.serialization's MAGIC_NUMBER 0x1950a86a20f9469cfc6c: PROTO 2, LONG1 10 bytes.
    private static readonly byte[] s_legacyMagic = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
    private const long LegacyProtocolVersion = 1001;
    private const long MaxPickleBytes = 1L << 30;

    /// <summary>Whether the file's first bytes are a torch zip or a legacy torch pickle, not a safetensors header.</summary>
    public static bool IsCheckpoint(ReadOnlySpan<byte> prefix)
    {
        if (prefix.StartsWith(s_legacyMagic))
        {
            return true;
        }

        // A safetensors file whose header length happens to read "PK\3\4" still has '{' at byte 8,
        // where a zip local header has its compression method (0 or 8).
        return prefix.Length >= 9 && BinaryPrimitives.ReadUInt32LittleEndian(prefix) == 0x04034b50 && prefix[8] != (byte)'{';
    }

    public static SafeTensorsHeader ReadHeader(SafeFileHandle handle, long fileLength, string path, ReadOnlySpan<byte> prefix)
    {
        var storages = new Dictionary<string, StorageRef>(StringComparer.Ordinal);
        Dictionary<string, (long Start, long Length)> storageBytes;
        object? root;
        if (prefix.StartsWith(s_legacyMagic))
        {
            (root, storageBytes) = ReadLegacy(handle, fileLength, path, storages);
        }
        else
        {
            (root, storageBytes) = ReadZip(handle, fileLength, path, storages);
        }

        return BuildHeader(StateDictOf(root, path), storageBytes, path);
    }

    private static (object? Root, Dictionary<string, (long, long)> Bytes) ReadZip(SafeFileHandle handle, long fileLength, string path, Dictionary<string, StorageRef> storages)
    {
        Dictionary<string, ZipEntry> entries = ZipDirectory.Read(handle, fileLength, path);
        ZipEntry[] pickles = entries.Values.Where(e => e.Name.EndsWith("/data.pkl", StringComparison.Ordinal) && e.Name.IndexOf('/', StringComparison.Ordinal) == e.Name.Length - 9).ToArray();
        if (pickles.Length != 1)
        {
            throw new CheckpointFormatException(path, pickles.Length == 0 ? "zip file has no <folder>/data.pkl: not a torch.save checkpoint" : "zip file has more than one data.pkl");
        }

        ZipEntry pickle = pickles[0];
        string folder = pickle.Name[..^"data.pkl".Length];
        if (pickle.Method != 0 || pickle.Size > MaxPickleBytes)
        {
            throw new CheckpointFormatException(path, $"{pickle.Name} is compressed or larger than 1 GiB ({pickle.Size} bytes)");
        }

        if (entries.TryGetValue(folder + "byteorder", out ZipEntry? order) && order.Size != "little".Length)
        {
            throw new CheckpointFormatException(path, "checkpoint was saved on a big-endian machine, which is not supported");
        }

        object? root = new RestrictedUnpickler(new PickleInput(handle, path, pickle.DataOffset, pickle.DataOffset + pickle.Size), path, storages).Load();
        var bytes = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        foreach (StorageRef storage in storages.Values)
        {
            if (!entries.TryGetValue(folder + "data/" + storage.Key, out ZipEntry? data))
            {
                throw new CheckpointFormatException(path, $"storage '{storage.Key}' has no entry {folder}data/{storage.Key}");
            }

            if (data.Method != 0)
            {
                throw new CheckpointFormatException(path, $"storage '{storage.Key}' is compressed; torch.save never compresses, re-save it");
            }

            bytes.Add(storage.Key, (data.DataOffset, data.Size));
        }

        return (root, bytes);
    }

    private static (object? Root, Dictionary<string, (long, long)> Bytes) ReadLegacy(SafeFileHandle handle, long fileLength, string path, Dictionary<string, StorageRef> storages)
    {
        var input = new PickleInput(handle, path, 0, fileLength);
        var unpickler = new RestrictedUnpickler(input, path, storages);
        unpickler.Load(); // the magic number, matched by IsCheckpoint
        if (unpickler.Load() is not LegacyProtocolVersion)
        {
            throw new CheckpointFormatException(path, "legacy checkpoint has an unknown protocol version");
        }

        if (unpickler.Load() is PickleDict sysInfo && sysInfo.Get("little_endian") is false)
        {
            throw new CheckpointFormatException(path, "checkpoint was saved on a big-endian machine, which is not supported");
        }

        object? root = unpickler.Load();
        if (unpickler.Load() is not PickleList keys)
        {
            throw new CheckpointFormatException(path, "legacy checkpoint has no storage key list after its pickle");
        }

        // The storages follow in key order, each as an int64 element count and its raw bytes.
        var bytes = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        foreach (object? item in keys.Items)
        {
            if (item is not string key || !storages.TryGetValue(key, out StorageRef? storage) || bytes.ContainsKey(key))
            {
                throw new CheckpointFormatException(path, "legacy checkpoint's storage key list names an unknown or repeated storage");
            }

            long count = input.ReadInt64();
            int elementBytes = DTypeInfo.BitSize(storage.DType) / 8;
            if (count != storage.ElementCount || count > input.Remaining / elementBytes)
            {
                throw new CheckpointFormatException(path, $"storage '{key}' claims {count} elements at offset {input.Position - 8}, but the pickle declared {storage.ElementCount} and {input.Remaining} bytes remain");
            }

            bytes.Add(key, (input.Position, count * elementBytes));
            input.Seek(input.Position + (count * elementBytes));
        }

        return (root, bytes);
    }

    /// <summary>The state dict inside what was pickled, unwrapped as the webui loaders do.</summary>
    private static PickleDict StateDictOf(object? root, string path)
    {
        // AUTOMATIC1111 modules/sd_models.py get_state_dict_from_checkpoint: pl_sd.pop("state_dict", pl_sd);
        // training scripts (and supermerger's loader) also save {"model": state_dict}.
        for (int depth = 0; depth < 4 && root is PickleDict dict; depth++)
        {
            bool hasTensors = dict.Entries.Any(e => e.Value is TensorRef);
            if (dict.Get("state_dict") is PickleDict inner)
            {
                root = inner;
            }
            else if (!hasTensors && dict.Get("model") is PickleDict model)
            {
                root = model;
            }
            else
            {
                return dict;
            }
        }

        return root as PickleDict ?? throw new CheckpointFormatException(path, "checkpoint does not hold a state dict (a dict of tensors)");
    }

    private static SafeTensorsHeader BuildHeader(PickleDict stateDict, Dictionary<string, (long Start, long Length)> storageBytes, string path)
    {
        var tensors = new List<TensorInfo>();
        foreach (KeyValuePair<string, TensorRef> entry in stateDict.Entries
            .Where(e => e.Key is string && e.Value is TensorRef)
            .Select(e => new KeyValuePair<string, TensorRef>((string)e.Key, (TensorRef)e.Value!)))
        {
            tensors.Add(Locate(entry.Key, entry.Value, storageBytes, path));
        }

        if (tensors.Count == 0)
        {
            throw new CheckpointFormatException(path, "checkpoint holds no tensors");
        }

        TensorInfo[] inFileOrder = tensors.ToArray();
        TensorInfo[] inDataOrder = inFileOrder.OrderBy(t => t.DataStart).ThenBy(t => t.DataEnd).ToArray();
        return new SafeTensorsHeader(0, inFileOrder, inDataOrder, [], dataOffset: 0);
    }

    // A tensor is served from where its bytes lie, so it must be a contiguous run of its storage.
    private static TensorInfo Locate(string name, TensorRef t, Dictionary<string, (long Start, long Length)> storageBytes, string path)
    {
        (long start, long length) = storageBytes[t.Storage.Key];
        int elementBytes = DTypeInfo.BitSize(t.Storage.DType) / 8;
        long count;
        long offsetBytes;
        long byteLength;
        try
        {
            count = 1;
            long expectedStride = 1;
            bool contiguous = true;
            for (int i = t.Shape.Length - 1; i >= 0; i--)
            {
                if (t.Shape[i] != 1 && t.Stride[i] != expectedStride)
                {
                    contiguous = false;
                }

                expectedStride = checked(expectedStride * t.Shape[i]);
                count = checked(count * t.Shape[i]);
            }

            if (!contiguous && count != 0)
            {
                throw new CheckpointFormatException(path, $"tensor '{SafeTensorsFormatException.OneLine(name)}' is a non-contiguous view (stride [{string.Join(',', t.Stride)}]); save it with .contiguous()");
            }

            offsetBytes = checked(t.StorageOffset * elementBytes);
            byteLength = checked(count * elementBytes);
            long storageLength = checked(t.Storage.ElementCount * elementBytes);
            if (storageLength > length || offsetBytes > storageLength || byteLength > storageLength - offsetBytes)
            {
                throw new CheckpointFormatException(path, $"tensor '{SafeTensorsFormatException.OneLine(name)}' ({byteLength} bytes at storage offset {offsetBytes}) runs past the end of storage '{t.Storage.Key}' ({Math.Min(storageLength, length)} bytes)");
            }
        }
        catch (OverflowException)
        {
            throw new CheckpointFormatException(path, $"tensor '{SafeTensorsFormatException.OneLine(name)}' has a size that overflows 64 bits");
        }

        long dataStart = start + (count == 0 ? 0 : offsetBytes);
        return new TensorInfo(name, t.Storage.DType, (long[])t.Shape.Clone(), count, dataStart, dataStart + byteLength);
    }
}
