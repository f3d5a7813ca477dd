namespace Fast.SafeTensors;

/// <summary>One piece of a tensor's bytes: where it starts inside the tensor and how long it is.</summary>
/// <param name="OffsetInTensor">Byte offset from the tensor's first byte.</param>
/// <param name="Length">Byte count; always a whole number of elements.</param>
public readonly record struct TensorChunk(long OffsetInTensor, int Length);

/// <summary>
/// The chunks of one tensor, in order; allocation-free to enumerate with <c>foreach</c>.
/// Produced by <see cref="TensorInfo.Chunks"/>.
/// </summary>
public readonly struct TensorChunks : IEnumerable<TensorChunk>
{
    private readonly long _byteLength;
    private readonly int _chunkBytes;

    internal TensorChunks(long byteLength, int chunkBytes)
    {
        _byteLength = byteLength;
        _chunkBytes = chunkBytes;
    }

    /// <summary>Number of chunks.</summary>
    public long Count => _byteLength == 0 ? 0 : ((_byteLength - 1) / _chunkBytes) + 1;

    /// <summary>Returns the allocation-free enumerator.</summary>
    public Enumerator GetEnumerator() => new(_byteLength, _chunkBytes);

    IEnumerator<TensorChunk> IEnumerable<TensorChunk>.GetEnumerator() => GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Walks the chunks front to back.</summary>
    public struct Enumerator : IEnumerator<TensorChunk>
    {
        private readonly long _byteLength;
        private readonly int _chunkBytes;
        private long _next;

        internal Enumerator(long byteLength, int chunkBytes)
        {
            _byteLength = byteLength;
            _chunkBytes = chunkBytes;
            _next = 0;
            Current = default;
        }

        /// <inheritdoc/>
        public TensorChunk Current { get; private set; }

        readonly object System.Collections.IEnumerator.Current => Current;

        /// <inheritdoc/>
        public bool MoveNext()
        {
            if (_next >= _byteLength)
            {
                return false;
            }

            int length = (int)Math.Min(_chunkBytes, _byteLength - _next);
            Current = new TensorChunk(_next, length);
            _next += length;
            return true;
        }

        /// <inheritdoc/>
        public void Reset()
        {
            _next = 0;
            Current = default;
        }

        /// <inheritdoc/>
        public readonly void Dispose()
        {
        }
    }
}
