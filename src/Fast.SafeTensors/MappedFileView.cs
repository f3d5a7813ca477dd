using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;

namespace Fast.SafeTensors;

/// <summary>A read-only mapping of a whole file, addressed by <c>long</c> offsets.</summary>
internal sealed unsafe class MappedFileView : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private bool _pointerAcquired;

    public MappedFileView(SafeFileHandle handle, long fileLength)
    {
        Length = fileLength;
        _map = MemoryMappedFile.CreateFromFile(handle, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        try
        {
            _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _pointerAcquired = true;
            _base = pointer + _view.PointerOffset;
        }
        catch
        {
            _view?.Dispose();
            _map.Dispose();
            throw;
        }
    }

    public long Length { get; }

    /// <summary>A view of <paramref name="length"/> bytes at <paramref name="offset"/>; the caller has bounds-checked both.</summary>
    public ReadOnlySpan<byte> Slice(long offset, int length) => new(_base + offset, length);

    public void Dispose()
    {
        if (_pointerAcquired)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _pointerAcquired = false;
        }

        _view.Dispose();
        _map.Dispose();
    }
}
