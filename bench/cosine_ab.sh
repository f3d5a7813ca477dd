#!/usr/bin/env bash
# cosineA / cosineB / weighted sum CPU time of two fastmerge publishes (bench/release-build.sh), interleaved, on the
# full-size cosine_bench.sh inputs: /usr/bin/time's user, sys, wall and max RSS per run, and each output's sha256
# (the two publishes must write the same bytes).
#
#   bench/cosine_ab.sh BASE_PUBLISH_DIR BRANCH_PUBLISH_DIR [RUNS]      (default 2 runs per recipe and publish)
set -euo pipefail
base=${1:?usage: bench/cosine_ab.sh BASE_DIR BRANCH_DIR [RUNS]} branch=${2:?usage: bench/cosine_ab.sh BASE_DIR BRANCH_DIR [RUNS]}
runs=${3:-2}
work=${FASTMERGE_BENCH_DIR:-/tmp/fastmerge-cosine-bench}
a=$work/sd1-a-s1.safetensors b=$work/sd1-b-s1.safetensors
for f in "$a" "$b"; do [ -f "$f" ] || { echo "cosine_ab.sh: $f: missing (run bench/cosine_bench.sh 1 first)" >&2; exit 2; }; done
cat "$a" "$b" >/dev/null
out=$work/ab-out.safetensors
echo "| recipe | publish | run | user s | sys s | wall s | max RSS MB | sha256 |"
echo "|---|---|---|---|---|---|---|---|"
for run in $(seq 1 "$runs"); do
  for recipe in cosineB cosineA ws; do
    case $recipe in ws) flags=(--mode ws --alpha 0.3) ;; *) flags=(--mode ws --calc "$recipe" --alpha 0.3) ;; esac
    for side in base branch; do
      dir=$base; [ "$side" = branch ] && dir=$branch
      rm -f "$out"
      stats=$(/usr/bin/time -f '%U %S %e %M' "$dir/fastmerge" merge -a "$a" -b "$b" -o "$out" --overwrite --no-fsync --no-output-hash "${flags[@]}" 2>&1 >/dev/null | tail -1)
      read -r user sys wall rss <<<"$stats"
      hash=$(sha256sum "$out" | cut -c1-16)
      echo "| $recipe | $side | $run | $user | $sys | $wall | $((rss / 1024)) | $hash |"
    done
  done
done
rm -f "$out"
