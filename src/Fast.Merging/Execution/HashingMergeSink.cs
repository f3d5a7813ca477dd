using Fast.Merging.Hashing;
using Fast.Merging.Planning;

namespace Fast.Merging.Execution;

/// <summary>
/// Computes the sha256 of the file a plan's output would be (what <c>sha256sum</c> of the written file prints), and
/// passes every write on to an inner sink when given. The header is hashed first; data is hashed in file order by the
/// writing threads themselves (<see cref="InOrderOutputHash"/>: a range that arrives ahead of that order is copied
/// aside, and one thread's hashing never holds another's write). The bulk engine produces each variant's bytes in its
/// file order, so the copies stay small.
/// </summary>
internal sealed class HashingMergeSink : IMergeSink
{
    private readonly IMergeSink? _inner;
    private readonly OutputLayout _layout;
    private readonly InOrderOutputHash _hash;

    public HashingMergeSink(OutputLayout layout, IMergeSink? inner)
    {
        _layout = layout;
        _inner = inner;
        _hash = new InOrderOutputHash(layout.Head, layout.Head.Length + layout.DataLength, file: null);
    }

    /// <summary>The lowercase hex sha256, after <see cref="Complete"/>.</summary>
    public string? Sha256 { get; private set; }

    /// <summary>Bytes held back because they arrived ahead of file order.</summary>
    public long HeldBytes => _hash.HeldBytes;

    public void Write(PlannedTensor tensor, long byteOffset, ReadOnlySpan<byte> data)
    {
        _inner?.Write(tensor, byteOffset, data);
        _hash.Add(_layout.Head.Length + _layout.DataStart(tensor.Name) + byteOffset, data);
    }

    public void Complete()
    {
        Sha256 = _hash.Finish().Sha256;
        _inner?.Complete();
    }

    public void Dispose()
    {
        _inner?.Dispose();
        _hash.Dispose();
    }
}
