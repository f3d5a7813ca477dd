using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Fast.SafeTensors;

/// <summary>
/// Starts the kernel's write-back of an output while it is still being produced, so the flush in
/// <see cref="SafeTensorsWriter.Commit"/> waits for the last few megabytes instead of the whole file
/// (a 2 GB checkpoint otherwise spends half a second in <c>fsync</c> after the last byte is computed).
/// Linux only (<c>sync_file_range</c>, a hint without durability meaning); elsewhere it does nothing.
/// The call may block on a busy device, so it runs on its own thread, never on a writer's.
/// </summary>
internal sealed partial class EarlyWriteback : IDisposable
{
    /// <summary>Dirty bytes between two kicks: large enough that the syscalls cost nothing, small enough to keep the device busy.</summary>
    private const long KickBytes = 64L << 20;

    private const uint SyncFileRangeWrite = 2;

    private readonly SafeFileHandle _handle;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Thread? _thread;
    private long _pending;
    private volatile bool _stopping;

    /// <param name="handle">The file being written.</param>
    /// <param name="enabled">False when the file will not be flushed: then starting write-back early only costs CPU.</param>
    public EarlyWriteback(SafeFileHandle handle, bool enabled = true)
    {
        _handle = handle;
        if (!enabled || !OperatingSystem.IsLinux())
        {
            return;
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "safetensors early write-back" };
        _thread.Start();
    }

    /// <summary>Records <paramref name="bytes"/> more written; wakes the write-back thread every <see cref="KickBytes"/>.</summary>
    public void Written(long bytes)
    {
        if (_thread is not null && !_stopping && Interlocked.Add(ref _pending, bytes) >= KickBytes)
        {
            Interlocked.Exchange(ref _pending, 0);
            try
            {
                _signal.Release();
            }
            catch (ObjectDisposedException)
            {
                // A write raced with Dispose: there is nothing left to kick.
            }
        }
    }

    /// <summary>Stops the thread; call before the handle is flushed or closed.</summary>
    public void Dispose()
    {
        if (_thread is null || _stopping)
        {
            return;
        }

        _stopping = true;
        _signal.Release();
        _thread.Join();
        _signal.Dispose();
    }

    private void Run()
    {
        while (true)
        {
            _signal.Wait();
            if (_stopping)
            {
                return;
            }

            bool added = false;
            try
            {
                _handle.DangerousAddRef(ref added);

                // Offset 0, length 0: every dirty page of the file. The result is ignored: this is only a hint.
                _ = SyncFileRange((int)_handle.DangerousGetHandle(), 0, 0, SyncFileRangeWrite);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            finally
            {
                if (added)
                {
                    _handle.DangerousRelease();
                }
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int SyncFileRange(int fd, long offset, long nbytes, uint flags);
}
