#!/usr/bin/env bash
# supermerger's extra options (issue 14) against weighted sum on the same SD1.5-layout fp16 models: calcmodes self,
# plus random and smoothAdd under ws, --old-calc, --elemental and --adjust (target: new calcmodes within 1.5x of ws).
#
#   bench/parity2_bench.sh [SCALE]      (default 1: full size, ~2 GB per model; 4 or 8 for a smoke run)
#   FASTMERGE_BENCH_CPU=1 bench/parity2_bench.sh 8    (user + system CPU seconds instead of wall time: steadier on a
#                                                      machine shared with other work, where wall times swing by 2x)
#
# Release build of the CLI, warm page cache, best of 2 runs per recipe, --no-fsync --no-output-hash. Models live in
# $FASTMERGE_BENCH_DIR (default /tmp/fastmerge-cosine-bench, shared with cosine_bench.sh). Prints a table only.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-1}
work=${FASTMERGE_BENCH_DIR:-/tmp/fastmerge-cosine-bench}
mkdir -p "$work"
dll=src/Fast.Cli/bin/Release/net10.0/fastmerge.dll
[ -f "$dll" ] || { echo "parity2_bench.sh: build first: dotnet build src/Fast.Cli -c Release" >&2; exit 2; }
fm() { dotnet "$dll" "$@"; }
a=$work/sd1-a-s$scale.safetensors b=$work/sd1-b-s$scale.safetensors
[ -f "$a" ] || fm synth --arch sd1 --scale "$scale" --dtype fp16 --seed 1 -o "$a" >/dev/null
[ -f "$b" ] || fm synth --arch sd1 --scale "$scale" --dtype fp16 --seed 2 -o "$b" >/dev/null
cat "$a" "$b" >/dev/null

best_of_2() { # merge flags...
  local best=999999 t0 t1 s
  for _ in 1 2; do
    rm -f "$work/out.safetensors"
    if [ "${FASTMERGE_BENCH_CPU:-0}" = 1 ]; then
      s=$( { /usr/bin/time -f "%U %S" dotnet "$dll" merge -a "$a" -b "$b" -o "$work/out.safetensors" --overwrite --no-fsync \
        --no-output-hash "$@" >/dev/null; } 2>&1 | tail -1 | awk '{ printf "%.2f", $1 + $2 }')
    else
      t0=$(date +%s.%N)
      fm merge -a "$a" -b "$b" -o "$work/out.safetensors" --overwrite --no-fsync --no-output-hash "$@" >/dev/null
      t1=$(date +%s.%N)
      s=$(awk -v x="$t0" -v y="$t1" 'BEGIN { printf "%.2f", y - x }')
    fi
    best=$(awk -v x="$s" -v y="$best" 'BEGIN { print (x < y) ? x : y }')
  done
  echo "$best"
}

ws=$(best_of_2 --mode ws --alpha 0.3)
unit=$([ "${FASTMERGE_BENCH_CPU:-0}" = 1 ] && echo "CPU seconds" || echo "seconds")
echo "| SD1.5 fp16 (synth --scale $scale), $(nproc) threads | $unit (best of 2) | / weighted sum |"
echo "|---|---|---|"
echo "| weighted sum, alpha 0.3 | $ws | 1.00 |"
row() { # label, flags...
  local label=$1 t
  shift
  t=$(best_of_2 "$@")
  echo "| $label | $t | $(awk -v x="$t" -v y="$ws" 'BEGIN { printf "%.2f", x / y }') |"
}
row "self, alpha 0.7" --mode ws --calc self --alpha 0.7
row "plus random, alpha 0.01, seed 1" --mode ws --calc "plus random" --alpha 0.01 --seed 1
row "ws --old-calc, alpha 0.3" --mode ws --alpha 0.3 --old-calc
row "ws + elemental (3 entries) + adjust" --mode ws --alpha 0.3 --elemental "IN04 OUT05:attn:0.2,NOT OUT04:attn:1,IN01-IN03::0.7" --adjust "1,1,1,0,0,0,0,0"
row "smoothAdd under ws, alpha 0.3" --mode ws --calc smoothAdd --alpha 0.3
rm -f "$work/out.safetensors"
