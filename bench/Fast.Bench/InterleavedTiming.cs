using System.Diagnostics;

namespace Fast.Bench;

/// <summary>
/// The micro benches' timing loop: each action once per round, in turn, so a machine loaded by other work slows every
/// action alike, and the best time of each.
/// </summary>
internal static class InterleavedTiming
{
    /// <summary>
    /// Runs every action once as a warm-up, then rounds until <paramref name="seconds"/> have passed and at least
    /// <paramref name="minRounds"/> rounds are done (at most 1000); returns each action's best time in seconds.
    /// </summary>
    public static double[] Best(Action[] actions, double seconds, int minRounds)
    {
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentOutOfRangeException.ThrowIfLessThan(minRounds, 1);
        var best = new double[actions.Length];
        Array.Fill(best, double.MaxValue);
        foreach (Action action in actions)
        {
            action();
        }

        var total = Stopwatch.StartNew();
        for (int round = 0; round < 1000 && (round < minRounds || total.Elapsed.TotalSeconds < seconds); round++)
        {
            for (int i = 0; i < actions.Length; i++)
            {
                long t = Stopwatch.GetTimestamp();
                actions[i]();
                best[i] = Math.Min(best[i], Stopwatch.GetElapsedTime(t).TotalSeconds);
            }
        }

        return best;
    }
}
