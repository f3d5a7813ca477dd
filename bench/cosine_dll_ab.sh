#!/usr/bin/env bash
# cosineA / cosineB CPU and wall time of two fastmerge builds given as DLLs (run with `dotnet`, e.g. main's
# src/Fast.Cli/bin/Release/net10.0/fastmerge.dll against a branch's), interleaved old/new in every round, with one
# weighted-sum run per round as the baseline, on the full-size cosine_bench.sh inputs. Prints one row per run
# (wall, user, sys seconds and the output's sha256 prefix) and the means per recipe and build.
#
#   bench/cosine_dll_ab.sh OLD_DLL NEW_DLL [ROUNDS]      (default 3 rounds)
set -euo pipefail
old=${1:?usage: bench/cosine_dll_ab.sh OLD_DLL NEW_DLL [ROUNDS]} new=${2:?usage: bench/cosine_dll_ab.sh OLD_DLL NEW_DLL [ROUNDS]}
rounds=${3:-3}
work=${FASTMERGE_BENCH_DIR:-/tmp/fastmerge-cosine-bench}
a=$work/sd1-a-s1.safetensors b=$work/sd1-b-s1.safetensors
for f in "$a" "$b" "$old" "$new"; do [ -f "$f" ] || { echo "cosine_dll_ab.sh: $f: missing" >&2; exit 2; }; done
out=${FASTMERGE_AB_OUT:-/tmp/cosim-out.safetensors}
rows=$(mktemp)
trap 'rm -f "$rows" "$out"' EXIT
cat "$a" "$b" >/dev/null
run() { # recipe build-label dll
  local flags=(--mode ws --alpha 0.3)
  [ "$1" = ws ] || flags+=(--calc "$1")
  local stats
  stats=$(/usr/bin/time -f '%e %U %S' dotnet "$3" merge -a "$a" -b "$b" -o "$out" --overwrite --no-fsync --no-output-hash "${flags[@]}" 2>&1 >/dev/null | tail -1)
  echo "$1 $2 $stats $(sha256sum "$out" | cut -c1-8)" | tee -a "$rows"
}
echo "recipe build wall user sys sha256"
for round in $(seq 1 "$rounds"); do
  run ws old "$old"
  for recipe in cosineA cosineB; do
    if [ $((round % 2)) = 1 ]; then run "$recipe" old "$old"; run "$recipe" new "$new"; else run "$recipe" new "$new"; run "$recipe" old "$old"; fi
  done
done
echo "means: recipe build wall user sys (runs)"
awk '{k=$1" "$2; w[k]+=$3; u[k]+=$4; s[k]+=$5; n[k]++} END {for (k in n) printf "%s %.2f %.2f %.2f (%d)\n", k, w[k]/n[k], u[k]/n[k], s[k]/n[k], n[k]}' "$rows" | sort
