/*
 * fastmerge.h: C API of libfastmerge.so, FastMerge's Stable Diffusion checkpoint merger compiled with
 * .NET NativeAOT (CPU SIMD kernels; no GPU code and no .NET installation needed at run time).
 *
 * Build the library with native-compat/build-native.sh (or take it from a release); compile and link with
 *   cc app.c $(pkg-config --cflags --libs fastmerge)
 * The library's SONAME is libfastmerge.so.<MAJOR>: releases with the same major version keep every declaration
 * below (new functions and new status codes may be added; callers must treat an unknown status as a failure).
 *
 * Conventions
 *   - Strings are NUL-terminated UTF-8, in and out.
 *   - Every call that does work returns an int status (FM_OK or one of FM_E_*). No exception or signal ever
 *     crosses this boundary; on failure fm_last_error() explains it in one line.
 *   - The library is safe to call from several threads at once (each call is independent; last-error
 *     messages are kept per thread).
 *   - Memory handed to the caller (the reports of fm_check_json, fm_bulk_run_json, fm_merge_run_json, fm_fix_run_json and
 *     fm_catalog_json) is released with fm_free().
 *
 * Pointer ownership, for every function below:
 *   - const char* arguments are borrowed for the duration of the call only; the library copies what it keeps.
 *   - `void* user` is never dereferenced by the library: it is passed back to the callback unchanged.
 *   - `char** report_json` out-parameters receive memory the caller owns and must release with fm_free() (once).
 *   - Returned const char* (fm_version, fm_status_string, fm_last_error) belong to the library: never free them.
 */
#ifndef FASTMERGE_H
#define FASTMERGE_H

#include <stdint.h>

/* The version of this header; fm_version() / fm_version_number() give the library's. */
#define FASTMERGE_VERSION_MAJOR 0
#define FASTMERGE_VERSION_MINOR 1
#define FASTMERGE_VERSION_PATCH 0
#define FASTMERGE_VERSION_STRING "0.1.0"
/* MAJOR * 1000000 + MINOR * 1000 + PATCH, comparable with fm_version_number(). */
#define FASTMERGE_VERSION_NUMBER (FASTMERGE_VERSION_MAJOR * 1000000 + FASTMERGE_VERSION_MINOR * 1000 + FASTMERGE_VERSION_PATCH)

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes. */
#define FM_OK 0
/* Bad argument, request JSON, recipe, or model file (missing, unreadable, malformed, incompatible shapes),
 * or the output exists without "overwrite": the caller can fix it; the message says what to change. */
#define FM_E_INPUT 1
/* The progress callback returned non-zero; no output file was left behind. */
#define FM_E_CANCELLED 2
/* A bug in FastMerge; please report the message. */
#define FM_E_INTERNAL 3
/* Reserved: earlier builds returned it from fm_bulk_json before bulk existed; no entry point returns it now. */
#define FM_E_UNAVAILABLE 4
/* No room for the output (device full, file-size limit, quota): nothing was written, and the same call succeeds
 * once there is room. Any other failure to open or read a file is FM_E_INPUT, as the CLI reports it (exit 2). */
#define FM_E_IO 5

/*
 * Progress callback: `done` of `total` output bytes are finished. Return 0 to continue, non-zero to cancel.
 * It may be called from a worker thread, but never concurrently with itself; `done` only increases; after it
 * returns non-zero it is not called again for that operation. It must not call back into this library.
 */
typedef int (*fm_progress_cb)(int64_t done, int64_t total, void* user);

/* Library version, e.g. "0.1.0". Static storage: never free it. */
const char* fm_version(void);

/*
 * Library version as MAJOR * 1000000 + MINOR * 1000 + PATCH (FASTMERGE_VERSION_NUMBER of the header it was built
 * with). A program checks at start-up that the library it loaded is the major version it was compiled against:
 *   if (fm_version_number() / 1000000 != FASTMERGE_VERSION_MAJOR) ...
 */
int fm_version_number(void);

