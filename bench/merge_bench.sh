#!/usr/bin/env bash
# Side-by-side merge benchmarks (merge issue): FastMerge vs the I/O floor vs the PyTorch/scipy reference,
# all in one run on the same generated full-size models.
#
#   bench/merge_bench.sh [ws] [ad] [smooth] [sdxl-mem]      (default: ws smooth sdxl-mem)
#
#   ws        SD1.5-layout fp16 weighted sum with a 26-value list, warm page cache:
#             FastMerge --no-fsync time / I/O floor (`cp A OUT` + reading B once), FastMerge default (flushes the
#             output before renaming it) / the same floor followed by `sync OUT`, and PyTorch reference time /
#             FastMerge --no-fsync (the reference does not flush either).
#   ad        the same for add difference (A + (B - C)·α, 26-value list); floor `cp A OUT` + reading B and C.
#   smooth    SD1.5-layout add difference + smoothAdd: FastMerge on the full model; the reference (scipy)
#             on an evenly spread subset of keys, extrapolated by element count (reference is per element
#             linear: every key runs the same median + gaussian per element).
#   readpath  this build's input reads (pread) against BENCH_BASELINE_FASTMERGE's (mapped), same models, interleaved
#             (READPATH_SCALE=16 READPATH_RUNS=3 for a smoke run).
#   sdxl-mem  SDXL-layout fp16 weighted sum: peak RssAnon (private anonymous memory) sampled every 20 ms
#             from /proc/PID/status.
#
# Prints a table and appends it, with date and CPU, to bench/RESULTS.md. Work files live in
# $FASTMERGE_BENCH_DIR (default /tmp/fastmerge-bench) and are kept between runs (delete to regenerate).
# bench/compare.sh sets BENCH_ROWS_FILE (rows are appended there too) and BENCH_NO_APPEND=1 (it writes
# RESULTS.md itself, as one table).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
sections=("$@")
[ ${#sections[@]} -gt 0 ] || sections=(ws smooth sdxl-mem)
py=/usr/bin/python3
ref=native-compat/reference/reference_merge.py
list26=0.5,1,0.9,0.8,0.7,0.6,0.5,0.4,0.3,0.2,0.1,0,0,0.5,0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1,0.5

fastmerge_build
model() { # arch seed dtype path
  [ -f "$4" ] || fm synth --arch "$1" --seed "$2" --dtype "$3" -o "$4" >/dev/null
}

for section in "${sections[@]}"; do
  case "$section" in
  ws | ad)
    a=$work/sd1-a.safetensors b=$work/sd1-b.safetensors c=$work/sd1-c.safetensors
    model sd1 1 fp16 "$a"; model sd1 2 fp16 "$b"
    recipe=(--mode ws --weights-alpha "$list26") reads=("$b") label="SD1.5 fp16 ws, 26-value list" floor_label="cp A OUT + read B"
    if [ "$section" = ad ]; then
      model sd1 3 fp16 "$c"
      recipe=(--mode ad --weights-alpha "$list26") reads=("$b" "$c") label="SD1.5 fp16 add difference, 26-value list" floor_label="cp A OUT + read B and C"
    fi
    [ "$section" = ad ] && c_args=(-c "$c") || c_args=()
    warm "$a" "${reads[@]}"   # input hashes: the first merge caches them (path/size/mtime); best of 3 is a re-run
    # Two like-for-like pairs: FastMerge --no-fsync against `cp` (neither flushes the output to the device), and
    # FastMerge's default (flushes before the rename, so a crash never leaves a partial output) against cp + sync.
    best_floor=999999 best_floor_sync=999999 best_fm=999999 best_fm_durable=999999 best_fm_hash=999999
    for i in 1 2 3; do
      rm -f "$work/floor.out"; sync
      t0=$(now); cp "$a" "$work/floor.out"; cat "${reads[@]}" >/dev/null; t1=$(now)
      best_floor=$(best "$(secs "$t0" "$t1")" "$best_floor")
      rm -f "$work/floor.out"; sync
      t0=$(now); cp "$a" "$work/floor.out"; cat "${reads[@]}" >/dev/null; sync "$work/floor.out"; t1=$(now)
      best_floor_sync=$(best "$(secs "$t0" "$t1")" "$best_floor_sync")
      rm -f "$work/floor.out" "$work/fm.out"; sync
      t0=$(now); fm merge -a "$a" -b "$b" "${c_args[@]}" "${recipe[@]}" -o "$work/fm.out" --overwrite --no-output-hash --no-fsync >/dev/null; t1=$(now)
      best_fm=$(best "$(secs "$t0" "$t1")" "$best_fm")
      rm -f "$work/fm.out"; sync
      t0=$(now); fm merge -a "$a" -b "$b" "${c_args[@]}" "${recipe[@]}" -o "$work/fm.out" --overwrite --no-output-hash >/dev/null; t1=$(now)
      best_fm_durable=$(best "$(secs "$t0" "$t1")" "$best_fm_durable")
      rm -f "$work/fm.out"; sync
      t0=$(now); fm merge -a "$a" -b "$b" "${c_args[@]}" "${recipe[@]}" -o "$work/fm.out" --overwrite >/dev/null; t1=$(now)
      best_fm_hash=$(best "$(secs "$t0" "$t1")" "$best_fm_hash")
    done
    rm -f "$work/fm.out" "$work/ref.out"
    t0=$(now); $py $ref -a "$a" -b "$b" "${c_args[@]}" "${recipe[@]}" -o "$work/ref.out" -q; t1=$(now)
    r=$(secs "$t0" "$t1")
    row "$label: FastMerge --no-fsync (best of 3)" "${best_fm} s" "$(ratio "$best_fm" "$best_floor")× I/O floor (target ≤ 1.25)"
    row "  I/O floor: $floor_label (best of 3)" "${best_floor} s" "1.00"
    row "  FastMerge default (output flushed to disk before the rename)" "${best_fm_durable} s" "$(ratio "$best_fm_durable" "$best_floor_sync")× durable floor"
    row "  durable floor: $floor_label, then sync OUT" "${best_floor_sync} s" "1.00"
    row "  FastMerge default with the summary's output sha256 (second read of the output)" "${best_fm_hash} s" "$(ratio "$best_fm_hash" "$best_floor_sync")× durable floor"
    row "  PyTorch reference (mmap, out= buffers, one write per tensor)" "${r} s" "FastMerge $(ratio "$r" "$best_fm")× faster (target ≥ 6)"
    rm -f "$work/floor.out" "$work/fm.out" "$work/ref.out"
    ;;
  readpath)
    # Issue 21: the merge reads inputs with pread into its buffers instead of through the mapping (a truncated input
    # under a mapping is SIGBUS, which kills the process). Same models, same run, interleaved: this build against
    # $BENCH_BASELINE_FASTMERGE (a fastmerge built from the commit before, e.g. by bench/release-build.sh), default
    # read mode, --no-fsync --no-output-hash, best of $READPATH_RUNS. READPATH_SCALE (default 1: full size) shrinks
    # the models for a smoke run.
    base=${BENCH_BASELINE_FASTMERGE:?readpath needs BENCH_BASELINE_FASTMERGE=path/to/baseline/fastmerge}
    scale=${READPATH_SCALE:-1} runs=${READPATH_RUNS:-5}
    a=$work/sd1-a-s$scale.safetensors b=$work/sd1-b-s$scale.safetensors
    [ -f "$a" ] || fm synth --arch sd1 --seed 1 --dtype fp16 --scale "$scale" -o "$a" >/dev/null
    [ -f "$b" ] || fm synth --arch sd1 --seed 2 --dtype fp16 --scale "$scale" -o "$b" >/dev/null
    warm "$a" "$b"
    "$base" merge -a "$a" -b "$b" --alpha 0.3 -o "$work/rp.out" --overwrite --no-fsync --no-output-hash >/dev/null # hash cache
    fm merge -a "$a" -b "$b" --alpha 0.3 -o "$work/rp.out" --overwrite --no-fsync --no-output-hash >/dev/null
    best_base=999999 best_new=999999
    for i in $(seq "$runs"); do
      rm -f "$work/rp.out"; sync
      t0=$(now); "$base" merge -a "$a" -b "$b" --alpha 0.3 -o "$work/rp.out" --no-fsync --no-output-hash >/dev/null; t1=$(now)
      best_base=$(best "$(secs "$t0" "$t1")" "$best_base")
      rm -f "$work/rp.out"; sync
      t0=$(now); fm merge -a "$a" -b "$b" --alpha 0.3 -o "$work/rp.out" --no-fsync --no-output-hash >/dev/null; t1=$(now)
      best_new=$(best "$(secs "$t0" "$t1")" "$best_new")
    done
    rm -f "$work/rp.out"
    row "SD1.5 fp16 ws (scale 1/$scale), inputs by pread, SIGBUS-safe (best of $runs)" "${best_new} s" "$(ratio "$best_new" "$best_base")× the mapped read of the commit before"
    row "  baseline: inputs through the mapping (best of $runs)" "${best_base} s" "1.00"
    ;;
  smooth)
    a=$work/sd1-a.safetensors b=$work/sd1-b.safetensors c=$work/sd1-c.safetensors
    model sd1 1 fp16 "$a"; model sd1 2 fp16 "$b"; model sd1 3 fp16 "$c"
    warm "$a" "$b" "$c"
    t0=$(now); fm merge -a "$a" -b "$b" -c "$c" --mode ad --calc smoothAdd --alpha 0.5 -o "$work/fm.out" --overwrite >/dev/null; t1=$(now)
    m=$(secs "$t0" "$t1")
    # The reference runs an evenly spread subset of keys; both sides are scaled by floating elements merged.
    subset=${SMOOTH_SUBSET_KEYS:-60}
    t0=$(now); $py $ref -a "$a" -b "$b" -c "$c" --mode ad --calc smoothAdd --alpha 0.5 --keys-subset "$subset" --threads 2 -o "$work/ref.out" -q; t1=$(now)
    r=$(secs "$t0" "$t1")
    read -r full_el sub_el < <($py - "$a" "$work/ref.out" <<'EOF'
import json, struct, sys
def elements(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        h = json.loads(f.read(n))
    total = 0
    for k, v in h.items():
        if k == "__metadata__" or k.endswith("position_ids") or v["dtype"] not in ("F16", "BF16", "F32", "F64"):
            continue
        e = 1
        for d in v["shape"]:
            e *= d
        total += e
    return total
print(elements(sys.argv[1]), elements(sys.argv[2]))
EOF
)
    est=$(awk -v r="$r" -v f="$full_el" -v s="$sub_el" 'BEGIN { printf "%.0f", r * f / s }')
    row "SD1.5 fp16 ad + smoothAdd: FastMerge, full model" "${m} s" "reference/FastMerge $(ratio "$est" "$m")× (target ≥ 50)"
    row "  scipy reference, ${subset} keys (${sub_el} of ${full_el} elements), 2 threads" "${r} s" "extrapolated full model: ${est} s"
    rm -f "$work/fm.out" "$work/ref.out"
    ;;
  sdxl-mem)
    a=$work/sdxl-a.safetensors b=$work/sdxl-b.safetensors
    model sdxl 1 fp16 "$a"; model sdxl 2 fp16 "$b"
    rm -f "$work/fm.out"
    t0=$(now)
    "$fastmerge" merge -a "$a" -b "$b" --mode ws --alpha 0.3 -o "$work/fm.out" --overwrite >/dev/null &
    pid=$!
    peak=0
    while kill -0 "$pid" 2>/dev/null; do
      kb=$(awk '/^RssAnon:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
      [ -n "$kb" ] && [ "$kb" -gt "$peak" ] && peak=$kb
      sleep 0.02
    done
    wait "$pid"
    t1=$(now)
    row "SDXL fp16 ws (6.46 GiB per model): peak RssAnon" "$((peak / 1024)) MiB" "$(secs "$t0" "$t1") s (target < 512 MiB)"
    rm -f "$work/fm.out"
    ;;
  *) echo "unknown section $section" >&2; exit 2 ;;
  esac
done

table=$(printf '| measurement | time / size | ratio |\n|---|---|---|\n'; printf '%s\n' "${rows[@]}")
echo "$table"
[ "${BENCH_NO_APPEND:-0}" = 1 ] || append_results "merge_bench.sh ${sections[*]}" "$table"
