#!/usr/bin/env bash
# Two fastmerge builds timed against each other, interleaved run by run (base, new, base, new, ...), so load from other
# work and this VM's page state hit both alike: wall, user and system CPU seconds and peak RSS of every run, the mean
# per recipe and build, and every output's sha256 (a recipe whose base and new outputs differ stops the script: a
# speed change must not change bytes). It replaces the per-change copies this had grown (cosine_ab.sh,
# cosine_dll_ab.sh, widen_ab.sh, plusrandom_ab.sh).
#
#   bench/build_ab.sh BASE NEW [RUNS] [SCALE] [RECIPE...]
#
# BASE and NEW are each a fastmerge.dll (run with `dotnet`), an executable, or a publish folder from
# bench/release-build.sh. RUNS (default 3) rounds; SCALE (default 1: full-size SD1.5 fp16, ~2 GB per model) divides
# the model sizes. RECIPEs (default: ws cosineA cosineB plusrandom) are merges of model A and B at weighted sum:
#   ws          --mode ws --alpha 0.3                  (the baseline of issue 14's ratios)
#   cosineA     --mode ws --calc cosineA --alpha 0.3
#   cosineB     --mode ws --calc cosineB --alpha 0.3
#   plusrandom  --mode ws --calc "plus random" --alpha 0.01 --seed 1
# Every merge runs with --no-fsync --no-output-hash on a warm page cache. Models live in $FASTMERGE_BENCH_DIR (default
# /tmp/fastmerge-cosine-bench), synthesised by NEW if missing. Prints a table; it does not edit RESULTS.md.
set -euo pipefail
usage="usage: bench/build_ab.sh BASE NEW [RUNS] [SCALE] [RECIPE...]"
base=${1:?$usage} new=${2:?$usage}
runs=${3:-3} scale=${4:-1}
shift $(($# < 4 ? $# : 4))
recipes=("$@")
[ ${#recipes[@]} -gt 0 ] || recipes=(ws cosineA cosineB plusrandom)

# A build as the command that runs it.
command_of() {
  local build=$1
  if [ -d "$build" ]; then build=$build/fastmerge; fi
  case $build in
    *.dll) [ -f "$build" ] && echo "dotnet $build" ;;
    *) [ -x "$build" ] && echo "$build" ;;
  esac
}
base_cmd=$(command_of "$base") || true
new_cmd=$(command_of "$new") || true
[ -n "$base_cmd" ] || { echo "build_ab.sh: $base: not a fastmerge.dll, executable or publish folder" >&2; exit 2; }
[ -n "$new_cmd" ] || { echo "build_ab.sh: $new: not a fastmerge.dll, executable or publish folder" >&2; exit 2; }

flags_of() {
  case $1 in
    ws) flags=(--mode ws --alpha 0.3) ;;
    cosineA | cosineB) flags=(--mode ws --calc "$1" --alpha 0.3) ;;
    plusrandom) flags=(--mode ws --calc "plus random" --alpha 0.01 --seed 1) ;;
    *) echo "build_ab.sh: unknown recipe '$1' (ws, cosineA, cosineB, plusrandom)" >&2; exit 2 ;;
  esac
}
for recipe in "${recipes[@]}"; do flags_of "$recipe"; done

work=${FASTMERGE_BENCH_DIR:-/tmp/fastmerge-cosine-bench}
mkdir -p "$work"
a=$work/sd1-a-s$scale.safetensors b=$work/sd1-b-s$scale.safetensors
[ -f "$a" ] || $new_cmd synth --arch sd1 --scale "$scale" --dtype fp16 --seed 1 -o "$a" >/dev/null
[ -f "$b" ] || $new_cmd synth --arch sd1 --scale "$scale" --dtype fp16 --seed 2 -o "$b" >/dev/null
cat "$a" "$b" >/dev/null
out=$work/build-ab-out.safetensors
times=$(mktemp) timing=$(mktemp)
trap 'rm -f "$out" "$times" "$timing"' EXIT

declare -A hashes
timed() { # side recipe
  local side=$1 recipe=$2 cmd=$base_cmd hash
  [ "$side" = new ] && cmd=$new_cmd
  flags_of "$recipe"
  rm -f "$out"
  /usr/bin/time -f "%e %U %S %M" -o "$timing" $cmd merge -a "$a" -b "$b" -o "$out" --overwrite --no-fsync --no-output-hash "${flags[@]}" >/dev/null
  read -r wall user sys rss <"$timing"
  hash=$(sha256sum "$out" | cut -c1-16)
  echo "| $run | $side | $recipe | $wall | $user | $sys | $((rss / 1024)) | $hash… |"
  echo "$side $recipe $wall $user $sys" >>"$times"
  if [ -n "${hashes[$recipe]:-}" ] && [ "${hashes[$recipe]}" != "$hash" ]; then
    echo "build_ab.sh: $recipe: $side wrote $hash…, the other build ${hashes[$recipe]}…" >&2
    exit 1
  fi
  hashes[$recipe]=$hash
}

echo "| run | build | recipe (SD1.5 fp16 scale $scale, $(nproc) CPUs) | wall s | user s | sys s | max RSS MB | sha256 |"
echo "|---|---|---|---|---|---|---|---|"
for run in $(seq 1 "$runs"); do
  for recipe in "${recipes[@]}"; do
    for side in base new; do timed "$side" "$recipe"; done
  done
done
echo
echo "| build | recipe | mean wall s | mean user s | mean sys s | runs |"
echo "|---|---|---|---|---|---|"
awk '{ k = $1 " | " $2; w[k] += $3; u[k] += $4; s[k] += $5; n[k]++ }
     END { for (k in n) printf "| %s | %.2f | %.2f | %.2f | %d |\n", k, w[k] / n[k], u[k] / n[k], s[k] / n[k], n[k] }' "$times" | sort
