using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Fast.SafeTensors.Pickle;

/// <summary>One stored (uncompressed) zip entry: where its bytes lie in the file.</summary>
internal sealed record ZipEntry(string Name, long DataOffset, long Size, ushort Method);

/// <summary>
/// The central directory of a zip file as <c>torch.save</c> writes it (PyTorch's miniz writer:
/// stored entries, zip64 past 4 GiB). Only what is needed to find each entry's bytes is read, and
/// every offset is checked against the file before use; entry names that could escape a folder
/// (absolute, <c>..</c>, backslashes, drive letters) are refused even though nothing is extracted,
/// because no honest checkpoint has them.
/// </summary>
internal static class ZipDirectory
{
    private const uint EndSignature = 0x06054b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint CentralSignature = 0x02014b50;
    private const uint LocalSignature = 0x04034b50;
    private const int EndRecordLength = 22;
    private const int MaxEntries = 1_000_000;

    public static Dictionary<string, ZipEntry> Read(SafeFileHandle handle, long fileLength, string path)
    {
        long endAt = FindEndRecord(handle, fileLength, path);
        byte[] end = ReadAt(handle, endAt, EndRecordLength, fileLength, path);
        long entryCount = BinaryPrimitives.ReadUInt16LittleEndian(end.AsSpan(10));
        long directorySize = BinaryPrimitives.ReadUInt32LittleEndian(end.AsSpan(12));
        long directoryOffset = BinaryPrimitives.ReadUInt32LittleEndian(end.AsSpan(16));
        if (entryCount == 0xffff || directorySize == 0xffffffff || directoryOffset == 0xffffffff)
        {
            (entryCount, directorySize, directoryOffset) = ReadZip64End(handle, endAt, fileLength, path);
        }

        if (entryCount > MaxEntries || directoryOffset < 0 || directorySize < 0 || directoryOffset > endAt || directorySize > endAt - directoryOffset)
        {
            throw Bad(path, $"central directory ({entryCount} entries, {directorySize} bytes at {directoryOffset}) lies outside the file");
        }

        byte[] directory = ReadAt(handle, directoryOffset, (int)directorySize, fileLength, path);
        var entries = new Dictionary<string, ZipEntry>(StringComparer.Ordinal);
        int at = 0;
        for (long i = 0; i < entryCount; i++)
        {
            ZipEntry entry = ReadCentralEntry(handle, directory, ref at, directoryOffset, fileLength, path);
            if (!entries.TryAdd(entry.Name, entry))
            {
                throw Bad(path, $"zip entry '{entry.Name}' appears twice");
            }
        }

        return entries;
    }

    private static ZipEntry ReadCentralEntry(SafeFileHandle handle, byte[] directory, ref int at, long directoryOffset, long fileLength, string path)
    {
        ReadOnlySpan<byte> d = directory;
        if (d.Length - at < 46 || BinaryPrimitives.ReadUInt32LittleEndian(d[at..]) != CentralSignature)
        {
            throw Bad(path, $"central directory entry at {directoryOffset + at} is malformed");
        }

        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(d[(at + 8)..]);
        ushort method = BinaryPrimitives.ReadUInt16LittleEndian(d[(at + 10)..]);
        long compressed = BinaryPrimitives.ReadUInt32LittleEndian(d[(at + 20)..]);
        long size = BinaryPrimitives.ReadUInt32LittleEndian(d[(at + 24)..]);
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(d[(at + 28)..]);
        int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(d[(at + 30)..]);
        int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(d[(at + 32)..]);
        long localOffset = BinaryPrimitives.ReadUInt32LittleEndian(d[(at + 42)..]);
        int next = at + 46 + nameLength + extraLength + commentLength;
        if (next > d.Length)
        {
            throw Bad(path, $"central directory entry at {directoryOffset + at} runs past the directory");
        }

        string name = Encoding.UTF8.GetString(d.Slice(at + 46, nameLength));
        CheckName(name, path);
        ReadOnlySpan<byte> extra = d.Slice(at + 46 + nameLength, extraLength);
        if (size == 0xffffffff || compressed == 0xffffffff || localOffset == 0xffffffff)
        {
            ApplyZip64Extra(extra, ref size, ref compressed, ref localOffset, name, path);
        }

        at = next;
        if ((flags & 1) != 0)
        {
            throw Bad(path, $"zip entry '{name}' is encrypted");
        }

        if (method == 0 && compressed != size)
        {
            throw Bad(path, $"stored zip entry '{name}' has compressed size {compressed} but size {size}");
        }

        long dataOffset = LocalDataOffset(handle, localOffset, name, fileLength, path);
        if (compressed < 0 || dataOffset > fileLength || compressed > fileLength - dataOffset)
        {
            throw Bad(path, $"zip entry '{name}' ({compressed} bytes at {dataOffset}) runs past the end of the file");
        }

        return new ZipEntry(name, dataOffset, size, method);
    }

