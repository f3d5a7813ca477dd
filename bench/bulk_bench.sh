#!/usr/bin/env bash
# Bulk engine benchmarks (FastMerge issue 6), each side by side with its baseline in the same run:
#
#   bench/bulk_bench.sh [files] [hash] [readpath]      (default: files and hash)
#
#   files  16 SD1.5-layout fp16 weighted-sum variants written as files by one `fastmerge bulk` run,
#          vs the floor of writing those 16 files' bytes: `cp A` 16 times. Warm page cache.
#   hash   1000 weighted-sum variants of a 1/4-scale SD1.5 layout (`synth --scale 4`: every scaled
#          dimension divided by 4) to the hash sink: variants/s, and the ratio to separate
#          `fastmerge merge` runs. The separate runs are timed on 20 variants and extrapolated per run
#          to 1000 (they write their files: merge has no hash-only mode).
#   readpath  issue 21: bulk reads its input windows with pread into buffers instead of serving views of the mapping
#          (a truncated input under a mapping is SIGBUS). This build against $BENCH_BASELINE_FASTMERGE (a fastmerge
#          of the commit before), same models, interleaved, best of $READPATH_RUNS (default 3): READPATH_VARIANTS
#          (default 8) ws variants of SD1.5 fp16 at scale READPATH_SCALE (default 2), to the null sink (reading and
#          computing only: where the read path weighs most) and to files (--no-fsync --no-output-hash).
#
# BENCH_FASTMERGE=path/to/fastmerge uses that executable instead of publishing this checkout (bench/release-build.sh).
#
# Prints a table and appends it, with date and CPU, to bench/RESULTS.md (not with BENCH_NO_APPEND=1; rows also
# go to $BENCH_ROWS_FILE when set, as bench/compare.sh runs it). Work files live in $FASTMERGE_BENCH_DIR
# (default /tmp/fastmerge-bench); models are kept between runs.
#
# BULK_BENCH_SMOKE=1 shrinks everything (scale-64 models, 4 file variants, 20 hash variants, 3 separate
# merges) to check the script itself; it prints the table but does not append it to RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
sections=("$@")
[ ${#sections[@]} -gt 0 ] || sections=(files hash)

if [ "${BULK_BENCH_SMOKE:-0}" = 1 ]; then
  files_scale=64 files_n=4 hash_scale=64 hash_n=20 separate_n=3
else
  files_scale=1 files_n=16 hash_scale=4 hash_n=1000 separate_n=20
fi

if [ -n "${BENCH_FASTMERGE:-}" ]; then fastmerge=$BENCH_FASTMERGE; else fastmerge_build; fi
model() { # arch seed dtype scale path
  [ -f "$5" ] || fm synth --arch "$1" --seed "$2" --dtype "$3" --scale "$4" -o "$5" >/dev/null
}
size() { du -h "$1" | cut -f1; }
# plan N A B DIR: N ws variants, alpha i/(N+1), outputs DIR/v{i}.safetensors
plan() {
  local n=$1 a=$2 b=$3 dir=$4 i
  for ((i = 1; i <= n; i++)); do
    printf '{"mode":"ws","alpha":%s,"a":{"path":"%s"},"b":{"path":"%s"},"out":"%s/v%04d.safetensors"}\n' \
      "$(awk -v i="$i" -v n="$n" 'BEGIN { printf "%.6f", i / (n + 1) }')" "$a" "$b" "$dir" "$i"
  done
}

[ "${BULK_BENCH_SMOKE:-0}" = 1 ] && share_rows=0

for section in "${sections[@]}"; do
  case "$section" in
  files)
    a=$work/sd1-s$files_scale-a.safetensors b=$work/sd1-s$files_scale-b.safetensors
    model sd1 1 fp16 "$files_scale" "$a"; model sd1 2 fp16 "$files_scale" "$b"
    out=$work/bulk-files
    rm -rf "$out" "$work/floor"; mkdir -p "$out" "$work/floor"
    plan "$files_n" "$a" "$b" "$out" > "$work/files.jsonl"
    warm "$a" "$b"
    t0=$(now); for ((i = 1; i <= files_n; i++)); do cp "$a" "$work/floor/c$i"; done; sync; t1=$(now)
    floor=$(secs "$t0" "$t1")
    rm -rf "$work/floor"
    # Writing 16 outputs pushes the inputs out of the page cache: warm them again before each timed run.
    warm "$a" "$b"
    t0=$(now); fm bulk "$work/files.jsonl" --sink files --no-output-hash >/dev/null; sync; t1=$(now)
    bulk=$(secs "$t0" "$t1")
    rm -rf "$out"; mkdir -p "$out"
    warm "$a" "$b"
    t0=$(now); fm bulk "$work/files.jsonl" --sink files >/dev/null; sync; t1=$(now)
    bulk_hashed=$(secs "$t0" "$t1")
    row "$files_n × SD1.5 fp16 ws (scale $files_scale, $(size "$a") per model) to files: fastmerge bulk --no-output-hash" "${bulk} s" "$(ratio "$bulk" "$floor")× floor (target ≤ 1.25)"
    row "  the same with each output's sha256 in the summary (default)" "${bulk_hashed} s" "$(ratio "$bulk_hashed" "$floor")× floor"
    row "  floor: cp A, $files_n times (+ sync)" "${floor} s" "1.00"
    rm -rf "$out"
    ;;
  hash)
    a=$work/sd1-s$hash_scale-a.safetensors b=$work/sd1-s$hash_scale-b.safetensors
    model sd1 1 fp16 "$hash_scale" "$a"; model sd1 2 fp16 "$hash_scale" "$b"
    plan "$hash_n" "$a" "$b" "$work/bulk-hash" > "$work/hash.jsonl"
    warm "$a" "$b"
    t0=$(now); fm bulk "$work/hash.jsonl" --sink hash >/dev/null; t1=$(now)
    bulk=$(secs "$t0" "$t1")
    rm -rf "$work/separate"; mkdir -p "$work/separate"
    t0=$(now)
    for ((i = 1; i <= separate_n; i++)); do
      fm merge -a "$a" -b "$b" --mode ws --alpha "$(awk -v i="$i" -v n="$hash_n" 'BEGIN { printf "%.6f", i / (n + 1) }')" -o "$work/separate/m$i.safetensors" >/dev/null
    done
    t1=$(now)
    separate=$(secs "$t0" "$t1")
    rm -rf "$work/separate"
    per_run=$(awk -v s="$separate" -v n="$separate_n" 'BEGIN { printf "%.3f", s / n }')
    extrapolated=$(awk -v p="$per_run" -v n="$hash_n" 'BEGIN { printf "%.1f", p * n }')
    row "$hash_n × SD1.5 fp16 ws (scale $hash_scale, $(size "$a") per model) to the hash sink: fastmerge bulk" "${bulk} s" "$(awk -v n="$hash_n" -v t="$bulk" 'BEGIN { printf "%.1f", n / t }') variants/s"
    row "  separate merge runs: $separate_n timed (${separate} s), extrapolated per run (${per_run} s) to $hash_n" "${extrapolated} s" "bulk $(ratio "$extrapolated" "$bulk")× faster"
    ;;
  readpath)
    base=${BENCH_BASELINE_FASTMERGE:?readpath needs BENCH_BASELINE_FASTMERGE=path/to/baseline/fastmerge}
    rp_scale=${READPATH_SCALE:-2} rp_n=${READPATH_VARIANTS:-8} runs=${READPATH_RUNS:-3}
    a=$work/sd1-s$rp_scale-a.safetensors b=$work/sd1-s$rp_scale-b.safetensors
    model sd1 1 fp16 "$rp_scale" "$a"; model sd1 2 fp16 "$rp_scale" "$b"
    rm -rf "$work/rp"; mkdir -p "$work/rp"
    plan "$rp_n" "$a" "$b" "$work/rp" > "$work/rp.jsonl"
    warm "$a" "$b"
    "$base" bulk "$work/rp.jsonl" --sink null >/dev/null # hash cache, both builds
    fm bulk "$work/rp.jsonl" --sink null >/dev/null
    for sink in null files; do
      best_base=999999 best_new=999999
      for i in $(seq "$runs"); do
        for side in base new; do
          rm -rf "$work/rp"; mkdir -p "$work/rp"; sync
          if [ "$side" = base ]; then bin=$base; else bin=$fastmerge; fi
          t0=$(now); "$bin" bulk "$work/rp.jsonl" --sink "$sink" --no-fsync --no-output-hash >/dev/null; t1=$(now)
          if [ "$side" = base ]; then best_base=$(best "$(secs "$t0" "$t1")" "$best_base"); else best_new=$(best "$(secs "$t0" "$t1")" "$best_new"); fi
        done
      done
      row "$rp_n × SD1.5 fp16 ws (scale $rp_scale, $(size "$a") per model), sink $sink: windows by pread (best of $runs)" "${best_new} s" "$(ratio "$best_new" "$best_base")× the mapped windows of the commit before"
      row "  baseline: windows as views of the mapping (best of $runs)" "${best_base} s" "1.00"
    done
    rm -rf "$work/rp"
    ;;
  *) echo "unknown section $section" >&2; exit 2 ;;
  esac
done

table=$(printf '| measurement | time | ratio |\n|---|---|---|\n'; printf '%s\n' "${rows[@]}")
echo "$table"
if [ "${BULK_BENCH_SMOKE:-0}" = 1 ]; then
  echo "(smoke run: not appended to bench/RESULTS.md)"
elif [ "${BENCH_NO_APPEND:-0}" != 1 ]; then
  append_results "bulk_bench.sh ${sections[*]}" "$table"
fi
