using Fast.Cli.CommandLine;
using Fast.Cli.Commands;

namespace Fast.Cli.Declarations;

/// <summary><c>fastmerge bulk</c>: a PLAN file, a sweep given with flags, or a recipe graph swept over its parameters.</summary>
internal static class BulkDeclaration
{
    public static CliCommand Create()
    {
        var command = new CliCommand("bulk", "many merges over the same models, each input read once")
        {
            Synopsis = "bulk PLAN [options] | bulk -a A -b B [-b B2 ...] --out-dir DIR [options] | bulk --recipe FILE.json --out-dir DIR --sweep ...",
            Handler = BulkCommand.Run,
            Examples =
            [
                "fastmerge bulk plan.jsonl --json",
                "fastmerge bulk -a A.safetensors -b B.safetensors --alpha 0:1:0.25 --out-dir sweep/",
                "fastmerge bulk plan.jsonl --shard 2/8 --resume",
            ],
            Notes = "PLAN is JSON Lines (recipe JSON plus \"out\"). Without --shard, a Slurm array task runs its shard "
                + "(SLURM_ARRAY_TASK_ID, _MIN, _COUNT) and a Kubernetes Indexed Job pod shard JOB_COMPLETION_INDEX+1 of "
                + "--shard-count N (or FASTMERGE_SHARD_COUNT). --out-dir is created when missing.",
        };
        command.Arguments.Add(CliOptions.Positionals("PLAN", "a JSON Lines plan: one recipe plus \"out\" per line", max: 1));
        SharedOptions.AddTo(
            command,
            CliOptions.Value("--shard", "I/N", "run shard I of N (a deterministic 1/N of the variants)"),
            CliOptions.Value("--shard-count", "N", "the number of shards when the index comes from the job array"),
            CliOptions.Flag("--resume", "skip variants whose output is already complete"),
            CliOptions.Value("--sink", "files|hash|null", "where the variants go (default files)"),
            CliOptions.Value("--max-memory", "SIZE", "memory for the variants in flight (e.g. 8G)"),
            SharedOptions.Threads(),
            SharedOptions.NoMmap(),
            SharedOptions.Overwrite(),
            SharedOptions.Json("one line per variant"),
            SharedOptions.NoOutputHash(),
            SharedOptions.NoFsync(),
            CliOptions.Value("-a", "A", "sweep: model A"),
            CliOptions.Repeated("-b", "B", "sweep: model B (repeat for several)"),
            CliOptions.Value("--out-dir", "DIR", "sweep and recipe forms: the folder the variants are written to"),
            CliOptions.Value("--alpha", "START:STOP:STEP", "sweep: α values (a number or a range)"),
            CliOptions.Repeated("--mode", RecipeOptions.Modes, "sweep: a merge mode (repeat for several)"),
            CliOptions.Repeated("--calc", RecipeOptions.CalcModes, "sweep: a calcmode (repeat for several)"),
            CliOptions.Repeated("--weights-alpha", "LIST|PRESET", "sweep: a per-block α list or preset (repeat for several)"),
            CliOptions.Value("--recipe", "FILE.json", "a recipe graph to sweep (docs/recipes.md)"),
            CliOptions.Repeated("--sweep", "MERGE.PARAM=VALUES", "recipe form: a parameter and its values (V1,V2,... or START:STOP:STEP) (repeat for several)"));
        SharedOptions.AddTo(command, RecipeOptions.Shared(metaTakesSeveral: false));
        return command;
    }
}
