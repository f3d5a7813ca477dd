#!/usr/bin/env bash
# Calcmode plus random against weighted sum, two builds interleaved run by run (so load from other work hits both
# alike): wall, user and system CPU seconds of each run, and the sha256 of each build's plus random output.
#
#   bench/plusrandom_ab.sh BASE_EXE NEW_EXE [RUNS] [SCALE]   (executables from bench/release-build.sh; RUNS default 3,
#                                                             SCALE default 1: full-size SD1.5 fp16, ~2 GB per model)
#
# Same inputs and flags as bench/parity2_bench.sh (--no-fsync --no-output-hash, warm page cache); models live in
# $FASTMERGE_BENCH_DIR (default /tmp/fastmerge-cosine-bench). Prints a table row per run and build, then the hashes.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: bench/plusrandom_ab.sh BASE_EXE NEW_EXE [RUNS] [SCALE]} new=${2:?usage: bench/plusrandom_ab.sh BASE_EXE NEW_EXE [RUNS] [SCALE]}
runs=${3:-3} scale=${4:-1}
work=${FASTMERGE_BENCH_DIR:-/tmp/fastmerge-cosine-bench}
mkdir -p "$work"
a=$work/sd1-a-s$scale.safetensors b=$work/sd1-b-s$scale.safetensors
[ -f "$a" ] || "$new" synth --arch sd1 --scale "$scale" --dtype fp16 --seed 1 -o "$a" >/dev/null
[ -f "$b" ] || "$new" synth --arch sd1 --scale "$scale" --dtype fp16 --seed 2 -o "$b" >/dev/null
cat "$a" "$b" >/dev/null

timed() { # label exe out flags... -> one table row
  local label=$1 exe=$2 out=$3
  shift 3
  rm -f "$out"
  /usr/bin/time -f "%e %U %S" -o "$work/ab-time" "$exe" merge -a "$a" -b "$b" -o "$out" --overwrite --no-fsync --no-output-hash "$@" >/dev/null
  read -r wall user sys <"$work/ab-time"
  echo "| $label | $wall | $user | $sys | $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') |"
}

echo "| run, build, merge (SD1.5 fp16 scale $scale, $(nproc) CPUs) | wall s | user s | sys s | user + sys s |"
echo "|---|---|---|---|---|"
for run in $(seq 1 "$runs"); do
  for side in base new; do
    exe=$base
    [ "$side" = new ] && exe=$new
    timed "$run $side ws α 0.3" "$exe" "$work/ab-ws.safetensors" --mode ws --alpha 0.3
    timed "$run $side plus random α 0.01 seed 1" "$exe" "$work/ab-pr-$side.safetensors" --mode ws --calc "plus random" --alpha 0.01 --seed 1
  done
done
rm -f "$work/ab-ws.safetensors" "$work/ab-time"
echo
for side in base new; do
  echo "$side plus random sha256: $(sha256sum "$work/ab-pr-$side.safetensors" | cut -d' ' -f1)"
  rm -f "$work/ab-pr-$side.safetensors"
done
