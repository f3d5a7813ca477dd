#!/usr/bin/env bash
# cosineA / cosineB against weighted sum on the same SD1.5-layout fp16 models (issue 14: cosine within 2x of ws;
# it reads every key twice: the similarity pass, then the merge).
#
#   bench/cosine_bench.sh [SCALE]      (default 1: full size, ~2 GB per model; 4 or 8 for a smoke run)
#
# Uses the Release build of the CLI (dotnet build src/Fast.Cli -c Release), warm page cache, best of 2 runs per
# recipe, --no-fsync --no-output-hash so the figure is the merge itself. Models live in $FASTMERGE_BENCH_DIR
# (default /tmp/fastmerge-cosine-bench) and are kept between runs. Prints a table; it does not edit RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-1}
work=${FASTMERGE_BENCH_DIR:-/tmp/fastmerge-cosine-bench}
mkdir -p "$work"
dll=src/Fast.Cli/bin/Release/net10.0/fastmerge.dll
[ -f "$dll" ] || { echo "cosine_bench.sh: build first: dotnet build src/Fast.Cli -c Release" >&2; exit 2; }
fm() { dotnet "$dll" "$@"; }
a=$work/sd1-a-s$scale.safetensors b=$work/sd1-b-s$scale.safetensors
[ -f "$a" ] || fm synth --arch sd1 --scale "$scale" --dtype fp16 --seed 1 -o "$a" >/dev/null
[ -f "$b" ] || fm synth --arch sd1 --scale "$scale" --dtype fp16 --seed 2 -o "$b" >/dev/null
cat "$a" "$b" >/dev/null

best_of_2() { # label, merge flags...
  local label=$1 best=999999 t0 t1 s
  shift
  for _ in 1 2; do
    rm -f "$work/out.safetensors"
    t0=$(date +%s.%N)
    fm merge -a "$a" -b "$b" -o "$work/out.safetensors" --overwrite --no-fsync --no-output-hash "$@" >/dev/null
    t1=$(date +%s.%N)
    s=$(awk -v x="$t0" -v y="$t1" 'BEGIN { printf "%.2f", y - x }')
    best=$(awk -v x="$s" -v y="$best" 'BEGIN { print (x < y) ? x : y }')
  done
  echo "$best"
}

ws=$(best_of_2 ws --mode ws --alpha 0.3)
ca=$(best_of_2 cosineA --mode ws --calc cosineA --alpha 0.3)
cb=$(best_of_2 cosineB --mode ws --calc cosineB --alpha 0.3)
rm -f "$work/out.safetensors"
echo "| SD1.5 fp16 (synth --scale $scale), $(nproc) threads | seconds (best of 2) | / weighted sum |"
echo "|---|---|---|"
echo "| weighted sum, alpha 0.3 | $ws | 1.00 |"
echo "| cosineA, alpha 0.3 | $ca | $(awk -v x="$ca" -v y="$ws" 'BEGIN { printf "%.2f", x / y }') |"
echo "| cosineB, alpha 0.3 | $cb | $(awk -v x="$cb" -v y="$ws" 'BEGIN { printf "%.2f", x / y }') |"
