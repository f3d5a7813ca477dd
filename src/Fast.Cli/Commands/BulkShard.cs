using System.Globalization;
using Fast.Cli.CommandLine;

namespace Fast.Cli.Commands;

/// <summary>
/// Which shard of a bulk plan this process runs: <c>--shard I/N</c>, or, when it is not given, the index of a job
/// array task, so that one command line serves every task of a cluster job:
/// <list type="bullet">
/// <item>Slurm (<c>sbatch --array=A-B[:S]</c>): shard (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN) / STEP + 1 of
/// SLURM_ARRAY_TASK_COUNT. The array may start at any index (0 and 1 are both common), hence the MIN.</item>
/// <item>Kubernetes Indexed Job: shard JOB_COMPLETION_INDEX + 1 of <c>--shard-count N</c> or FASTMERGE_SHARD_COUNT
/// (Kubernetes does not tell a pod the job's completions, so the manifest passes it).</item>
/// </list>
/// Shards are disjoint and cover the plan (<see cref="Fast.Merging.Bulk.BulkPlan.Shard"/>); with <c>--resume</c> a
/// task that is run again after a node was lost skips the outputs it finished.
/// </summary>
internal static class BulkShard
{
    public const string CountVariable = "FASTMERGE_SHARD_COUNT";

    /// <summary>The shard to run (null: the whole plan) and, when it came from the environment, where from.</summary>
    public static (int Index, int Count)? Resolve(string? flag, string? countFlag, Func<string, string?> environment, out string? origin)
    {
        origin = null;
        if (flag is not null)
        {
            return countFlag is null
                ? Parse(flag)
                : throw new UsageException("bulk: --shard-count is for a Kubernetes JOB_COMPLETION_INDEX; with --shard I/N give N there");
        }

        if (environment("SLURM_ARRAY_TASK_ID") is { } slurmId)
        {
            int id = Integer("SLURM_ARRAY_TASK_ID", slurmId);
            int count = Integer("SLURM_ARRAY_TASK_COUNT", environment("SLURM_ARRAY_TASK_COUNT")
                ?? throw new UsageException("bulk: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; pass --shard I/N"));
            int min = environment("SLURM_ARRAY_TASK_MIN") is { } m ? Integer("SLURM_ARRAY_TASK_MIN", m) : 0;
            int step = environment("SLURM_ARRAY_TASK_STEP") is { } s ? Integer("SLURM_ARRAY_TASK_STEP", s) : 1;
            int offset = id - min;
            if (step < 1 || offset < 0 || offset % step != 0 || offset / step >= count)
            {
                throw new UsageException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"bulk: SLURM_ARRAY_TASK_ID {id} is not task k*{step}+{min} (k < {count}) of a regular array; use --array=A-B[:S] or pass --shard I/N"));
            }

            origin = string.Create(CultureInfo.InvariantCulture, $"SLURM_ARRAY_TASK_ID={id} (min {min}, step {step}, count {count})");
            return Checked(offset / step + 1, count, origin);
        }

        if (environment("JOB_COMPLETION_INDEX") is { } jobIndex)
        {
            int index = Integer("JOB_COMPLETION_INDEX", jobIndex);
            string countText = countFlag ?? environment(CountVariable)
                ?? throw new UsageException($"bulk: JOB_COMPLETION_INDEX is set: give the job's completions as --shard-count N or {CountVariable}");
            int count = Integer(countFlag is null ? CountVariable : "--shard-count", countText);
            origin = string.Create(CultureInfo.InvariantCulture, $"JOB_COMPLETION_INDEX={index} (count {count})");
            return Checked(index + 1, count, origin);
        }

        return countFlag is null
            ? null
            : throw new UsageException("bulk: --shard-count needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job); otherwise use --shard I/N");
    }

    private static (int Index, int Count) Parse(string text)
    {
        string[] parts = text.Split('/');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int count)
            && count >= 1 && index >= 1 && index <= count
                ? (index, count)
                : throw new UsageException($"bulk: --shard must be I/N with 1 <= I <= N, got '{text}'");
    }

    private static (int Index, int Count) Checked(int index, int count, string origin) =>
        count >= 1 && index >= 1 && index <= count
            ? (index, count)
            : throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"bulk: {origin} gives shard {index}/{count}, outside 1..{count}"));

    private static int Integer(string name, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new UsageException($"bulk: {name} must be an integer, got '{text}'");
}
