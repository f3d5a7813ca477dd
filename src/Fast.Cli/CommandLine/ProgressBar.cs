using System.Diagnostics;
using System.Globalization;
using Fast.Merging.Execution;

namespace Fast.Cli.CommandLine;

/// <summary>A one-line progress bar on stderr when it is a terminal (bytes, tensors, ETA); silent otherwise.</summary>
internal sealed class ProgressBar(TextWriter? terminal) : IProgress<MergeProgress>, IDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private long _lastDraw;

    public void Report(MergeProgress value)
    {
        if (terminal is null)
        {
            return;
        }

        lock (_lock)
        {
            long now = _clock.ElapsedMilliseconds;
            if (now - _lastDraw < 100 && value.BytesDone < value.BytesTotal)
            {
                return;
            }

            _lastDraw = now;
            double fraction = value.BytesTotal == 0 ? 1 : (double)value.BytesDone / value.BytesTotal;
            int filled = (int)(fraction * 30);
            terminal.Write(string.Create(
                CultureInfo.InvariantCulture,
                $"\r[{new string('#', filled)}{new string('.', 30 - filled)}] {fraction * 100,5:0.0}%  {Format.Bytes(value.BytesDone)} / {Format.Bytes(value.BytesTotal)}  {value.TensorsDone}/{value.TensorsTotal} tensors{Eta(fraction, now)}"));
        }
    }

    // The rate so far predicts the rest; nothing until a second has passed, when the rate means something.
    private static string Eta(double fraction, long elapsedMs) => fraction is <= 0 or >= 1 || elapsedMs < 1000
        ? "          "
        : string.Create(CultureInfo.InvariantCulture, $"  ETA {Format.Duration(TimeSpan.FromMilliseconds(elapsedMs * (1 - fraction) / fraction)),-9}");

    public void Finish()
    {
        if (terminal is not null)
        {
            terminal.Write("\r" + new string(' ', 110) + "\r");
        }
    }

    public void Dispose() => terminal?.Flush();
}
