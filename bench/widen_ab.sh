#!/usr/bin/env bash
# The fp16 widen/narrow rework end to end: two CLI builds interleaved run by run (base, new, base, new, ...; load from
# other work hits both alike) on calcmode cosineA (ConvertLoop.Widen was 12.5% of its cycles) and plus random (Widen
# + Narrow ~9%): wall, user and system CPU seconds per run, the user-CPU mean per build and calc, and the sha256 of
# every output (base and new must agree).
#
#   bench/widen_ab.sh BASE_DLL NEW_DLL [RUNS] [SCALE]   (fastmerge.dll of two builds, run with `dotnet`; RUNS default 3,
#                                                        SCALE default 1: full-size SD1.5 fp16, ~2 GB per model)
#
# Models live in $FASTMERGE_BENCH_DIR (default /tmp/fastmerge-cosine-bench), synthesised if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: bench/widen_ab.sh BASE_DLL NEW_DLL [RUNS] [SCALE]} new=${2:?usage: bench/widen_ab.sh BASE_DLL NEW_DLL [RUNS] [SCALE]}
runs=${3:-3} scale=${4:-1}
work=${FASTMERGE_BENCH_DIR:-/tmp/fastmerge-cosine-bench}
mkdir -p "$work"
a=$work/sd1-a-s$scale.safetensors b=$work/sd1-b-s$scale.safetensors
[ -f "$a" ] || dotnet "$new" synth --arch sd1 --scale "$scale" --dtype fp16 --seed 1 -o "$a" >/dev/null
[ -f "$b" ] || dotnet "$new" synth --arch sd1 --scale "$scale" --dtype fp16 --seed 2 -o "$b" >/dev/null
cat "$a" "$b" >/dev/null
out=/tmp/widen-out.safetensors
times=$(mktemp /tmp/widen-ab-times.XXXXXX)
trap 'rm -f "$out" "$times" /tmp/widen-out-time' EXIT

declare -A hashes
timed() { # side calc flags...
  local side=$1 calc=$2 dll=$base
  [ "$side" = new ] && dll=$new
  shift 2
  rm -f "$out"
  /usr/bin/time -f "%e %U %S" -o /tmp/widen-out-time dotnet "$dll" merge -a "$a" -b "$b" -o "$out" --overwrite --no-fsync --no-output-hash "$@" >/dev/null
  read -r wall user sys </tmp/widen-out-time
  echo "| $run $side $calc | $wall | $user | $sys |"
  echo "$side $calc $user" >>"$times"
  local h
  h=$(sha256sum "$out" | cut -d' ' -f1)
  if [ -n "${hashes[$calc]:-}" ] && [ "${hashes[$calc]}" != "$h" ]; then
    echo "output of $side $calc differs: $h vs ${hashes[$calc]}" >&2
    exit 1
  fi
  hashes[$calc]=$h
}

echo "| run, build, calc (SD1.5 fp16 scale $scale, $(nproc) CPUs, ws α 0.3) | wall s | user s | sys s |"
echo "|---|---|---|---|"
for run in $(seq 1 "$runs"); do
  for side in base new; do
    timed "$side" cosineA --mode ws --alpha 0.3 --calc cosineA
    timed "$side" "plus random" --mode ws --calc "plus random" --alpha 0.01 --seed 1
  done
done
echo
awk '{ calc = $2; for (i = 3; i < NF; i++) calc = calc " " $i; key = $1 " " calc; sum[key] += $NF; n[key]++ }
     END { for (k in sum) printf "mean user s, %s: %.2f (%d runs)\n", k, sum[k] / n[k], n[k] }' "$times" | sort
for calc in cosineA "plus random"; do
  echo "$calc sha256 (base = new): ${hashes[$calc]}"
done
