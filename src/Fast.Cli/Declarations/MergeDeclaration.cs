using Fast.Cli.CommandLine;
using Fast.Cli.Commands;

namespace Fast.Cli.Declarations;

/// <summary><c>fastmerge merge</c>: both forms (two or three models; N-model methods and recipe graphs) share one command.</summary>
internal static class MergeDeclaration
{
    public static CliCommand Create()
    {
        var command = new CliCommand("merge", "merge two or three checkpoints into a new file, streaming (temp file + rename)")
        {
            Synopsis = "merge -a A -b B [-c C] -o OUT [options]",
            Handler = MergeCommand.Run,
            Examples =
            [
                "fastmerge merge -a A.safetensors -b B.safetensors -o out.safetensors --alpha 0.3",
                "fastmerge merge -a A.safetensors -b B.safetensors -c C.safetensors --mode ad --weights-alpha GRAD_V -o out/",
                "fastmerge merge --mode ties --base base.safetensors --models m1.safetensors m2.safetensors --density 0.5 -o out.safetensors",
            ],
            Notes = "The file is flushed to disk before the rename unless --no-fsync. -o DIR/ names the file from the recipe "
                + "(A_x_B_ws0.3_<hash8>.safetensors). --mode slerp|ties|dare|dare_ties|model_stock, or --models/--base/--weights, "
                + "select the N-model methods (docs/methods.md); --recipe and --from-metadata run a recipe graph (docs/recipes.md). "
                + "t, density, lambda and each weight take a number or a block list/preset.",
        };
        SharedOptions.AddTo(
            command,
            CliOptions.Value("-a", "A", "model A (required in the two-model form)"),
            CliOptions.Value("-b", "B", "model B (required in the two-model form)"),
            SharedOptions.Output("the output file, or DIR/ to name it from the recipe (required)"),
            CliOptions.Value("--mode", RecipeOptions.Modes + "|slerp|ties|dare|dare_ties|model_stock|weighted_sum|add_difference", "the merge mode or N-model method (default ws)"),
            CliOptions.Value("--calc", RecipeOptions.CalcModes, "supermerger's calcmode (default normal)"),
            CliOptions.Value("--alpha", "X", "α, the ratio of B (default 0.5)"),
            CliOptions.Value("--weights-alpha", "LIST|PRESET", "per-block α: 12/17/20/25/26 values, or a preset name (fastmerge presets)"));
        SharedOptions.AddTo(command, RecipeOptions.Shared(metaTakesSeveral: true));
        SharedOptions.AddTo(
            command,
            CliOptions.Value("--device", "auto|cpu|gpu", "where the arithmetic runs (default auto); for the N-model methods and recipe graphs gpu runs their elementwise part on the GPU (docs/methods.md, \"Devices and memory\"), auto and cpu the CPU"),
            SharedOptions.Threads(),
            SharedOptions.NoMmap(),
            SharedOptions.Overwrite(),
            SharedOptions.Json("the summary"),
            SharedOptions.NoOutputHash(),
            SharedOptions.NoFsync(),
            CliOptions.Value("--base", "BASE", "N-model methods: the base model the task vectors are taken from"),
            CliOptions.List("--models", "M1 M2 ...", "N-model methods: the models to merge"),
            CliOptions.Value("--t", "T", "slerp's interpolation factor (number or block list)"),
            CliOptions.Value("--density", "D", "ties/dare: the fraction of each task vector kept"),
            CliOptions.Value("--lambda", "L", "ties/dare: the scale of the merged task vector"),
            CliOptions.List("--weights", "W1 W2 ...", "N-model methods: one weight per model (number or block list)"),
            CliOptions.Value("--normalize", "true|false", "ties/dare: divide by the sum of the weights"),
            CliOptions.Value("--recipe", "FILE.json", "run a recipe graph (docs/recipes.md)"),
            CliOptions.Value("--from-metadata", "MERGED", "re-run the recipe recorded in a merged file's metadata"));
        return command;
    }
}