/*
 * A short constant description of a status code, e.g. fm_status_string(FM_E_IO) == "I/O failure"; an unknown code
 * gives "unknown status". Static storage: never free it. For the reason of a particular failure use fm_last_error().
 */
const char* fm_status_string(int status);

/*
 * The exit code the fastmerge CLI gives for the outcome `status` reports: FM_OK 0, FM_E_INPUT 2, FM_E_IO 3,
 * FM_E_INTERNAL 70, FM_E_CANCELLED 130 (the CLI's table in docs/cli.md, "Exit codes"); any other code gives 70. For a
 * host that wraps the library in its own command line and wants to exit as fastmerge would.
 */
int fm_exit_code(int status);

/*
 * Message of the calling thread's last failed call ("" when the last call succeeded). Valid until the next
 * fm_* call on the same thread; copy it to keep it. Never free it.
 */
const char* fm_last_error(void);

/*
 * Merges checkpoints into a safetensors file: every mode and calcmode of the CLI, block weights, position-ids
 * policy, output dtype, recipe/A1111 metadata with the inputs' hashes. Computes on the CPU SIMD kernels (the CLI's
 * GPU path gives the same bytes). Inputs are hashed through the CLI's cache ($FASTMERGE_CACHE_DIR, else
 * $XDG_CACHE_HOME/fastmerge, else ~/.cache/fastmerge).
 *
 * recipe_json is a merge request:
 *   {
 *     "recipe":    { ... },              required: the CLI's recipe JSON (the value fastmerge writes under
 *                                        "fastmerge.recipe" in an output's metadata), e.g.
 *                                        {"a": {"path": "A.safetensors"}, "b": {"path": "B.safetensors"},
 *                                         "mode": "ws", "alpha": 0.3}
 *                                        members: mode (ws|ad|ts|st|ss), calcmode (normal|cosineA|
 *                                        cosineB|trainDifference|smoothAdd|tensor|tensor2|extract|self|
 *                                        plus random), alpha, beta, gamma, weights_alpha, weights_beta
 *                                        (lists may hold supermerger's random entries R, U, X),
 *                                        scaled_sum_weights_a, scaled_sum_weights_b, seed (R/U/X entries and
 *                                        plus random), random_digits, random_upper, random_lower, elemental,
 *                                        adjust, old_calc, position_ids (reset|keep|merge),
 *                                        dtype (keep|fp16|bf16|fp32|fp8_e4m3|fp8_e5m2),
 *                                        exclude, include (string arrays), a, b, c ({"path": ..., "sha256": ...});
 *                                        unknown members are an error naming the closest known one
 *                                        ("unknown parameter 'alhpa' (did you mean 'alpha'?)"); fm_catalog_json
 *                                        lists the names
 *     "output":    "out.safetensors",   required; written under a temporary name and renamed when complete
 *     "overwrite": false,                optional: replace an existing output (also allows output == an input)
 *     "threads":   0,                    optional: worker threads, 0 = one per core
 *     "no_mmap":   false                 optional: read with positional reads instead of mapping (network drives)
 *   }
 * Unknown top-level members are an error. cb may be NULL. The output is byte-identical to `fastmerge merge`
 * with the same inputs and recipe. Returns FM_OK, FM_E_INPUT, FM_E_CANCELLED, FM_E_IO or FM_E_INTERNAL.
 */
int fm_merge_json(const char* recipe_json, fm_progress_cb cb, void* user);

/*
 * fm_merge_json with the merge's summary: on FM_OK *report_json receives (free it with fm_free)
 *   {"output", "sha256" (null when not hashed), "tensors", "merged", "copied", "device", "seconds",
 *    "warnings": ["..."]}
 * "warnings" holds what the caller should be told although the merge ran, e.g. an input whose sha256 differs from
 * the one the recipe records (a recipe re-run from an output's "fastmerge.recipe" on a changed file). Otherwise
 * *report_json is NULL. Statuses as fm_merge_json.
 */
int fm_merge_run_json(const char* request_json, fm_progress_cb cb, void* user, char** report_json);

