using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Fast.SafeTensors;

/// <summary>
/// Streams a safetensors file whose header is planned up front (SPEC §1.2). Tensor bytes go straight
/// to their final place with positional writes, from any number of threads and in any order, into a
/// temporary file in the destination folder; <see cref="Commit"/> checks every byte was written, flushes,
/// and renames it into place. Disposing without committing (cancellation, error) deletes the temporary
/// file, and a killed process leaves the output path untouched: never a torn file.
/// </summary>
public sealed class SafeTensorsWriter : IDisposable
{
    private readonly TensorInfo[] _layout;
    private readonly Dictionary<string, TensorInfo> _byName;
    private readonly WrittenRanges[] _written;
    private readonly bool _overwrite;
    private readonly bool _flushToDisk;
    private readonly SafeFileHandle _handle;
    private readonly EarlyWriteback _writeback;
    private readonly PositionalWriteQueue _writes;
    private readonly WrittenPrefix _prefix;
    private readonly Lock _stateLock = new();
    private volatile bool _committed;
    private volatile bool _disposed;

    private SafeTensorsWriter(string path, string tempPath, SafeFileHandle handle, TensorInfo[] layout, long headerLength, bool overwrite, bool flushToDisk)
    {
        _flushToDisk = flushToDisk;
        Path = path;
        TempPath = tempPath;
        _handle = handle;
        _writeback = new EarlyWriteback(handle, enabled: flushToDisk);
        _prefix = new WrittenPrefix(HeaderValidator.PrefixLength + headerLength);
        _writes = new PositionalWriteQueue(handle, (position, length) =>
        {
            _writeback.Written(length);
            _prefix.Add(position, position + length);
        });
        _layout = layout;
        _overwrite = overwrite;
        HeaderLength = headerLength;
        _byName = new Dictionary<string, TensorInfo>(layout.Length, StringComparer.Ordinal);
        _written = new WrittenRanges[layout.Length];
        for (int i = 0; i < layout.Length; i++)
        {
            layout[i].Owner = this;
            _byName.Add(layout[i].Name, layout[i]);
            _written[i] = new WrittenRanges();
        }
    }

    /// <summary>The final output path (full path).</summary>
    public string Path { get; }

    /// <summary>The temporary file being written, in the same folder as <see cref="Path"/>.</summary>
    public string TempPath { get; }

    /// <summary>N: the JSON header's byte count, padding included.</summary>
    public long HeaderLength { get; }

    /// <summary>Where the data buffer starts: 8 + N, a multiple of 8.</summary>
    public long DataOffset => HeaderValidator.PrefixLength + HeaderLength;

    /// <summary>Total size of the output file.</summary>
    public long FileLength => DataOffset + (_layout.Length == 0 ? 0 : _layout[^1].DataEnd);

    /// <summary>Every tensor in data order, with its planned byte range.</summary>
    public IReadOnlyList<TensorInfo> Layout => _layout;

    /// <summary>The planned tensor called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such tensor was planned.</exception>
    public TensorInfo this[string name] =>
        _byName.TryGetValue(name, out TensorInfo? t)
            ? t
            : throw new KeyNotFoundException($"{Path}: no tensor '{SafeTensorsFormatException.OneLine(name)}' was planned");

