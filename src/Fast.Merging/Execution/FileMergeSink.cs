using Fast.Merging.Hashing;
using Fast.Merging.Planning;
using Fast.SafeTensors;

namespace Fast.Merging.Execution;

/// <summary>
/// A safetensors file written under a temporary name and renamed into place on <see cref="Complete"/>. Optionally
/// hashes the file while it is written (<see cref="OutputHashes"/>), and writes a header planned with placeholder
/// metadata (the inputs' hashes, still being computed) whose final form is patched in before the rename.
/// </summary>
internal sealed class FileMergeSink : IMergeSink
{
    private readonly SafeTensorsWriter _writer;
    private readonly OutputDigest? _digest;
    private readonly Func<IReadOnlyList<KeyValuePair<string, string>>>? _finalMetadata;

    private FileMergeSink(SafeTensorsWriter writer, bool hashOutput, Func<IReadOnlyList<KeyValuePair<string, string>>>? finalMetadata)
    {
        _writer = writer;
        _finalMetadata = finalMetadata;
        _digest = hashOutput ? new OutputDigest(writer, headerFinal: finalMetadata is null) : null;
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

    public void Write(PlannedTensor tensor, long byteOffset, ReadOnlySpan<byte> data) => _writer.Write(_writer[tensor.Name], byteOffset, data);

    public void Complete()
    {
        if (_finalMetadata is not null)
        {
            // Waits for the inputs' hashes; the digest has hashed nothing yet, so the patch is what it will read.
            if (!_writer.TryReplaceMetadata(_finalMetadata()))
            {
                throw new ProvisionalHeaderMismatchException();
            }

            _digest?.HeaderFinal();
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
        // The digest reads through the writer's handle: it stops first.
        _digest?.Dispose();
        _writer.Dispose();
    }
}