/*
 * Runs many merges over the same models in one pass over the inputs, as `fastmerge bulk PLAN`: plan_jsonl is
 * JSON Lines, one variant per line, each a recipe in the schema of fm_merge_json's "recipe" plus "out" (the
 * output path), e.g.
 *   {"a": {"path": "A.safetensors"}, "b": {"path": "B.safetensors"}, "mode": "ws", "alpha": 0.3, "out": "v1.safetensors"}
 * Each input tensor is read once for all variants (per memory wave); every output is byte-identical to
 * fm_merge_json of its recipe and appears only when complete; existing outputs are refused (per variant).
 * cb receives bytes done/total over all variants; a non-zero return cancels (finished outputs are kept).
 * Returns FM_OK when every variant was written. A bad line, or variants that failed (missing model, incompatible
 * shapes, existing output), give FM_E_INPUT with every problem in fm_last_error(); the other variants were still
 * written. Also FM_E_CANCELLED, FM_E_IO or FM_E_INTERNAL.
 */
int fm_bulk_json(const char* plan_jsonl, fm_progress_cb cb, void* user);

/*
 * fm_bulk_json with the run options of `fastmerge bulk` and its summary. options_json may be NULL (the defaults) or
 *   {"sink": "files"|"hash"|"null", "resume": false, "overwrite": false, "shard_index": 1, "shard_count": 1,
 *    "max_memory": "2G", "threads": 0, "no_mmap": false}
 * ("hash" writes nothing and reports the sha256 each output file would have; "resume" skips outputs that exist with
 * the same recipe; shard I of N runs a deterministic 1/N of the variants). On FM_OK, and on FM_E_INPUT caused by
 * failed variants, *report_json receives the summary of `fastmerge bulk --json` (free it with fm_free):
 *   {"sink", "waves", "bytes", "seconds", "done", "skipped", "failed",
 *    "variants": [{"index", "line", "out", "status": "done"|"skipped"|"failed", "sha256", "error"}]}
 * Otherwise *report_json is NULL.
 */
int fm_bulk_run_json(const char* plan_jsonl, const char* options_json, fm_progress_cb cb, void* user, char** report_json);

/*
 * The model doctor's check of a safetensors file (read only): architecture and components, missing/unknown keys,
 * CLIP position ids (corrupt token indexes, missing token numbers, drifting indexes), junk and EMA keys, float64
 * tensors, NaN/Inf counts, file hashes (sha256, AutoV2, legacy AutoV1) and a content hash per component.
 * On FM_OK *report_json is one JSON object in the schema of `fastmerge check --json` ("schema":
 * "fastmerge.check/1"; its "healthy" member says whether problems were found: a model with problems is still
 * FM_OK). The string is malloc'd by the library: release it with fm_free. *report_json is set to NULL first and
 * stays NULL on failure. Returns FM_OK, FM_E_INPUT (missing, unreadable or malformed file; NULL argument),
 * FM_E_IO or FM_E_INTERNAL.
 */
int fm_check_json(const char* path, char** report_json);

/*
 * Writes a repaired copy of a checkpoint (`fastmerge fix`); the input is never written. options_json:
 *   {
 *     "input":        "in.safetensors",   required
 *     "output":       "out.safetensors",  required; written atomically; may not be an input
 *     "position_ids": "reset",            optional: reset (int64 [[0..n-1]]) or keep
 *     "prune":        false,              optional: drop the EMA copy and keys no loader uses
 *     "dtype":        "keep",             optional: keep|fp16|bf16|fp32|fp8_e4m3|fp8_e5m2 for floating tensors
 *     "vae":          null,               optional: a VAE or checkpoint whose VAE replaces this one's
 *     "clip":         null,               optional: a checkpoint or text encoder whose text encoder(s) replace this one's
 *     "rename_nai":   false,              optional: NAI-style CLIP keys to the standard names
 *     "nan_to_num":   false,              optional: NaN -> 0, +-Inf -> largest finite (torch.nan_to_num)
 *     "overwrite":    false,              optional: replace an existing output
 *     "no_mmap":      false               optional: positional reads instead of mapping
 *   }
 * Unknown members are an error. Returns FM_OK, FM_E_INPUT, FM_E_IO or FM_E_INTERNAL.
 */
