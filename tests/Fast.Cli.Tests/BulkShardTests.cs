using Fast.Cli.Commands;
using Fast.Cli.CommandLine;

namespace Fast.Cli.Tests;

/// <summary><see cref="BulkShard.Resolve"/>: which shard a flag or a job array's environment selects, and the errors.</summary>
public sealed class BulkShardTests
{
    [Theory]
    [InlineData("0", "0", "1", "4", 1)] // --array=0-3
    [InlineData("3", "0", "1", "4", 4)]
    [InlineData("1", "1", "1", "4", 1)] // --array=1-4
    [InlineData("4", "1", "1", "4", 4)]
    [InlineData("15", "5", "5", "3", 3)] // --array=5-15:5 -> 5, 10, 15
    [InlineData("2", null, null, "3", 3)] // no MIN/STEP: 0-based, step 1
    public void Slurm_task_id_maps_to_a_1_based_shard(string id, string? min, string? step, string count, int expected)
    {
        var env = new Dictionary<string, string?>
        {
            ["SLURM_ARRAY_TASK_ID"] = id,
            ["SLURM_ARRAY_TASK_MIN"] = min,
            ["SLURM_ARRAY_TASK_STEP"] = step,
            ["SLURM_ARRAY_TASK_COUNT"] = count,
        };

        var shard = BulkShard.Resolve(null, null, env.GetValueOrDefault, out string? origin);

        Assert.Equal((expected, int.Parse(count, System.Globalization.CultureInfo.InvariantCulture)), shard);
        Assert.StartsWith("SLURM_ARRAY_TASK_ID=" + id, origin, StringComparison.Ordinal);
    }

    [Fact]
    public void The_flag_wins_over_the_environment_and_no_environment_means_the_whole_plan()
    {
        var env = new Dictionary<string, string?> { ["SLURM_ARRAY_TASK_ID"] = "0", ["SLURM_ARRAY_TASK_COUNT"] = "4", ["JOB_COMPLETION_INDEX"] = "1" };
        Assert.Equal((2, 3), BulkShard.Resolve("2/3", null, env.GetValueOrDefault, out string? origin));
        Assert.Null(origin);
        Assert.Null(BulkShard.Resolve(null, null, _ => null, out _));
        Assert.Equal((2, 5), BulkShard.Resolve(null, "5", new Dictionary<string, string?> { ["JOB_COMPLETION_INDEX"] = "1" }.GetValueOrDefault, out _));
    }

    [Theory]
    [InlineData("SLURM_ARRAY_TASK_ID=4,SLURM_ARRAY_TASK_COUNT=4", null, "not task")] // past the last task of --array=0-3
    [InlineData("SLURM_ARRAY_TASK_ID=7,SLURM_ARRAY_TASK_MIN=5,SLURM_ARRAY_TASK_STEP=5,SLURM_ARRAY_TASK_COUNT=3", null, "regular array")]
    [InlineData("SLURM_ARRAY_TASK_ID=1", null, "SLURM_ARRAY_TASK_COUNT")]
    [InlineData("SLURM_ARRAY_TASK_ID=x,SLURM_ARRAY_TASK_COUNT=4", null, "integer")]
    [InlineData("JOB_COMPLETION_INDEX=0", null, "--shard-count N or FASTMERGE_SHARD_COUNT")]
    [InlineData("JOB_COMPLETION_INDEX=3", "3", "outside 1..3")]
    [InlineData("", "3", "needs JOB_COMPLETION_INDEX")]
    public void Unusable_environment_is_a_usage_error_naming_the_variable(string variables, string? countFlag, string message)
    {
        Dictionary<string, string?> env = variables.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => v.Split('='))
            .ToDictionary(kv => kv[0], kv => (string?)kv[1], StringComparer.Ordinal);

        var error = Assert.Throws<UsageException>(() => BulkShard.Resolve(null, countFlag, env.GetValueOrDefault, out _));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