    /// <summary>
    /// Plans the file and creates its temporary file, already holding the header and sized to the
    /// final length (disk space is reserved now, so a full disk fails here, not midway).
    /// </summary>
    /// <remarks>
    /// No room for the file (full device, file-size limit, quota), here or in a later write or the commit, is a
    /// <see cref="SafeTensorsWriteException"/> with <see cref="WriteFailure.OutOfSpace"/> naming <paramref name="path"/>;
    /// the temp file is gone by the time the caller disposes the writer (at once when this method throws).
    /// </remarks>
    /// <param name="path">Output path; its folder must exist.</param>
    /// <param name="tensors">Every tensor the file will hold (any order; the writer decides the data order).</param>
    /// <param name="metadata"><c>__metadata__</c> entries, written in the given order; omitted when empty.</param>
    /// <param name="overwrite">Replace an existing file at <paramref name="path"/> on commit.</param>
    /// <param name="flushToDisk">
    /// Flush the file to the device before renaming it into place (fsync), so that after a crash or power loss the
    /// output is either absent or complete. Without it the file is as durable as one written by <c>cp</c>: the
    /// rename can reach the disk before the data.
    /// </param>
    /// <exception cref="SafeTensorsWriteException"><paramref name="path"/> exists and <paramref name="overwrite"/> is false, or there is no room for the file.</exception>
    /// <exception cref="ArgumentException">Duplicate or invalid tensor names, negative dimensions, sizes overflowing 64 bits, duplicate metadata keys.</exception>
    public static SafeTensorsWriter Create(
        string path, IEnumerable<TensorSpec> tensors, IEnumerable<KeyValuePair<string, string>>? metadata = null, bool overwrite = false, bool flushToDisk = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = System.IO.Path.GetFullPath(path);
        string directory = System.IO.Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"{path} is not a file path.", nameof(path));
        string fileName = System.IO.Path.GetFileName(fullPath);
        if (fileName.Length == 0)
        {
            throw new ArgumentException($"{path} is not a file path.", nameof(path));
        }

        OutputLocation.Check(path, fullPath, directory);
        if (!overwrite && (File.Exists(fullPath) || Directory.Exists(fullPath)))
        {
            throw new SafeTensorsWriteException(fullPath, WriteFailure.OutputExists, "output file already exists; choose another name, or replace it with --overwrite (Python: overwrite=True)");
        }

        byte[] head = Plan(tensors, metadata, out TensorInfo[] layout);
        long dataLength = layout.Length == 0 ? 0 : layout[^1].DataEnd;
        long fileLength = checked(head.Length + dataLength);

        // A leading dot hides the partial file from casual listings; the random part keeps two
        // concurrent writers of the same output apart. FileShare.None is an exclusive lock for as long as this
        // writer lives: that is how the next writer into the folder tells a killed run's leftover from a live one.
        TempFileNames.RemoveStale(directory);
        string tempPath = System.IO.Path.Combine(directory, TempFileNames.For(fileName));
        SafeFileHandle handle;
        try
        {
            // On Linux DiskSpace.Reserve allocates with fallocate, whose errno tells a full disk from a file-size limit.
            long preallocation = OperatingSystem.IsLinux() ? 0 : fileLength;
            handle = File.OpenHandle(tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None, preallocation);
        }
        catch (IOException e) when (DiskSpace.IsExhausted(e))
        {
            throw DiskSpace.Failure(fullPath, fileLength, e); // no inode or quota left even for the empty file
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw OutputLocation.Failure(path, directory, e);
        }

