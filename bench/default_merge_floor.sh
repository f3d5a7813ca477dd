#!/usr/bin/env bash
# The merge a user runs without flags against the durable I/O floor (issue 17), all in one run on the same models:
# full-size SD1.5-layout fp16, weighted sum with a 26-value block list, warm page cache.
#
#   floor            cp A OUT + read B + sync OUT: what any tool that writes a durable copy of A and reads B pays
#   default, cold    fastmerge merge with default flags (fsync, atomic rename, output sha256, inputs' sha256 in the
#                    metadata) and an empty hash cache (FASTMERGE_CACHE_DIR fresh): the inputs are hashed too
#   default, warm    the same again: the inputs' hashes come from the cache
#   --no-output-hash warm cache, no output sha256 in the summary
#   --no-fsync       warm cache, output written as cp writes it (no flush before the rename)
#
# Every variant runs FLOOR_RUNS times (default 3), interleaved; the table shows the best of each and its ratio to the
# best floor of the same run (target: default cold and warm ≤ 1.25). The outputs of every variant are compared with
# cmp (the flags must not change a byte) and the summary's sha256 with sha256sum's.
#
#   bench/default_merge_floor.sh                 (FLOOR_SCALE=N shrinks the models for a smoke run; FASTMERGE=path uses
#                                                 a built fastmerge instead of publishing one; BENCH_NO_APPEND=1 keeps
#                                                 the table out of bench/RESULTS.md; BENCH_BASELINE_FASTMERGE=path adds
#                                                 that build's default merge, cold and warm, to the same run)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
runs=${FLOOR_RUNS:-3} scale=${FLOOR_SCALE:-1}
list26=0.5,1,0.9,0.8,0.7,0.6,0.5,0.4,0.3,0.2,0.1,0,0,0.5,0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1,0.5
if [ -n "${FASTMERGE:-}" ]; then fastmerge=$FASTMERGE; else fastmerge_build; fi

a=$work/floor-sd1-a-s$scale.safetensors b=$work/floor-sd1-b-s$scale.safetensors
[ -f "$a" ] || fm synth --arch sd1 --seed 1 --dtype fp16 --scale "$scale" -o "$a" >/dev/null
[ -f "$b" ] || fm synth --arch sd1 --seed 2 --dtype fp16 --scale "$scale" -o "$b" >/dev/null
cache=$work/floor-hash-cache out=$work/floor-out.safetensors
warm "$a" "$b"

# merge NAME [flags...]: one timed default merge into $out; keeps the output as $work/floor-NAME.safetensors for cmp.
# BIN (default: this build) is the fastmerge to run, CACHE its hash cache.
merge() {
  local name=$1; shift
  rm -f "$out"; sync
  local t0; t0=$(now)
  FASTMERGE_CACHE_DIR=${CACHE:-$cache} "${BIN:-$fastmerge}" merge -a "$a" -b "$b" --mode ws --weights-alpha "$list26" -o "$out" "$@" > "$work/floor-$name.log"
  secs "$t0" "$(now)"
  mv -f "$out" "$work/floor-$name.safetensors"
}

declare -A best=([floor]=999999 [cold]=999999 [warm]=999999 [nohash]=999999 [nofsync]=999999 [basecold]=999999 [basewarm]=999999)
base=${BENCH_BASELINE_FASTMERGE:-}
keep() { best[$1]=$(best "$2" "${best[$1]}"); }
for i in $(seq "$runs"); do
  rm -f "$work/floor.out"; sync
  t0=$(now); cp "$a" "$work/floor.out"; cat "$b" >/dev/null; sync "$work/floor.out"; t1=$(now)
  keep floor "$(secs "$t0" "$t1")"
  rm -f "$work/floor.out"
  rm -rf "$cache"
  keep cold "$(merge cold)"
  keep warm "$(merge warm)"
  keep nohash "$(merge nohash --no-output-hash)"
  keep nofsync "$(merge nofsync --no-fsync)"
  if [ -n "$base" ]; then
    rm -rf "$cache-base"
    keep basecold "$(BIN=$base CACHE=$cache-base merge basecold)"
    keep basewarm "$(BIN=$base CACHE=$cache-base merge basewarm)"
  fi
done

same=identical
for v in warm nohash nofsync; do cmp -s "$work/floor-cold.safetensors" "$work/floor-$v.safetensors" || same="DIFFERENT ($v)"; done
printed=$(awk '$1 == "sha256" { print $2 }' "$work/floor-cold.log")
actual=$(sha256sum "$work/floor-cold.safetensors" | cut -d' ' -f1)
[ "$printed" = "$actual" ] && hash_ok="summary sha256 = sha256sum" || hash_ok="summary sha256 $printed != sha256sum $actual"
rm -f "$work"/floor-{cold,warm,nohash,nofsync,basecold,basewarm}.safetensors

f=${best[floor]}
size=$(du -hL "$a" | cut -f1)
row "SD1.5 fp16 ws, 26-value list ($size per model): default merge, cold hash cache (best of $runs)" "${best[cold]} s" "$(ratio "${best[cold]}" "$f")× durable floor (target ≤ 1.25)"
row "  default merge, warm hash cache" "${best[warm]} s" "$(ratio "${best[warm]}" "$f")× durable floor (target ≤ 1.25)"
row "  --no-output-hash (warm)" "${best[nohash]} s" "$(ratio "${best[nohash]}" "$f")× durable floor"
row "  --no-fsync (warm; writes as cp does)" "${best[nofsync]} s" "$(ratio "${best[nofsync]}" "$f")× durable floor"
row "  durable floor: cp A OUT + read B + sync OUT" "${f} s" "1.00"
if [ -n "$base" ]; then
  row "  baseline $base: default merge, cold hash cache" "${best[basecold]} s" "$(ratio "${best[basecold]}" "$f")× durable floor"
  row "  baseline: default merge, warm hash cache" "${best[basewarm]} s" "$(ratio "${best[basewarm]}" "$f")× durable floor"
fi
row "  outputs of the four variants" "$same" "$hash_ok"

table=$(printf '| measurement | time | ratio |\n|---|---|---|\n'; printf '%s\n' "${rows[@]}")
echo "$table"
[ "${BENCH_NO_APPEND:-0}" = 1 ] || [ "$scale" != 1 ] || append_results "default_merge_floor.sh (2 cores, shared with other builds)" "$table"
