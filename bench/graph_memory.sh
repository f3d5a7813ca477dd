#!/usr/bin/env bash
# Recipe-graph memory (issue 15): a graph of 4 SDXL-layout fp16 inputs and 2 intermediate merges (ties and dare_ties
# over a base), then slerp of the two into the output, run by
# `fastmerge merge --recipe`, with the process's RssAnon (private memory) sampled every 20 ms; prints the peak.
# SCALE=N divides the model sizes (default 16: full scale needs ~35 GB of disk for the inputs and output).
# FASTMERGE=path/to/fastmerge.dll uses that build (run with dotnet) instead of the ReadyToRun publish.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
if [ -n "${FASTMERGE:-}" ]; then runner=(dotnet "$FASTMERGE"); else fastmerge_build; runner=("$fastmerge"); fi
scale=${SCALE:-16} threads=${THREADS:-$(nproc)}
for s in 0 1 2 3; do
  f=$work/graph-x$s-s$scale.safetensors
  [ -f "$f" ] || "${runner[@]}" synth --arch sdxl --seed $((60 + s)) --dtype fp16 --scale "$scale" -o "$f" >/dev/null
done
recipe=$work/graph-s$scale.json
cat > "$recipe" <<JSON
{"inputs": [{"name": "base", "path": "$work/graph-x0-s$scale.safetensors"}, {"name": "m1", "path": "$work/graph-x1-s$scale.safetensors"},
            {"name": "m2", "path": "$work/graph-x2-s$scale.safetensors"}, {"name": "m3", "path": "$work/graph-x3-s$scale.safetensors"}],
 "merges": [{"name": "tied", "method": "ties", "base": "base", "models": ["m1", "m2"], "density": 0.5},
            {"name": "dared", "method": "dare_ties", "base": "base", "models": ["m2", "m3"], "density": 0.3, "seed": 1},
            {"name": "out", "method": "slerp", "models": ["tied", "dared"], "t": 0.4}],
 "output": "out"}
JSON
out=$work/graph-out.safetensors
rm -f "$out"
"${runner[@]}" merge --recipe "$recipe" -o "$out" --threads "$threads" --no-fsync --no-output-hash >/dev/null &
pid=$!
peak=0
while kill -0 "$pid" 2>/dev/null; do
  kb=$(awk '/^RssAnon:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
  [ -n "$kb" ] && [ "$kb" -gt "$peak" ] && peak=$kb
  sleep 0.02
done
wait "$pid"
echo "graph of 4 SDXL-layout inputs (scale $scale, $(stat -c %s "$work/graph-x0-s$scale.safetensors") bytes each), 3 merges, $threads threads: peak RssAnon $((peak / 1024)) MiB (target <= 512 MiB)"
rm -f "$out"