    private static void CheckName(string name, string path)
    {
        bool escapes = name.Length == 0 || name[0] == '/' || name.Contains('\\', StringComparison.Ordinal) || name.Contains(':', StringComparison.Ordinal)
            || name.Split('/').Any(part => part == "..") || name.Any(char.IsControl);
        if (escapes)
        {
            throw Bad(path, $"zip entry name '{SafeTensorsFormatException.OneLine(name)}' escapes the archive (path traversal)");
        }
    }

    private static void ApplyZip64Extra(ReadOnlySpan<byte> extra, ref long size, ref long compressed, ref long localOffset, string name, string path)
    {
        while (extra.Length >= 4)
        {
            ushort id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            int length = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (length > extra.Length - 4)
            {
                break;
            }

            ReadOnlySpan<byte> field = extra.Slice(4, length);
            if (id == 1)
            {
                // The zip64 field holds only the values whose 32-bit slot is saturated, in this order.
                int p = 0;
                size = size == 0xffffffff ? Take(field, ref p, name, path) : size;
                compressed = compressed == 0xffffffff ? Take(field, ref p, name, path) : compressed;
                localOffset = localOffset == 0xffffffff ? Take(field, ref p, name, path) : localOffset;
                return;
            }

            extra = extra[(4 + length)..];
        }

        throw Bad(path, $"zip entry '{name}' needs a zip64 field it does not have");
    }

    private static long Take(ReadOnlySpan<byte> field, ref int p, string name, string path)
    {
        if (field.Length - p < 8)
        {
            throw Bad(path, $"zip entry '{name}' has a short zip64 field");
        }

        long value = BinaryPrimitives.ReadInt64LittleEndian(field[p..]);
        p += 8;
        if (value < 0)
        {
            throw Bad(path, $"zip entry '{name}' has a zip64 size or offset past 2^63");
        }

        return value;
    }

    private static long LocalDataOffset(SafeFileHandle handle, long localOffset, string name, long fileLength, string path)
    {
        if (localOffset < 0 || localOffset > fileLength - 30)
        {
            throw Bad(path, $"zip entry '{name}' starts at {localOffset}, past the end of the file");
        }

        byte[] local = ReadAt(handle, localOffset, 30, fileLength, path);
        if (BinaryPrimitives.ReadUInt32LittleEndian(local) != LocalSignature)
        {
            throw Bad(path, $"zip entry '{name}' has no local header at {localOffset}");
        }

        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(local.AsSpan(26));
        int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(local.AsSpan(28));
        return localOffset + 30 + nameLength + extraLength;
    }

    private static long FindEndRecord(SafeFileHandle handle, long fileLength, string path)
    {
        // The end record is the last 22 bytes plus a comment of at most 65535 bytes.
        int window = (int)Math.Min(fileLength, EndRecordLength + 0xffff);
        if (window < EndRecordLength)
        {
            throw Bad(path, "zip file is too short to hold its end record");
        }

        byte[] tail = ReadAt(handle, fileLength - window, window, fileLength, path);
        for (int i = window - EndRecordLength; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) == EndSignature)
            {
                return fileLength - window + i;
            }
        }

        throw Bad(path, "zip end record not found (truncated download?)");
    }

    private static (long Count, long Size, long Offset) ReadZip64End(SafeFileHandle handle, long endAt, long fileLength, string path)
    {
        if (endAt < 20)
        {
            throw Bad(path, "zip64 locator missing");
        }

        byte[] locator = ReadAt(handle, endAt - 20, 20, fileLength, path);
        if (BinaryPrimitives.ReadUInt32LittleEndian(locator) != Zip64LocatorSignature)
        {
            throw Bad(path, "zip64 locator missing");
        }

        long recordAt = BinaryPrimitives.ReadInt64LittleEndian(locator.AsSpan(8));
        if (recordAt < 0 || recordAt > fileLength - 56)
        {
            throw Bad(path, $"zip64 end record at {recordAt} lies outside the file");
        }

        byte[] record = ReadAt(handle, recordAt, 56, fileLength, path);
        if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Zip64EndSignature)
        {
            throw Bad(path, $"no zip64 end record at {recordAt}");
        }

        return (BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(32)),
            BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(40)),
            BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(48)));
    }

    private static byte[] ReadAt(SafeFileHandle handle, long offset, int length, long fileLength, string path)
    {
        if (offset < 0 || length < 0 || offset > fileLength - length)
        {
            throw Bad(path, $"{length} bytes at {offset} lie outside the file");
        }

        byte[] bytes = new byte[length];
        int total = 0;
        while (total < length)
        {
            int read = RandomAccess.Read(handle, bytes.AsSpan(total), offset + total);
            if (read == 0)
            {
                throw Bad(path, $"file ended at byte {offset + total}; was it changed while open?");
            }

            total += read;
        }

        return bytes;
    }

    private static CheckpointFormatException Bad(string path, string problem) => new(path, problem);
}
