using Fast.Cli.CommandLine;
using Fast.SafeTensors;

namespace Fast.Cli.Tests;

/// <summary>
/// Issue 17: the documented exit-code table, one test per class. The process-level runs of 3 (file-size limit, full
/// device) and 130/143/129 (signals) are in OutOfSpaceCliTests and HostileEnvironmentCliTests; here the mapping itself
/// is checked for every class, and 0, 1 and 2 are run as a user would.
/// </summary>
public sealed class ExitCodeTableTests : IClassFixture<SyntheticModels>, IDisposable
{
    private readonly SyntheticModels _models;
    private readonly TempDir _dir = new();

    public ExitCodeTableTests(SyntheticModels models) => _models = models;

    [Fact]
    public void The_table_lists_each_class_once_in_order()
    {
        Assert.Equal([0, 1, 2, 3, 70, 130], ExitCodeTable.Rows.Select(r => r.Code));
        Assert.Equal(
            [ExitCodes.Ok, ExitCodes.ProblemsFound, ExitCodes.Usage, ExitCodes.OutOfSpace, ExitCodes.InternalError, ExitCodes.Cancelled],
            ExitCodeTable.Rows.Select(r => r.Code));
    }

    [Fact]
    public void The_c_abi_column_names_statuses_fastmerge_h_defines_with_those_values()
    {
        string header = File.ReadAllText(RepositoryFiles.PathOf("native-compat", "include", "fastmerge.h"));
        foreach (ExitCodeTable.Row row in ExitCodeTable.Rows)
        {
            foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(row.CStatus, @"(FM_\w+) \((\d+)"))
            {
                Assert.Contains($"#define {m.Groups[1].Value} {m.Groups[2].Value}\n", header, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Zero_done()
    {
        CliRunner.Result r = CliRunner.Run("check", _models.Sd1A, "--no-nan-scan");
        Assert.True(r.ExitCode == 0, r.StdOut + r.StdErr);
    }

    [Fact]
    public void One_findings()
    {
        string junk = _dir.File("junk.safetensors");
        Assert.Equal(0, CliRunner.Run("synth", "--arch", "sd1", "--scale", "64", "--junk", "-o", junk).ExitCode);
        CliRunner.Result r = CliRunner.Run("check", junk, "--no-nan-scan");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("problem(s)", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_usage_or_bad_input()
    {
        Assert.Equal(2, CliRunner.Run("merge", "--alpah", "1").ExitCode);
        Assert.Equal(2, CliRunner.Run("inspect", _dir.File("missing.safetensors")).ExitCode);
        Assert.Equal(ExitCodes.Usage, Reported(() => throw new UsageException("bad flag")));
    }

    [Fact]
    public void Three_no_room_for_the_output()
    {
        Assert.Equal(3, Reported(() => throw new SafeTensorsWriteException("o.safetensors", WriteFailure.OutOfSpace, "no space left on the device")));
        Assert.Equal(3, Reported(() => throw new AggregateException(new SafeTensorsWriteException("o.safetensors", WriteFailure.OutOfSpace, "full"))));
    }

    [Fact]
    public void Seventy_internal_error()
    {
        Assert.Equal(70, Reported(() => throw new InvalidOperationException("a bug")));
        Assert.Equal(70, Reported(() => throw new KeyNotFoundException("a lookup that cannot fail did")));
    }

    [Fact]
    public void One_hundred_thirty_interrupted()
    {
        Assert.Equal(130, Reported(() => throw new OperationCanceledException()));
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>The exit code <see cref="ErrorReporter"/> gives a command that fails this way (its stderr line is discarded).</summary>
    private static int Reported(Func<int> command)
    {
        TextWriter stderr = Console.Error;
        Console.SetError(TextWriter.Null);
        try
        {
            return ErrorReporter.Run(command);
        }
        finally
        {
            Console.SetError(stderr);
        }
    }
}
