using System.Runtime.InteropServices;

namespace Fast.Cli.CommandLine;

/// <summary>
/// Turns SIGINT (Ctrl+C), SIGTERM (Slurm, Kubernetes, systemd stopping a job) and SIGHUP (the terminal closed) into
/// this process's cancellation token, so long commands stop cleanly and leave no partial output, and remembers
/// which signal came so the exit code is 128 + its number as a shell expects.
/// </summary>
internal static class ConsoleCancel
{
    private static int s_signal;

    public static CancellationToken Token { get; set; }

    /// <summary>The exit code for the signal that cancelled the run (130 when cancelled otherwise).</summary>
    public static int ExitCode => Volatile.Read(ref s_signal) is var n and > 0 ? 128 + n : ExitCodes.Cancelled;

    private const int SigInt = 2;

    /// <summary>Cancels <paramref name="cancellation"/> on any of the three signals; dispose the result to stop listening.</summary>
    public static IDisposable Listen(CancellationTokenSource cancellation)
    {
        ArgumentNullException.ThrowIfNull(cancellation);
        Token = cancellation.Token;
        var registrations = new List<IDisposable>();
        foreach ((PosixSignal signal, int number) in new[] { (PosixSignal.SIGINT, SigInt), (PosixSignal.SIGTERM, 15), (PosixSignal.SIGHUP, 1) })
        {
            registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                // Without this the runtime would exit at once (SIGTERM, SIGHUP) and skip deleting the temp file.
                context.Cancel = true;
                Interlocked.CompareExchange(ref s_signal, number, 0);
                cancellation.Cancel();
            }));
        }

        return new Registrations(registrations);
    }

    private sealed class Registrations(List<IDisposable> items) : IDisposable
    {
        public void Dispose() => items.ForEach(r => r.Dispose());
    }
}
