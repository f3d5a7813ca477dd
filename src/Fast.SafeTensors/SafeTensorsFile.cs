using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace Fast.SafeTensors;

/// <summary>
/// A safetensors file opened for reading and validated against every SPEC §1.1 rule before any
/// tensor is handed out. The file is opened read-only and never written.
/// </summary>
/// <remarks>
/// <see cref="CopyTo"/> and <see cref="GetSpan"/> may be called from many threads at once.
/// Spans from <see cref="GetSpan"/> stay valid until <see cref="Dispose"/>; dispose only after every
/// reader is done. A view from <see cref="GetSpan"/> faults the process (SIGBUS, which .NET cannot catch) if
/// another process truncates the file under it; <see cref="CopyTo"/> never touches the mapping and reports that
/// as a <see cref="FileChangedException"/>, so every path that must survive a shrinking input reads through it.
/// Only regular files are opened: a FIFO would block the open, a device or /proc file has no fixed size.
/// </remarks>
public sealed class SafeTensorsFile : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly SafeTensorsHeader _header;
    private readonly Dictionary<string, TensorInfo> _byName;
    private readonly MappedFileView? _mapped;
    private volatile bool _disposed;

    private SafeTensorsFile(string path, ReadMode mode, SafeFileHandle handle, FileStamp stamp, SafeTensorsHeader header, MappedFileView? mapped)
    {
        Path = path;
        Stamp = stamp;
        Mode = mode;
        _handle = handle;
        FileLength = stamp.Size;
        _header = header;
        _mapped = mapped;
        _byName = new Dictionary<string, TensorInfo>(header.TensorsInFileOrder.Length, StringComparer.Ordinal);
        foreach (TensorInfo t in header.TensorsInFileOrder)
        {
            _byName.Add(t.Name, t);
        }
    }

    /// <summary>The path the file was opened with.</summary>
    public string Path { get; }

    /// <summary>Size of the file in bytes.</summary>
    public long FileLength { get; }

    /// <summary>The file's identity and version when it was opened; see <see cref="EnsureUnchanged"/>.</summary>
    public FileStamp Stamp { get; }

    /// <summary>N: the JSON header's byte count.</summary>
    public long HeaderLength => _header.HeaderLength;

    /// <summary>Where the data buffer starts: 8 + N. Tensor offsets are relative to it.</summary>
    public long DataOffset => _header.DataOffset;

    /// <summary>How tensor bytes are reached.</summary>
    public ReadMode Mode { get; }

    /// <summary>Every tensor, in the order its key appears in the header.</summary>
    public IReadOnlyList<TensorInfo> Tensors => _header.TensorsInFileOrder;

    /// <summary>Every tensor, in the order of its bytes in the file (for sequential streaming).</summary>
    public IReadOnlyList<TensorInfo> TensorsInDataOrder => _header.TensorsInDataOrder;

    /// <summary><c>__metadata__</c> entries in file order; empty when absent or null.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata => _header.Metadata;

    /// <summary>The tensor called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The file has no such tensor.</exception>
    public TensorInfo this[string name] =>
        _byName.TryGetValue(name, out TensorInfo? t)
            ? t
            : throw new KeyNotFoundException($"{Path}: no tensor '{SafeTensorsFormatException.OneLine(name)}'");

    /// <summary>Looks up a tensor by its header key.</summary>
    public bool TryGetTensor(string name, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TensorInfo tensor) =>
        _byName.TryGetValue(name, out tensor);

    /// <summary>Opens and validates <paramref name="path"/>.</summary>
    /// <exception cref="SafeTensorsFormatException">The file breaks a format rule; the message names file, rule and tensor.</exception>
    /// <exception cref="IOException">The file cannot be opened or read (including <see cref="FileNotFoundException"/>).</exception>
    public static SafeTensorsFile Open(string path, ReadMode mode = ReadMode.Mapped)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (mode is not (ReadMode.Mapped or ReadMode.Buffered))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown read mode.");
        }

        FileStamp.EnsureRegularFile(path);

        // Delete sharing lets the merger rename a finished output over an input that is still open.
        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        MappedFileView? mapped = null;
        try
        {
            // Checked again on the handle: the path may have been swapped between the check and the open.
            FileStamp stamp = FileStamp.Of(handle, path);
            if (!stamp.IsRegularFile)
            {
                throw new IOException($"{path}: not a regular file");
            }

            SafeTensorsHeader header = CheckpointSniffer.IsCheckpoint(handle, stamp.Size, out byte[] prefix)
                ? Pickle.TorchCheckpoint.ReadHeader(handle, stamp.Size, path, prefix)
                : ReadHeader(handle, stamp.Size, path);
            if (mode == ReadMode.Mapped)
            {
                mapped = new MappedFileView(handle, stamp.Size);
            }

            return new SafeTensorsFile(path, mode, handle, stamp, header, mapped);
        }
        catch
        {
            mapped?.Dispose();
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Copies <c>destination.Length</c> bytes of <paramref name="tensor"/>, starting
    /// <paramref name="offsetInTensor"/> bytes into it. Works in both modes; thread-safe.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the tensor.</exception>
    /// <exception cref="ArgumentException">The tensor belongs to another file.</exception>
    /// <exception cref="FileChangedException">The file shrank while open.</exception>
    public void CopyTo(TensorInfo tensor, long offsetInTensor, Span<byte> destination)
    {
        long position = FilePosition(tensor, offsetInTensor, destination.Length);

        // Positional reads in both modes, never the mapping: a read past a truncated end returns 0 here, where a
        // mapped copy would take SIGBUS and kill the process. From the page cache pread costs about what the mapped
        // copy's page faults do (bench/RESULTS.md, "shrinking inputs").
        while (!destination.IsEmpty)
        {
            int read = RandomAccess.Read(_handle, destination, position);
            if (read == 0)
            {
                throw new FileChangedException(Path, $"it ended at byte {position}, inside tensor '{SafeTensorsFormatException.OneLine(tensor.Name)}'");
            }

            destination = destination[read..];
            position += read;
        }
    }

    /// <summary>
    /// Copies the file's raw bytes at <paramref name="position"/> (header included: what a whole-file hash reads) with
    /// positional reads from the handle this file was opened with, so they are the bytes of the version opened.
    /// Thread-safe.
    /// </summary>
    /// <returns>Bytes copied: <c>destination.Length</c>, or fewer where the opened size ends.</returns>
    /// <exception cref="FileChangedException">The file ended before its opened size.</exception>
    public int ReadFileBytes(long position, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        if (position >= FileLength)
        {
            return 0;
        }

        Span<byte> wanted = destination[..(int)Math.Min(destination.Length, FileLength - position)];
        int total = 0;
        while (total < wanted.Length)
        {
            int read = RandomAccess.Read(_handle, wanted[total..], position + total);
            if (read == 0)
            {
                throw new FileChangedException(Path, $"it ended at byte {position + total} of {FileLength}");
            }

            total += read;
        }

        return total;
    }

    /// <summary>
    /// A zero-copy view of <paramref name="length"/> bytes of <paramref name="tensor"/>, starting
    /// <paramref name="offsetInTensor"/> bytes into it; valid until <see cref="Dispose"/>. The bytes
    /// have no alignment guarantee. Use <see cref="TensorInfo.Chunks"/> to cover a tensor over 2 GiB.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file was opened in <see cref="ReadMode.Buffered"/>; use <see cref="CopyTo"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the tensor.</exception>
    public ReadOnlySpan<byte> GetSpan(TensorInfo tensor, long offsetInTensor, int length)
    {
        if (_mapped is null)
        {
            throw new InvalidOperationException($"{Path}: opened in buffered mode, which has no zero-copy views; use CopyTo.");
        }

        return _mapped.Slice(FilePosition(tensor, offsetInTensor, length), length);
    }

    /// <summary>
    /// Checks that nobody wrote, truncated or replaced the file since it was opened (same device, inode, size, mtime
    /// and ctime), so bytes read so far are the file's bytes when it was opened.
    /// </summary>
    /// <exception cref="FileChangedException">It changed.</exception>
    public void EnsureUnchanged()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (FileStamp.Of(_handle, Path) is var now && now != Stamp)
        {
            string what = now.Size != Stamp.Size ? $"size {Stamp.Size} -> {now.Size}" : "rewritten in place";
            throw new FileChangedException(Path, what);
        }
    }

    /// <summary>Closes the file and unmaps it; spans handed out become invalid.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _mapped?.Dispose();
        _handle.Dispose();
    }

    internal static SafeTensorsHeader ReadHeader(SafeFileHandle handle, long fileLength, string path)
    {
        Span<byte> prefix = stackalloc byte[HeaderValidator.PrefixLength];
        int prefixRead = fileLength < prefix.Length ? 0 : ReadFully(handle, prefix, 0);
        long n = HeaderValidator.ReadHeaderLength(prefix[..prefixRead], fileLength, path);

        // n is at most 1e8 and at most the file length: a lying prefix cannot make this allocation grow.
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)n);
        try
        {
            Span<byte> header = buffer.AsSpan(0, (int)n);
            if (ReadFully(handle, header, HeaderValidator.PrefixLength) != header.Length)
            {
                throw new SafeTensorsFormatException(path, FormatRule.HeaderOutOfBounds, detail: "file shrank while reading the header");
            }

            return HeaderValidator.ParseHeader(header, fileLength - HeaderValidator.PrefixLength - n, path);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int ReadFully(SafeFileHandle handle, Span<byte> destination, long position)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int read = RandomAccess.Read(handle, destination[total..], position + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    /// <summary>The open handle, for the writer's in-kernel copy (<see cref="SafeTensorsWriter.CopyFrom"/>).</summary>
    internal SafeFileHandle Handle => _handle;

    /// <summary>Where <paramref name="length"/> bytes of <paramref name="tensor"/> at <paramref name="offsetInTensor"/> lie in the file, checked as <see cref="CopyTo"/> checks them.</summary>
    internal long FilePositionOf(TensorInfo tensor, long offsetInTensor, long length) => FilePosition(tensor, offsetInTensor, length);

    private long FilePosition(TensorInfo tensor, long offsetInTensor, long length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(tensor);
        if (!ReferenceEquals(tensor.Owner, _header))
        {
            throw new ArgumentException($"Tensor '{SafeTensorsFormatException.OneLine(tensor.Name)}' does not belong to {Path}.", nameof(tensor));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(length);
        // offsetInTensor <= ByteLength - length cannot overflow: both sides are small non-negative longs.
        if (offsetInTensor < 0 || offsetInTensor > tensor.ByteLength - length)
        {
            throw new ArgumentOutOfRangeException(
                nameof(offsetInTensor), $"Bytes {offsetInTensor}..+{length} are outside tensor '{SafeTensorsFormatException.OneLine(tensor.Name)}' ({tensor.ByteLength} bytes).");
        }

        return DataOffset + tensor.DataStart + offsetInTensor;
    }
}