int fm_fix_json(const char* options_json);

/*
 * fm_fix_json with what it changed: on FM_OK *report_json receives (free it with fm_free)
 *   {"output", "tensors", "position_ids_reset", "pruned", "converted", "renamed", "vae_replaced", "clip_replaced",
 *    "non_finite_replaced"}
 * Otherwise *report_json is NULL. Statuses as fm_fix_json.
 */
int fm_fix_run_json(const char* options_json, char** report_json);

/*
 * The names this library accepts, from its own catalogs (free the string with fm_free):
 *   {"modes": ["ws", ...], "calcmodes": ["normal", ..., "self", "plus random"], "calcmode_aliases": {"smoothAdd MT": "smoothAdd"},
 *    "seeded_calcmodes": ["plus random"], "presets": ["GRAD_V", ...], "dtypes": ["keep", ...],
 *    "recipe_parameters": ["mode", "calcmode", "alpha", ...]}
 * Returns FM_OK, or FM_E_INPUT when report_json is NULL.
 */
int fm_catalog_json(char** report_json);

/*
 * SlothfulAttention K/V pooling (the node's pooling() with a given stride; spec: shared/slothful/SPEC.md §7).
 * x: (batch, n, channels) row-major, channels innermost; dtype 0 = F32, 1 = F16, 2 = BF16 (bit patterns).
 * mode: 0 1D_AVG, 1 1D_MAX, 2 2D_AVG, 3 2D_MAX. h, w: the token grid (h*w == n; 0, 0 allowed for 1D modes).
 * k_blend, v_blend in [0, 1]. compat: 0 fixed, 1 2023 (k=v=1 shortcut), 2 2025 (k=v=0 shortcut).
 * unfused_lerp: 0 = fused multiply-add (torch AVX2/AVX-512 CPU, CUDA), 1 = torch's DEFAULT-capability rounding.
 * threads: 0 = all cores. Writes M (tokens per batch item of K and V) to *m when m is not NULL; with k == NULL
 * nothing else is done, so a caller can size K and V (batch * M * channels elements each). v may be NULL when
 * k_blend == v_blend (V is K). stride <= 1: K (and V) are copies of x (M = n).
 * Returns FM_OK or FM_E_INPUT (sizes, blends, mode, grid: see fm_last_error) or FM_E_INTERNAL.
 */
int fm_slothful_pool(int dtype, const void* x, int64_t batch, int64_t n, int64_t channels, int mode, int h, int w,
                     double stride, double k_blend, double v_blend, int compat, int unfused_lerp, int threads,
                     void* k, int64_t k_bytes, void* v, int64_t v_bytes, int64_t* m);

/*
 * Merges through a recipe graph (`fastmerge merge --recipe`, docs/recipes.md): the N-model methods slerp, ties, dare,
 * dare_ties, model_stock, weighted_sum and add_difference chains, and graphs of them evaluated tensor by tensor.
 * request_json:
 *   {
 *     "recipe":    {"inputs": [{"name": "base", "path": "base.safetensors"}, ...],
 *                   "merges": [{"name": "out", "method": "ties", "base": "base", "models": ["m1", "m2"],
 *                               "density": 0.5, "lambda": 1, "weights": [1, 0.5]}],
 *                   "output": "out", "dtype": "keep"}          required (docs/recipes.md, docs/methods.md)
 *     "output":    "out.safetensors",   required; written under a temporary name and renamed when complete
 *     "overwrite": false, "threads": 0, "no_mmap": false       optional, as fm_merge_json
 *   }
 * The recipe (with the inputs' sha256) is recorded under "fastmerge.graph" in the output's metadata. cb may be NULL;
 * it receives output bytes done after each tensor (a non-zero return cancels). The output is byte-identical to `fastmerge merge
 * --recipe`. Returns FM_OK, FM_E_INPUT, FM_E_CANCELLED, FM_E_IO or FM_E_INTERNAL.
 */
