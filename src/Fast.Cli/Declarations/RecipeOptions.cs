using System.CommandLine;
using Fast.Cli.CommandLine;
using Fast.Merging.Methods;

namespace Fast.Cli.Declarations;

/// <summary>The recipe options <c>merge</c> and <c>bulk</c>'s sweep form share (<see cref="RecipeFlags"/> reads them).</summary>
internal static class RecipeOptions
{
    /// <summary>The two-model modes (ws, ad, …) as <c>--mode</c> takes them.</summary>
    public static readonly string Modes = string.Join('|', MergeModeCatalog.All.Select(e => e.ShortName));

    /// <summary>The calcmodes, quoted where a name has a space (smoothAdd MT) so the line can be pasted into a shell.</summary>
    public static readonly string CalcModes = string.Join('|', CalcModeCatalog.DisplayNames.Select(n => n.Contains(' ', StringComparison.Ordinal) ? $"\"{n}\"" : n));

    public static Option[] Shared(bool metaTakesSeveral) =>
    [
        CliOptions.Value("-c", "C", "model C (add difference, triple sum, …)"),
        CliOptions.Value("--beta", "Y", "β, the second ratio (default 0)"),
        CliOptions.Value("--gamma", "G", "γ for the calcmodes that take one (default 0.3)"),
        CliOptions.Value("--weights-beta", "LIST|PRESET", "per-block β: 12/17/20/25/26 values, or a preset name (fastmerge presets)"),
        CliOptions.Value("--weights-a", "LIST", "per-block weights of A for scaled sum"),
        CliOptions.Value("--weights-b", "LIST", "per-block weights of B for scaled sum"),
        CliOptions.Value("--position-ids", "reset|keep|merge", "the text encoder's position ids in the output (default reset)"),
        SharedOptions.DType(),
        CliOptions.Value("--seed", "N", "seed for R/U/X random block weights (0 to 4294967295)"),
        CliOptions.Value("--random-round", "D", "decimal digits random block weights are rounded to"),
        CliOptions.Value("--random-upper", "LIST", "upper bounds of random (R, U, X) block weights"),
        CliOptions.Value("--random-lower", "LIST", "lower bounds of random (R, U, X) block weights"),
        CliOptions.Value("--elemental", "BLOCKS:ELEMENTS:RATIO,...", "supermerger's elemental merge: per-element ratios"),
        CliOptions.Value("--adjust", "IN,OUT,OUT2,CONT,BRI,COL1,COL2,COL3", "supermerger's colour/detail adjustment"),
        CliOptions.Flag("--old-calc", "supermerger's older calculation of the calcmodes that changed"),
        CliOptions.Value("--exclude", "ITEMS", "comma-separated blocks or key patterns to take from A unmerged"),
        CliOptions.Value("--include", "ITEMS", "comma-separated blocks or key patterns: only these are merged"),
        metaTakesSeveral
            ? CliOptions.List("--meta", "KEY=VALUE", "entries added to the output's metadata (several after one --meta, or repeated)")
            : CliOptions.Repeated("--meta", "KEY=VALUE", "an entry added to the output's metadata (repeat for more)"),
    ];
}
