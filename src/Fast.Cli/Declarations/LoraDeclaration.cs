using Fast.Cli.CommandLine;
using Fast.Cli.Commands;

namespace Fast.Cli.Declarations;

/// <summary><c>fastmerge lora bake|extract|merge</c>.</summary>
internal static class LoraDeclaration
{
    private const string LoraSpec = "LORA[:STRENGTH[:PRESET|LIST]]";

    public static CliCommand Create()
    {
        var lora = new CliCommand("lora", "LoRA operations: bake LoRAs into a model, extract one from two models, merge several into one")
        {
            Synopsis = "lora bake|extract|merge ...",
            Examples = ["fastmerge lora bake model.safetensors style.safetensors:0.8 -o baked.safetensors"],
            Notes = "docs/lora.md describes the formats (kohya-ss LoRA/LoCon, PEFT, LyCORIS LoHa/LoKr).",
        };
        lora.Subcommands.Add(Bake());
        lora.Subcommands.Add(Extract());
        lora.Subcommands.Add(Merge());
        return lora;
    }

    private static CliCommand Bake()
    {
        var command = new CliCommand("bake", "add LoRA/LoCon, PEFT and LyCORIS LoHa/LoKr files into a model (W += strength·alpha/rank·up·down, binary32, rounded once)")
        {
            Synopsis = $"lora bake MODEL {LoraSpec} ... -o OUT [options]",
            Handler = LoraBakeCommand.Run,
            Examples =
            [
                "fastmerge lora bake model.safetensors style.safetensors:0.8 -o baked.safetensors",
                "fastmerge lora bake model.safetensors a.safetensors:1:GRAD_V b.safetensors:0.5 -o baked.safetensors --dtype fp16",
            ],
            Notes = "PRESET or a 12/17/20/26-value list sets supermerger's per-block LoRA strengths.",
        };
        command.Arguments.Add(CliOptions.Positionals($"MODEL {LoraSpec}", "the model, then each LoRA with its strength and block weights", max: 100_000));
        SharedOptions.AddTo(
            command,
            SharedOptions.Output("the baked model (required)"),
            SharedOptions.DType(),
            SharedOptions.Threads("all cores"),
            SharedOptions.Overwrite(),
            SharedOptions.NoMmap(),
            SharedOptions.NoFsync());
        return command;
    }

    private static CliCommand Extract()
    {
        var command = new CliCommand("extract", "a kohya-ss LoRA from TUNED - BASE by truncated SVD per layer (as extract_lora_from_models.py)")
        {
            Synopsis = "lora extract TUNED BASE --rank R -o OUT [options]",
            Handler = LoraExtractCommand.Run,
            Examples = ["fastmerge lora extract tuned.safetensors base.safetensors --rank 32 -o extracted.safetensors"],
        };
        command.Arguments.Add(CliOptions.Positionals("TUNED BASE", "the fine-tuned model and the model it was tuned from", max: 2));
        SharedOptions.AddTo(
            command,
            CliOptions.Value("--rank", "R", "the rank of the linear layers (1 to 4096, required)"),
            SharedOptions.Output("the LoRA file (required)"),
            CliOptions.Value("--conv-rank", "R", "the rank of the 3x3 convolutions (default: none extracted)"),
            CliOptions.Value("--clamp-quantile", "Q", "clamp the factors at this quantile of their magnitudes (default 0.99)"),
            CliOptions.Flag("--no-clamp", "do not clamp the factors"),
            CliOptions.Value("--min-diff", "X", "layers whose largest difference is below X are left out (default 0.01)"),
            CliOptions.Value("--dtype", "fp32|fp16|bf16", "the LoRA's type (default fp32)"),
            SharedOptions.Threads("all cores"),
            SharedOptions.Overwrite(),
            SharedOptions.NoMmap());
        return command;
    }

    private static CliCommand Merge()
    {
        var command = new CliCommand("merge", "one LoRA from several: same-rank sum (kohya merge_lora.py) or exact rank concatenation")
        {
            Synopsis = $"lora merge {LoraSpec} ... -o OUT [options]",
            Handler = LoraMergeCommand.Run,
            Examples = ["fastmerge lora merge a.safetensors:0.6 b.safetensors:0.4 -o ab.safetensors --mode concat"],
        };
        command.Arguments.Add(CliOptions.Positionals(LoraSpec, "each LoRA with its strength and block weights", max: 100_000));
        SharedOptions.AddTo(
            command,
            SharedOptions.Output("the merged LoRA (required)"),
            CliOptions.Value("--mode", "sum|concat", "sum same-rank LoRAs, or concatenate their ranks (default sum)"),
            CliOptions.Flag("--same-strength", "apply each strength to both factors as kohya's merge_lora.py does"),
            CliOptions.Value("--dtype", "fp32|fp16|bf16", "the LoRA's type (default fp32)"),
            SharedOptions.Overwrite(),
            SharedOptions.NoMmap());
        return command;
    }
}