        try
        {
            DiskSpace.Reserve(handle, fileLength);
            RandomAccess.Write(handle, head, 0);
            return new SafeTensorsWriter(fullPath, tempPath, handle, layout, head.Length - HeaderValidator.PrefixLength, overwrite, flushToDisk);
        }
        catch (Exception e)
        {
            handle.Dispose();
            File.Delete(tempPath);
            if (DiskSpace.IsExhausted(e))
            {
                throw DiskSpace.Failure(fullPath, fileLength, e);
            }

            throw;
        }
    }

    /// <summary>
    /// The file <see cref="Create"/> would write for the same tensors and metadata, planned without creating it: the
    /// length prefix and header (the file's first bytes), and every tensor in data order with its byte range. Lets a
    /// caller hash or stream the exact file without writing it.
    /// </summary>
    /// <param name="tensors">Every tensor the file would hold.</param>
    /// <param name="metadata"><c>__metadata__</c> entries, in order.</param>
    /// <param name="layout">Receives the tensors in data order, with offsets relative to the data buffer.</param>
    /// <returns>The 8-byte length prefix followed by the header bytes.</returns>
    /// <exception cref="ArgumentException">Duplicate or invalid tensor names, negative dimensions, sizes overflowing 64 bits, duplicate metadata keys, a header over the format's limit.</exception>
    public static byte[] PlanHead(IEnumerable<TensorSpec> tensors, IEnumerable<KeyValuePair<string, string>>? metadata, out IReadOnlyList<TensorInfo> layout)
    {
        byte[] head = Plan(tensors, metadata, out TensorInfo[] planned);
        layout = planned;
        return head;
    }

    /// <summary>The one place a file's head is built: layout, validated metadata, header, length prefix.</summary>
    private static byte[] Plan(IEnumerable<TensorSpec> tensors, IEnumerable<KeyValuePair<string, string>>? metadata, out TensorInfo[] layout)
    {
        layout = TensorLayoutPlanner.Plan(tensors);
        byte[] header = HeaderJsonWriter.Build(layout, ValidateMetadata(metadata));
        if (header.Length > HeaderValidator.MaxHeaderLength)
        {
            throw new ArgumentException($"The header would be {header.Length} bytes, over the format's 100,000,000-byte limit.", nameof(tensors));
        }

        byte[] head = new byte[HeaderValidator.PrefixLength + header.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(head, (ulong)header.Length);
        header.CopyTo(head, HeaderValidator.PrefixLength);
        return head;
    }

    /// <summary>Writes <paramref name="data"/> into the tensor called <paramref name="name"/> at <paramref name="offsetInTensor"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such tensor was planned.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The bytes would fall outside the tensor.</exception>
    public void Write(string name, long offsetInTensor, ReadOnlySpan<byte> data) => Write(this[name], offsetInTensor, data);

    /// <summary>
    /// Writes <paramref name="data"/> into <paramref name="tensor"/> (from <see cref="Layout"/>) at
    /// <paramref name="offsetInTensor"/>. Thread-safe; ranges may come in any order and be rewritten.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The bytes would fall outside the tensor.</exception>
    /// <exception cref="ArgumentException">The tensor was not planned by this writer.</exception>
    /// <exception cref="InvalidOperationException">The writer was committed.</exception>
    public void Write(TensorInfo tensor, long offsetInTensor, ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(tensor);
        if (_committed)
        {
            throw new InvalidOperationException($"{Path}: already committed; no more writes.");
        }

        if (!ReferenceEquals(tensor.Owner, this))
        {
            throw new ArgumentException($"Tensor '{SafeTensorsFormatException.OneLine(tensor.Name)}' was not planned by this writer.", nameof(tensor));
        }

        if (offsetInTensor < 0 || offsetInTensor > tensor.ByteLength - data.Length)
        {
            throw new ArgumentOutOfRangeException(
                nameof(offsetInTensor), $"Bytes {offsetInTensor}..+{data.Length} are outside tensor '{SafeTensorsFormatException.OneLine(tensor.Name)}' ({tensor.ByteLength} bytes).");
        }

        try
        {
            _writes.Write(data, DataOffset + tensor.DataStart + offsetInTensor);
        }
        catch (IOException e) when (DiskSpace.IsExhausted(e))
        {
            // Reserved blocks can still run out: copy-on-write file systems, thin devices, no fallocate (NFS).
            throw DiskSpace.Failure(Path, FileLength, e);
        }

        _written[tensor.DataOrdinal].Add(offsetInTensor, offsetInTensor + data.Length);
    }

    /// <summary>
    /// Replaces the <c>__metadata__</c> written at <see cref="Create"/> (placeholders for values known only at the end,
    /// such as the inputs' hashes) when the new header has exactly the old one's length, so no tensor byte moves.
    /// Call before <see cref="Commit"/>; thread-safe with tensor writes (they never touch the header).
    /// </summary>
    /// <param name="metadata">The final entries, in order.</param>
    /// <returns>False, with nothing written, when the header's length would change.</returns>
    /// <exception cref="ArgumentException">Duplicate metadata keys.</exception>
    public bool TryReplaceMetadata(IEnumerable<KeyValuePair<string, string>> metadata)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        byte[] header = HeaderJsonWriter.Build(_layout, ValidateMetadata(metadata));
        if (header.Length != HeaderLength)
        {
            return false;
        }

        // The length prefix is unchanged; only the header bytes are rewritten, before any reader hashed them.
        RandomAccess.Write(_handle, header, HeaderValidator.PrefixLength);
        return true;
    }

    /// <summary>The stamp of the file being written (before the rename, which moves its ctime), e.g. from the commit's callback.</summary>
    public FileStamp TempFileStamp() => FileStamp.Of(_handle, TempPath);

    /// <summary>Bytes from offset 0 of the file that have certainly reached it (the head and a contiguous run of tensor bytes).</summary>
    public long WrittenPrefixLength => _prefix.Length;

    /// <summary>
    /// Waits until more than <paramref name="readFrom"/> bytes from offset 0 are written and returns how many are;
    /// the caller promises not to read below <paramref name="readFrom"/> again (a later write there is detected by
    /// <see cref="RewrittenBehindReader"/>).
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled while waiting.</exception>
    public long WaitForWrittenBeyond(long readFrom, CancellationToken cancellation) => _prefix.WaitBeyond(readFrom, cancellation);

    /// <summary>True when bytes were written below a position a <see cref="ReadBack"/> reader had already passed.</summary>
    public bool RewrittenBehindReader => _prefix.RewrittenBelowReader;

    /// <summary>
    /// Reads bytes of the file being written (from the page cache, normally) at <paramref name="position"/>; valid up to
    /// <see cref="WrittenPrefixLength"/>. Usable until the handle is closed in <see cref="CommitAfterFlush"/>, i.e. also from its callback.
    /// </summary>
    /// <returns>Bytes read (fewer only at the end of the file).</returns>
    public int ReadBack(long position, Span<byte> destination)
    {
        int total = 0;
        while (!destination.IsEmpty)
        {
            int read = RandomAccess.Read(_handle, destination, position);
            if (read == 0)
            {
                break;
            }

            total += read;
            position += read;
            destination = destination[read..];
        }

        return total;
    }

    /// <summary>
    /// Writes <paramref name="length"/> bytes of <paramref name="sourceTensor"/> (from <paramref name="offsetInSource"/>)
    /// into <paramref name="tensor"/> at <paramref name="offsetInTensor"/> unchanged, copied inside the kernel where it can
    /// (<c>copy_file_range</c>, as <c>cp</c>), else read and written through a buffer. Thread-safe, like
    /// <see cref="Write(TensorInfo, long, ReadOnlySpan{byte})"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A range falls outside its tensor.</exception>
    /// <exception cref="ArgumentException">A tensor belongs to another file or writer.</exception>
    /// <exception cref="FileChangedException">The source shrank while open.</exception>
    public void CopyFrom(TensorInfo tensor, long offsetInTensor, SafeTensorsFile source, TensorInfo sourceTensor, long offsetInSource, long length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(source);
        if (_committed)
        {
            throw new InvalidOperationException($"{Path}: already committed; no more writes.");
        }

        if (!ReferenceEquals(tensor.Owner, this))
        {
            throw new ArgumentException($"Tensor '{SafeTensorsFormatException.OneLine(tensor.Name)}' was not planned by this writer.", nameof(tensor));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (offsetInTensor < 0 || offsetInTensor > tensor.ByteLength - length)
        {
            throw new ArgumentOutOfRangeException(
                nameof(offsetInTensor), $"Bytes {offsetInTensor}..+{length} are outside tensor '{SafeTensorsFormatException.OneLine(tensor.Name)}' ({tensor.ByteLength} bytes).");
        }

        long from = source.FilePositionOf(sourceTensor, offsetInSource, length);
        long to = DataOffset + tensor.DataStart + offsetInTensor;
        long copied;
        try
        {
            copied = KernelCopy.TryCopy(source.Handle, from, _handle, to, length, _writeback.Written);
        }
        catch (IOException e) when (DiskSpace.IsExhausted(e))
        {
            throw DiskSpace.Failure(Path, FileLength, e);
        }

        // The rest (no kernel copy here, or a source that ended early: its read reports the shrunk file).
        if (copied < length)
        {
            byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent((int)Math.Min(length - copied, 4L << 20));
            try
            {
                for (long at = copied; at < length;)
                {
                    int n = (int)Math.Min(buffer.Length, length - at);
                    source.CopyTo(sourceTensor, offsetInSource + at, buffer.AsSpan(0, n));
                    Write(tensor, offsetInTensor + at, buffer.AsSpan(0, n));
                    at += n;
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        _written[tensor.DataOrdinal].Add(offsetInTensor, offsetInTensor + copied);
        if (copied > 0)
        {
            // Kernel-copied bytes bypass the write queue's callback; a reader following the output (its digest) must see them.
            _prefix.Add(to, to + copied);
        }
    }

    /// <summary>
    /// Checks every tensor byte was written, flushes the file to disk and renames it to <see cref="Path"/>.
    /// Call once, after every <see cref="Write(TensorInfo, long, ReadOnlySpan{byte})"/> has returned.
    /// </summary>
    /// <exception cref="SafeTensorsWriteException">Some bytes were never written (the writer stays usable), or the output appeared meanwhile and overwriting was not allowed.</exception>
    public void Commit() => CommitCore(beforeRename: null);

    /// <summary>
    /// <see cref="Commit"/>, running <paramref name="beforeRename"/> after the file is flushed (to the device when
    /// flushing is on) and before it is closed and renamed: a reader of <see cref="ReadBack"/> (a streaming hash of the
    /// output) finishes there, in parallel with the flush. When it throws, the output is not created.
    /// </summary>
    /// <exception cref="SafeTensorsWriteException">Some bytes were never written (the writer stays usable), or the output appeared meanwhile and overwriting was not allowed.</exception>
    public void CommitAfterFlush(Action beforeRename)
    {
        ArgumentNullException.ThrowIfNull(beforeRename);
        CommitCore(beforeRename);
    }

    private void CommitCore(Action? beforeRename)
    {
        lock (_stateLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_committed)
            {
                throw new InvalidOperationException($"{Path}: already committed.");
            }

            foreach (TensorInfo t in _layout)
            {
                if (_written[t.DataOrdinal].FirstMissing(t.ByteLength) is { } missing)
                {
                    throw new SafeTensorsWriteException(
                        Path, WriteFailure.Incomplete,
                        $"tensor '{SafeTensorsFormatException.OneLine(t.Name)}' bytes {missing.Start}..{missing.End} of {t.ByteLength} were never written; output not created",
                        t.Name);
                }
            }

            try
            {
                _writes.Flush();
                _writeback.Dispose();
                if (_flushToDisk)
                {
                    RandomAccess.FlushToDisk(_handle); // NFS and quotas can report the lack of room only here
                }
            }
            catch (IOException e) when (DiskSpace.IsExhausted(e))
            {
                throw DiskSpace.Failure(Path, FileLength, e);
            }

            beforeRename?.Invoke();
            _handle.Dispose();
            _committed = true;
            try
            {
                File.Move(TempPath, Path, _overwrite);
            }
            catch (IOException) when (!_overwrite && File.Exists(Path))
            {
                File.Delete(TempPath);
                throw new SafeTensorsWriteException(Path, WriteFailure.OutputExists, "output file appeared while writing; choose another name or allow overwriting");
            }
            catch
            {
                File.Delete(TempPath);
                throw;
            }
        }
    }

    /// <summary>Closes the writer; without a successful <see cref="Commit"/> the temporary file is deleted and the output path is untouched.</summary>
    public void Dispose()
    {
        lock (_stateLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _writes.Dispose();
            _writeback.Dispose();
            if (!_committed)
            {
                _handle.Dispose();
                File.Delete(TempPath);
            }
        }
    }

    private static KeyValuePair<string, string>[] ValidateMetadata(IEnumerable<KeyValuePair<string, string>>? metadata)
    {
        if (metadata is null)
        {
            return [];
        }

        KeyValuePair<string, string>[] entries = [.. metadata];
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string key, string value) in entries)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(metadata));
            ArgumentNullException.ThrowIfNull(value, nameof(metadata));
            if (!keys.Add(key))
            {
                throw new ArgumentException($"Metadata key '{SafeTensorsFormatException.OneLine(key)}' is given twice.", nameof(metadata));
            }
        }

        return entries;
    }
}
