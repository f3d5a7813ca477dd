using Fast.Merging.Hashing;
using Fast.Merging.Planning;
using Fast.SafeTensors;

namespace Fast.Merging.Execution;

/// <summary>
/// A safetensors file written under a temporary name and renamed into place on <see cref="Complete"/>. Optionally
/// hashes the file while it is written (<see cref="OutputHashes"/>), and writes a header planned with placeholder
/// metadata (the inputs' hashes, still being computed) whose final form is patched in before the rename.
/// </summary>
/// <remarks>
/// A header final from the start (the inputs' hashes were cached, or are not recorded) lets the writing threads hash
/// the data themselves, in file order, from the bytes they just wrote (<see cref="InOrderOutputHash"/>); a header still
/// to be patched cannot be hashed before the data, so then the file is read back behind the writers once it is final
/// (<see cref="OutputDigest"/>).
/// </remarks>
internal sealed class FileMergeSink : IMergeSink
{
    private readonly SafeTensorsWriter _writer;
    private readonly OutputDigest? _digest;
    private readonly InOrderOutputHash? _inOrder;
    private readonly Func<IReadOnlyList<KeyValuePair<string, string>>>? _finalMetadata;
    private readonly Thread? _patch;
    private Exception? _patchFailure;
    private volatile bool _abandoned;

    private FileMergeSink(SafeTensorsWriter writer, bool hashOutput, Func<IReadOnlyList<KeyValuePair<string, string>>>? finalMetadata)
    {
        _writer = writer;
        _finalMetadata = finalMetadata;
        if (hashOutput && finalMetadata is null)
        {
            byte[] head = new byte[writer.DataOffset];
            if (writer.ReadBack(0, head) != head.Length)
            {
                throw new IOException($"{writer.TempPath}: its header could not be read back");
            }

            _inOrder = new InOrderOutputHash(head, writer.FileLength, writer);
        }
        else if (hashOutput)
        {
            _digest = new OutputDigest(writer);
        }

        if (finalMetadata is not null)
        {
            // The header is patched as soon as the inputs' hashes are known, not when the last tensor is written: the
            // output digest can then hash alongside the rest of the merge (a long calcmode hides it entirely).
            _patch = new Thread(PatchHeader) { IsBackground = true, Name = "fastmerge header patch" };
            _patch.Start();
        }
    }

    /// <summary>The output's hashes, after <see cref="Complete"/>, when hashing was asked for.</summary>
    public ModelHashes? OutputHashes { get; private set; }

    /// <summary>The stamp of the committed file as it was just before the rename (ctime then moves), with <see cref="OutputHashes"/>.</summary>
    public FileStamp? HashedStamp { get; private set; }

    public static FileMergeSink Create(MergePlan plan, string path, bool overwrite, bool flushToDisk) =>
        Create(plan, path, overwrite, flushToDisk, hashOutput: false, finalMetadata: null);

    /// <summary>A file sink that can hash what it writes and patch the plan's provisional metadata.</summary>
    /// <param name="plan">The plan; its metadata is written now.</param>
    /// <param name="path">The output path.</param>
    /// <param name="overwrite">Replace an existing file.</param>
    /// <param name="flushToDisk">fsync before the rename.</param>
    /// <param name="hashOutput">Compute <see cref="OutputHashes"/> while writing.</param>
    /// <param name="finalMetadata">
    /// When the plan's metadata holds placeholders: called at <see cref="Complete"/> for the final entries, which
    /// must give a header of the same length (else <see cref="ProvisionalHeaderMismatchException"/>).
    /// </param>
    public static FileMergeSink Create(
        MergePlan plan, string path, bool overwrite, bool flushToDisk, bool hashOutput, Func<IReadOnlyList<KeyValuePair<string, string>>>? finalMetadata)
    {
        var specs = plan.Tensors.Select(t => new TensorSpec(t.Name, t.OutputDType, t.Shape)).ToList();
        SafeTensorsWriter writer = SafeTensorsWriter.Create(path, specs, plan.Metadata, overwrite, flushToDisk);
        try
        {
            return new FileMergeSink(writer, hashOutput, finalMetadata);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    public void Write(PlannedTensor tensor, long byteOffset, ReadOnlySpan<byte> data)
    {
        TensorInfo info = _writer[tensor.Name];
        _writer.Write(info, byteOffset, data);
        _inOrder?.Add(_writer.DataOffset + info.DataStart + byteOffset, data);
    }

    public void Complete()
    {
        if (_patch is not null)
        {
            _patch.Join();
            if (_patchFailure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(_patchFailure).Throw();
            }
        }

        if (_inOrder is not null)
        {
            // What is still set aside is hashed while the file is flushed (the flush waits on the disk, leaving the CPU
            // idle for a good part of a second on a 2 GB output); ranges left in the file are read back after it.
            Task drain = Task.Run(_inOrder.Drain);
            try
            {
                _writer.CommitAfterFlush(() =>
                {
                    drain.GetAwaiter().GetResult();
                    OutputHashes = _inOrder.Finish();
                    HashedStamp = _writer.TempFileStamp();
                });
            }
            catch
            {
                // The flush failed (e.g. no room): Dispose returns the set-aside buffers, so the drain stops first.
                WaitQuietly(drain);
                throw;
            }

            return;
        }

        // The digest finishes its tail while the file is flushed; the rename waits for both.
        if (_digest is null)
        {
            _writer.Commit();
            return;
        }

        _writer.CommitAfterFlush(() =>
        {
            OutputHashes = _digest.Finish();
            HashedStamp = _writer.TempFileStamp();
        });
    }

    public void Dispose()
    {
        // The digest reads through the writer's handle: it stops first. A patch still waiting for the inputs' hashes is
        // not waited for: it finds the writer disposed and gives up.
        _abandoned = true;
        _digest?.Dispose();
        _inOrder?.Dispose();
        _writer.Dispose();
    }

    private static void WaitQuietly(Task task)
    {
        try
        {
            task.Wait();
        }
        catch (AggregateException)
        {
            // The commit's own failure is the one reported.
        }
    }

    /// <summary>Waits for the final metadata (the inputs' hashes), writes it over the placeholders, lets the digest start.</summary>
    private void PatchHeader()
    {
        try
        {
            // The digest has hashed nothing yet, so the patched header is what it will read.
            if (!_writer.TryReplaceMetadata(_finalMetadata!()))
            {
                throw new ProvisionalHeaderMismatchException();
            }

            _digest?.HeaderFinal();
        }
        catch (Exception e) when (!_abandoned)
        {
            _patchFailure = e;
        }
        catch (Exception)
        {
            // The output was abandoned meanwhile (the merge failed or was cancelled): nothing to report.
        }
    }
}
