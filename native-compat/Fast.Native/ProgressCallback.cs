namespace Fast.Native;

/// <summary>
/// The caller's <c>fm_progress_cb</c>. Workers report concurrently; calls into C are serialised, monotonic in
/// <c>done</c>, and stop once the callback has asked to cancel, so a C or Python callback needs no locking.
/// A non-zero return cancels <see cref="Token"/>.
/// </summary>
internal sealed unsafe class ProgressCallback : IDisposable
{
    private readonly delegate* unmanaged[Cdecl]<long, long, void*, int> _callback;
    private readonly void* _user;
    private readonly CancellationTokenSource _cancellation = new();
    private readonly Lock _lock = new();
    private long _reported = -1;

    public ProgressCallback(delegate* unmanaged[Cdecl]<long, long, void*, int> callback, void* user)
    {
        _callback = callback;
        _user = user;
    }

    public CancellationToken Token => _cancellation.Token;

    /// <summary>Forwards <paramref name="done"/> of <paramref name="total"/> to the caller unless already past it.</summary>
    public void Report(long done, long total)
    {
        if (_callback == null)
        {
            return;
        }

        lock (_lock)
        {
            if (_cancellation.IsCancellationRequested || done <= _reported)
            {
                return;
            }

            _reported = done;
            if (_callback(done, total, _user) != 0)
            {
                _cancellation.Cancel();
            }
        }
    }

    public void Dispose() => _cancellation.Dispose();
}
