using System.Security.Cryptography;
using Fast.Merging.Execution;
using Fast.Merging.Planning;

namespace Fast.Merging.Execution;

/// <summary>
/// Computes the sha256 of the file a plan's output would be (what <c>sha256sum</c> of the written file prints), and
/// passes every write on to an inner sink when given. The header is hashed first; data is hashed in file
/// order, and a range that arrives ahead of that order is held until the bytes before it came. The bulk engine
/// produces each variant's bytes in its file order, so the held bytes stay small.
/// </summary>
internal sealed class HashingMergeSink : IMergeSink
{
    private readonly IMergeSink? _inner;
    private readonly OutputLayout _layout;
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly SortedDictionary<long, byte[]> _ahead = [];
    private readonly Lock _gate = new();
    private long _next;

    public HashingMergeSink(OutputLayout layout, IMergeSink? inner)
    {
        _layout = layout;
        _inner = inner;
        _sha.AppendData(layout.Head);
    }

    /// <summary>The lowercase hex sha256, after <see cref="Complete"/>.</summary>
    public string? Sha256 { get; private set; }

    /// <summary>Bytes held back because they arrived ahead of file order.</summary>
    public long HeldBytes { get; private set; }

    public void Write(PlannedTensor tensor, long byteOffset, ReadOnlySpan<byte> data)
    {
        _inner?.Write(tensor, byteOffset, data);
        long at = _layout.DataStart(tensor.Name) + byteOffset;
        lock (_gate)
        {
            if (at != _next)
            {
                if (at < _next || !_ahead.TryAdd(at, data.ToArray()))
                {
                    throw new InvalidOperationException($"{tensor.Name}: bytes at {byteOffset} written twice");
                }

                HeldBytes += data.Length;
                return;
            }

            _sha.AppendData(data);
            _next += data.Length;
            while (_ahead.Remove(_next, out byte[]? held))
            {
                _sha.AppendData(held);
                HeldBytes -= held.Length;
                _next += held.Length;
            }
        }
    }

    public void Complete()
    {
        lock (_gate)
        {
            if (_next != _layout.DataLength || _ahead.Count > 0)
            {
                throw new InvalidOperationException($"output data incomplete: {_next} of {_layout.DataLength} bytes hashed");
            }

            Sha256 = Convert.ToHexStringLower(_sha.GetHashAndReset());
        }

        _inner?.Complete();
    }

    public void Dispose()
    {
        _inner?.Dispose();
        _sha.Dispose();
    }
}
