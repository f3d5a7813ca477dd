using System.Security.Cryptography;
using Fast.SafeTensors;

namespace Fast.Merging.Doctor;

/// <summary>
/// Follows the data buffer of a safetensors file block by block, in file order, and for every tensor counts
/// NaN/Inf (SIMD, the pieces of a block spread over all cores) and, for the tensors asked for, computes a
/// sha256 of its bytes. Blocks need not align with elements: an element split between two blocks is carried.
/// </summary>
internal sealed class TensorStreamScanner
{
    // Pieces small enough to spread one block over many cores, large enough to amortise the scheduling.
    private const int PieceBytes = 1 << 20;

    private readonly IReadOnlyList<TensorInfo> _tensors;
    private readonly long _dataOffset;
    private readonly bool _scanNonFinite;
    private readonly bool[] _hashTensor;
    private readonly long[] _nan;
    private readonly long[] _inf;
    private readonly byte[]?[] _digests;
    private readonly byte[] _carry = new byte[8];
    private int _carryLength;
    private int _current;
    private IncrementalHash? _tensorHash;

    public TensorStreamScanner(SafeTensorsFile file, bool scanNonFinite, Func<TensorInfo, bool> hashTensor)
    {
        _tensors = file.TensorsInDataOrder;
        _dataOffset = file.DataOffset;
        _scanNonFinite = scanNonFinite;
        _hashTensor = _tensors.Select(hashTensor).ToArray();
        _nan = new long[_tensors.Count];
        _inf = new long[_tensors.Count];
        _digests = new byte[_tensors.Count][];
        StartTensors(0);
    }

    /// <summary>NaN/Inf count per tensor name (only tensors with at least one).</summary>
    public Dictionary<string, NonFiniteCount> NonFinite()
    {
        var result = new Dictionary<string, NonFiniteCount>(StringComparer.Ordinal);
        for (int i = 0; i < _tensors.Count; i++)
        {
            if (_nan[i] != 0 || _inf[i] != 0)
            {
                result[_tensors[i].Name] = new NonFiniteCount(_nan[i], _inf[i]);
            }
        }

        return result;
    }

    /// <summary>The sha256 of each hashed tensor's bytes, by name.</summary>
    public Dictionary<string, byte[]> Digests()
    {
        if (_current < _tensors.Count)
        {
            throw new InvalidOperationException("The data buffer was not read to its end.");
        }

        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (int i = 0; i < _tensors.Count; i++)
        {
            if (_digests[i] is { } digest)
            {
                result[_tensors[i].Name] = digest;
            }
        }

        return result;
    }

    /// <summary>Consumes the next block of the file (blocks must come in file order, without gaps).</summary>
    public void Consume(long blockOffset, ReadOnlyMemory<byte> blockMemory)
    {
        ReadOnlySpan<byte> block = blockMemory.Span;
        long blockEnd = blockOffset + block.Length;
        var pieces = _scanNonFinite ? new List<(int Tensor, int Start, int Length)>() : null;
        while (_current < _tensors.Count)
        {
            TensorInfo tensor = _tensors[_current];
            long start = _dataOffset + tensor.DataStart, end = _dataOffset + tensor.DataEnd;
            if (start >= blockEnd)
            {
                break;
            }

            long from = Math.Max(start, blockOffset), to = Math.Min(end, blockEnd);
            if (from < to)
            {
                ReadOnlySpan<byte> segment = block.Slice((int)(from - blockOffset), (int)(to - from));
                _tensorHash?.AppendData(segment);
                if (pieces is not null && NonFiniteScanner.CanScan(tensor.DType))
                {
                    Split(tensor, segment, (int)(from - blockOffset), pieces);
                }
            }

            if (end > blockEnd)
            {
                break;
            }

            FinishTensor();
        }

        if (pieces is { Count: > 0 })
        {
            ScanPieces(blockMemory, pieces);
        }
    }

    private void Split(TensorInfo tensor, ReadOnlySpan<byte> segment, int segmentStart, List<(int, int, int)> pieces)
    {
        int size = DTypeInfo.BitSize(tensor.DType) / 8;
        int used = 0;
        if (_carryLength > 0)
        {
            // Complete the element that started in the previous block.
            used = Math.Min(size - _carryLength, segment.Length);
            segment[..used].CopyTo(_carry.AsSpan(_carryLength));
            _carryLength += used;
            if (_carryLength == size)
            {
                Add(_current, NonFiniteScanner.Count(_carry.AsSpan(0, size), tensor.DType));
                _carryLength = 0;
            }
        }

        int whole = (segment.Length - used) / size * size;
        int pieceBytes = PieceBytes / size * size;
        for (int offset = 0; offset < whole; offset += pieceBytes)
        {
            pieces.Add((_current, segmentStart + used + offset, Math.Min(pieceBytes, whole - offset)));
        }

        ReadOnlySpan<byte> rest = segment[(used + whole)..];
        rest.CopyTo(_carry.AsSpan(_carryLength));
        _carryLength += rest.Length;
    }

    private void ScanPieces(ReadOnlyMemory<byte> block, List<(int Tensor, int Start, int Length)> pieces)
    {
        var counts = new NonFiniteCount[pieces.Count];
        Parallel.For(0, pieces.Count, i =>
        {
            var (tensor, start, length) = pieces[i];
            counts[i] = NonFiniteScanner.Count(block.Span.Slice(start, length), _tensors[tensor].DType);
        });

        for (int i = 0; i < pieces.Count; i++)
        {
            Add(pieces[i].Tensor, counts[i]);
        }
    }

    private void Add(int tensor, NonFiniteCount count)
    {
        _nan[tensor] += count.NaN;
        _inf[tensor] += count.Inf;
    }

    private void FinishTensor()
    {
        if (_tensorHash is not null)
        {
            _digests[_current] = _tensorHash.GetHashAndReset();
            _tensorHash.Dispose();
            _tensorHash = null;
        }

        _carryLength = 0;
        StartTensors(_current + 1);
    }

    private void StartTensors(int index)
    {
        _current = index;

        // Zero-byte tensors take no block: finish them at once.
        while (_current < _tensors.Count && _tensors[_current].ByteLength == 0)
        {
            if (_hashTensor[_current])
            {
                _digests[_current] = SHA256.HashData(ReadOnlySpan<byte>.Empty);
            }

            _current++;
        }

        if (_current < _tensors.Count && _hashTensor[_current])
        {
            _tensorHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }
    }
}
