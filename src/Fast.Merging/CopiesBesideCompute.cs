using System.Runtime.ExceptionServices;

namespace Fast.Merging;

/// <summary>
/// Runs the in-kernel copies of unchanged tensors in order on one thread while the computed chunks run in parallel on
/// the others. Copies from several threads only queue on the output's inode lock (ext4 takes it for every write:
/// a tenth of a two-thread convert was spent spinning there); one copier streams as <c>cp</c> does, and the
/// arithmetic overlaps it.
/// </summary>
internal static class CopiesBesideCompute
{
    /// <summary>
    /// Runs <paramref name="copy"/> on each of <paramref name="copies"/> in order on its own thread, and
    /// <paramref name="compute"/> (which should stop when its token is cancelled) on this one. The first failure
    /// stops the other side and is rethrown as itself.
    /// </summary>
    public static void Run<T>(IReadOnlyList<T> copies, Action<T> copy, Action<CancellationToken> compute, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(copies);
        ArgumentNullException.ThrowIfNull(copy);
        ArgumentNullException.ThrowIfNull(compute);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        Task copier = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    foreach (T item in copies)
                    {
                        stop.Token.ThrowIfCancellationRequested();
                        copy(item);
                    }
                }
                catch
                {
                    stop.Cancel();
                    throw;
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        Exception? computeFailure = null;
        try
        {
            compute(stop.Token);
        }
        catch (Exception e)
        {
            computeFailure = e;
            stop.Cancel();
        }

        try
        {
            copier.Wait(CancellationToken.None);
        }
        catch (AggregateException e) when (computeFailure is null or OperationCanceledException)
        {
            // The copy failed first (the compute side was only stopped), or both saw the caller's cancellation.
            ExceptionDispatchInfo.Capture(e.InnerException ?? e).Throw();
        }
        catch (AggregateException)
        {
            // The compute side failed first; the copier only stopped.
        }

        if (computeFailure is not null)
        {
            ExceptionDispatchInfo.Capture(computeFailure).Throw();
        }
    }
}
