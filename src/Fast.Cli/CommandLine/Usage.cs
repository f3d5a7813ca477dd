using Fast.Merging.Methods;

namespace Fast.Cli.CommandLine;

/// <summary>The text of <c>fastmerge --help</c>; the mode and calcmode names come from the catalogs.</summary>
internal static class Usage
{
    private static readonly string Modes = string.Join('|', MergeModeCatalog.All.Select(e => e.ShortName));

    // Quoted where a name has a space (smoothAdd MT), so the line can be pasted into a shell.
    private static readonly string CalcModes = string.Join('|', CalcModeCatalog.DisplayNames.Select(n => n.Contains(' ', StringComparison.Ordinal) ? $"\"{n}\"" : n));

    public static readonly string Text = $$"""
        fastmerge: fast, exact Stable Diffusion checkpoint merging (safetensors)

        usage:
          fastmerge demo [--dir DIR] [--scale N]
              generate three SD1.5-layout checkpoints, merge them (block-weighted add difference) and repair
              their position ids (the README's first command)
          fastmerge merge -a A -b B [-c C] -o OUT [--mode {{Modes}}] [--calc {{CalcModes}}]
              [--alpha X] [--beta Y] [--gamma G]
              [--weights-alpha LIST|PRESET] [--weights-beta LIST|PRESET] [--weights-a LIST] [--weights-b LIST]
              [--seed N] [--random-round D] [--random-upper LIST] [--random-lower LIST]   (R, U, X entries in a list)
              [--elemental "BLOCKS:ELEMENTS:RATIO,..."] [--adjust "IN,OUT,OUT2,CONT,BRI,COL1,COL2,COL3"] [--old-calc]
              [--position-ids reset|keep|merge] [--dtype keep|fp16|bf16|fp32|fp8_e4m3|fp8_e5m2]
              [--exclude ITEMS] [--include ITEMS] [--device auto|cpu|gpu] [--threads N] [--no-mmap]
              [--overwrite] [--json] [--no-output-hash] [--no-fsync] [--meta KEY=VALUE ...]
              merge two or three checkpoints into a new file, streaming (temp file + rename); the file is
              flushed to disk before the rename unless --no-fsync (then it is written as cp writes);
              -o DIR/ names the file from the recipe (A_x_B_ws0.3_<hash8>.safetensors)
          fastmerge merge --mode slerp|ties|dare|dare_ties|model_stock|weighted_sum|add_difference -o OUT
                         [-a A -b B [-c C]] [--base BASE] [--models M1 M2 ...] [--t T] [--density D] [--lambda L]
                         [--weights W1 W2 ...] [--seed N] [--normalize true|false] [--dtype ...] [--threads N] [--no-mmap]
          fastmerge merge --recipe FILE.json -o OUT      fastmerge merge --from-metadata MERGED -o OUT
              N-model methods and recipe graphs (docs/methods.md, docs/recipes.md); t, density, lambda and each
              weight take a number or a block list/preset; the recipe is recorded in OUT's metadata (fastmerge.graph)
          fastmerge bulk PLAN [--shard I/N | --shard-count N] [--resume] [--sink files|hash|null] [--max-memory SIZE] [--threads N]
                         [--no-mmap] [--overwrite] [--json] [--no-output-hash] [--no-fsync]
          fastmerge bulk -a A -b B [-b B2 ...] [-c C] --out-dir DIR [--alpha START:STOP:STEP] [--weights-alpha LIST ...]
                         [--mode M ...] [--calc C ...] (other merge flags, and the PLAN form's flags)
              many merges over the same models, each input read once: PLAN is JSON Lines (recipe JSON plus "out")
              without --shard, a Slurm array task runs its shard (SLURM_ARRAY_TASK_ID, _MIN, _COUNT) and a
              Kubernetes Indexed Job pod shard JOB_COMPLETION_INDEX+1 of --shard-count N (or FASTMERGE_SHARD_COUNT)
          fastmerge synth --arch sd1|sd1-inpaint|sd2|sdxl|flux|sd3|sd3.5 -o OUT [--scale N] [--dtype fp16|bf16|fp32]
                          [--seed S] [--ema] [--junk] [--overwrite]
              write a synthetic checkpoint with the real key names and shapes
          fastmerge inspect FILE [--json] [--no-mmap] [--lineage]
              tensor count, dtypes, sizes and metadata of a safetensors file or PyTorch checkpoint;
              --lineage: the merge history it records (A1111's sd_merge_models), as a tree
          fastmerge check FILE|DIR ... [--json] [--no-nan-scan]
              architecture, components, missing/unknown keys, position ids, junk, EMA, float64, NaN/Inf, hashes;
              several files or a folder's *.safetensors in one call (JSON Lines with --json, errors as JSON too)
          fastmerge fix FILE -o OUT [--position-ids reset|keep] [--prune] [--dtype keep|fp16|bf16|fp32|fp8_e4m3|fp8_e5m2]
                        [--vae FILE] [--clip FILE] [--rename-nai] [--nan-to-num] [--overwrite]
              write a repaired copy (the input is never written)
          fastmerge extract FILE --component unet|vae|clip -o OUT [--overwrite]
              write one component as its own file
          fastmerge diff A B [--json] [--html REPORT.html] [--device cpu|gpu] [--threads N] [--overwrite]
              where two models differ: L2 of B - A (also relative to A), cosine and max |B - A| per block of the
              U-Net/transformer, per layer of the text encoders and VAE, and per tensor; --html draws the blocks
          fastmerge presets [--json]
              the block-weight presets --weights-alpha/--weights-beta take by name (GRAD_V, FLAT_25, ...), with their values
          fastmerge hash FILE [--json]
              sha256, AutoV2, legacy hash (AutoV1) and a content hash per component
          fastmerge convert FILE -o OUT [--dtype keep|fp16|bf16|fp32|fp8_e4m3|fp8_e5m2] [--prune] [--overwrite]
              a PyTorch .ckpt/.pt/.pth/.bin (read without running its pickle) written as safetensors
          fastmerge lora bake MODEL LORA[:STRENGTH[:PRESET|LIST]] ... -o OUT [--dtype keep|fp16|bf16|fp32|fp8_e4m3|fp8_e5m2]
                        [--threads N] [--overwrite] [--no-mmap] [--no-fsync]
              add kohya-ss LoRA/LoCon, PEFT lora_A/lora_B and LyCORIS LoHa/LoKr files into the model (W += strength*alpha/rank*up*down, binary32, rounded once);
              PRESET or a 12/17/20/26-value list sets supermerger's per-block LoRA strengths
          fastmerge lora extract TUNED BASE --rank R -o OUT [--conv-rank R] [--clamp-quantile Q | --no-clamp]
                        [--min-diff X] [--dtype fp32|fp16|bf16] [--threads N] [--overwrite] [--no-mmap]
              a kohya-ss LoRA from TUNED - BASE by truncated SVD per layer (as extract_lora_from_models.py)
          fastmerge lora merge LORA[:STRENGTH[:PRESET|LIST]] ... -o OUT [--mode sum|concat] [--same-strength]
                        [--dtype fp32|fp16|bf16] [--overwrite] [--no-mmap]
              one LoRA from several: same-rank sum (kohya merge_lora.py) or exact rank concatenation
          fastmerge slothful plan --model sd15|sdxl|sd2 --size WxH [--steps 999,800,...] [--compat fixed|2023|2025]
                        [--mode 1D_AVG|1D_MAX|2D_AVG|2D_MAX] [--k-blend W] [--v-blend W] [--peak-time P] [--time-decay D]
                        [--in-slothful S] [--out-slothful S] [--in-depth-decay D] [--out-depth-decay D]
              SlothfulAttention K/V pooling per attention layer: windows and token counts per step
          fastmerge slothful replay GOLDEN -o OUT [--lerp fused|unfused] [--threads N] [--device cpu|gpu|ilgpu-cpu] [--overwrite]
              recompute a reference.py golden file's cases and schedule tables (for --check)

        exit codes: 0 ok, 1 problems found (check) or failed variants (bulk), 2 bad input or usage, 3 no room for the output (disk full, ulimit -f, quota), 70 internal error, 130 cancelled

        """;
}
