using System.Buffers;

namespace Fast.Merging.Execution;

/// <summary>A rented array of exactly <see cref="Length"/> usable elements, returned to the shared pool on dispose.</summary>
internal sealed class Pooled<T> : IDisposable
{
    private T[]? _array;

    public Pooled(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Array.MaxLength);
        Length = (int)length;
        _array = ArrayPool<T>.Shared.Rent(Math.Max(1, Length));
    }

    public int Length { get; }

    public Span<T> Span => _array.AsSpan(0, Length);

    public Memory<T> Memory => _array.AsMemory(0, Length);

    public void Dispose()
    {
        if (_array is not null)
        {
            ArrayPool<T>.Shared.Return(_array);
            _array = null;
        }
    }
}