int fm_merge_graph_json(const char* request_json, fm_progress_cb cb, void* user);

/*
 * Bakes kohya-ss LoRA/LoCon files into a checkpoint (`fastmerge lora bake`). options_json:
 *   {
 *     "model":     "model.safetensors",           required
 *     "loras":     ["a.safetensors:0.8", "b.safetensors:0.5:OUTALL"],  required: FILE[:STRENGTH[:PRESET|LIST]] each
 *     "output":    "out.safetensors",             required; written atomically; may not be an input
 *     "dtype":     "keep",                        optional: keep|fp16|bf16|fp32|fp8_e4m3|fp8_e5m2
 *     "threads":   0,                             optional: 0 = one per processor
 *     "overwrite": false, "no_mmap": false        optional
 *   }
 * Returns FM_OK, FM_E_INPUT (a LoRA that does not fit, a bad strength), FM_E_IO or FM_E_INTERNAL.
 */
int fm_lora_bake_json(const char* options_json);

/*
 * Extracts a kohya-ss LoRA from TUNED - BASE by truncated SVD per layer (`fastmerge lora extract`). options_json:
 *   {
 *     "tuned": "tuned.safetensors", "base": "base.safetensors", "output": "lora.safetensors",   required
 *     "rank":           8,      required: rank of linear and 1x1 modules
 *     "conv_rank":      null,   optional: rank of 3x3 convolutions (null: no ResNet/sampler modules)
 *     "clamp_quantile": 0.99,   optional: null turns the clamp off
 *     "min_diff":       0.01,   optional: text encoders only when they differ by more
 *     "dtype":          "fp32", optional: fp32|fp16|bf16
 *     "threads": 0, "overwrite": false, "no_mmap": false   optional
 *   }
 * Returns FM_OK, FM_E_INPUT, FM_E_IO or FM_E_INTERNAL.
 */
int fm_lora_extract_json(const char* options_json);

/*
 * Merges kohya-ss LoRA files into one LoRA (`fastmerge lora merge`). options_json:
 *   {
 *     "loras":         ["a.safetensors:0.8", "b.safetensors:0.5"],  required: FILE[:STRENGTH[:PRESET|LIST]] each
 *     "output":        "merged.safetensors",  required; written atomically; may not be an input
 *     "mode":          "sum",                 optional: sum (same ranks, kohya merge_lora.py) | concat (exact, ranks add)
 *     "same_strength": false,                 optional: sum only, supermerger's "same to Strength"
 *     "dtype":         "fp32",                optional: fp32|fp16|bf16
 *     "overwrite": false, "no_mmap": false    optional
 *   }
 * Returns FM_OK, FM_E_INPUT (ranks that differ under sum, a bad strength), FM_E_IO or FM_E_INTERNAL.
 */
int fm_lora_merge_json(const char* options_json);

/*
 * Releases memory this library handed to the caller (the *report_json strings). NULL is allowed. Call it once per
 * pointer, as with free(): a second fm_free of the same pointer is undefined behaviour (glibc aborts the process when
 * it notices; when it does not, the heap is corrupted); set the pointer to NULL after. Never pass it memory from
 * another allocator, nor the const char* of fm_version, fm_status_string or fm_last_error.
 * To find such a bug: a debug build of the library, or any build with FASTMERGE_DEBUG_ALLOCATIONS=1 in the
 * environment when it loads, registers every block it hands out; fm_free of a pointer that is not live (a double
 * free, or foreign memory) then prints one line ("fastmerge: fm_free(0x...): double free: ...") and aborts the
 * process at that call (SIGABRT), before the heap is touched. Freed blocks are kept in that mode, so use it to debug,
 * not in production.
 */
void fm_free(void* memory);

#ifdef __cplusplus
}
#endif

#endif /* FASTMERGE_H */
