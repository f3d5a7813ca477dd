#!/usr/bin/env bash
# TIES benchmark (issue 15): `fastmerge merge --mode ties` of 3 SD1.5-layout fp16 models over a base, density 0.5,
# against the I/O floor (read the four inputs once and write the output: `cp BASE OUT` + `cat M1 M2 M3`) and against
# mergekit-style torch code doing the same merge (bench/ties_vs_torch.py, torch 1.13 on the CPU, same threads).
# A fourth row times `--mode weighted_sum` of the same four files through the same engine: it reads, widens and
# narrows exactly what ties does but has no trim, sign election or streamed passes, so it is a lower bound for ties
# on this machine; when it is itself above 1.5× the floor, ties cannot meet its target here.
# A second floor writes the output through user memory (`dd BASE OUT`, read + write) as a merge must: `cp` copies
# inside the kernel (copy_file_range), which on this VM costs much less than writing bytes from a process (the host
# re-faults freed guest pages on their first write: bench/RESULTS.md, "Where a merge's system time goes").
# Warm page cache, no fsync on any side, best of RUNS (default 1) each, ratios from this one run.
# SCALE=N divides the model sizes (a smoke run: not appended to bench/RESULTS.md). FASTMERGE=path/to/fastmerge.dll uses
# that build (run with dotnet) instead of the ReadyToRun publish. TORCH_LIMIT=S stops the torch run after S seconds
# (default 600; then the table says "> S s").
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
if [ -n "${FASTMERGE:-}" ]; then fm() { dotnet "$FASTMERGE" "$@"; }; else fastmerge_build; fi

scale=${SCALE:-1} runs=${RUNS:-1} threads=${THREADS:-$(nproc)}
for s in 0 1 2 3; do
  f=$work/ties-m$s-s$scale.safetensors
  [ -f "$f" ] || fm synth --arch sd1 --seed $((40 + s)) --dtype fp16 --scale "$scale" -o "$f" >/dev/null
done
base=$work/ties-m0-s$scale.safetensors m1=$work/ties-m1-s$scale.safetensors m2=$work/ties-m2-s$scale.safetensors m3=$work/ties-m3-s$scale.safetensors
out=$work/ties-out.safetensors
floor=999999 wfloor=999999 ours=999999 wsum=999999 torch=999999 torch_capped=0
for i in $(seq "$runs"); do
  rm -f "$out"; warm "$base" "$m1" "$m2" "$m3"
  t0=$(now); cp "$base" "$out"; cat "$m1" "$m2" "$m3" >/dev/null; t1=$(now)
  floor=$(best "$(secs "$t0" "$t1")" "$floor")
  rm -f "$out"; warm "$base" "$m1" "$m2" "$m3"
  t0=$(now); dd if="$base" of="$out" bs=1M status=none; cat "$m1" "$m2" "$m3" >/dev/null; t1=$(now)
  wfloor=$(best "$(secs "$t0" "$t1")" "$wfloor")
  rm -f "$out"; warm "$base" "$m1" "$m2" "$m3"
  t0=$(now); fm merge --mode ties --base "$base" --models "$m1" "$m2" "$m3" --density 0.5 --threads "$threads" \
    -o "$out" --no-fsync --no-output-hash >/dev/null; t1=$(now)
  ours=$(best "$(secs "$t0" "$t1")" "$ours")
  rm -f "$out"; warm "$base" "$m1" "$m2" "$m3"
  t0=$(now); fm merge --mode weighted_sum --models "$base" "$m1" "$m2" "$m3" --threads "$threads" \
    -o "$out" --no-fsync --no-output-hash >/dev/null; t1=$(now)
  wsum=$(best "$(secs "$t0" "$t1")" "$wsum")
  rm -f "$out"; warm "$base" "$m1" "$m2" "$m3"
  t0=$(now); rc=0
  timeout "${TORCH_LIMIT:-600}" /usr/bin/python3 bench/ties_vs_torch.py "$base" "$m1" "$m2" "$m3" "$out" --density 0.5 --threads "$threads" 2>/dev/null || rc=$?
  t1=$(now)
  [ "$rc" = 0 ] || [ "$rc" = 124 ] || { echo "ties_vs_torch.py failed (rc $rc)" >&2; exit 1; }
  torch=$(best "$(secs "$t0" "$t1")" "$torch")
  if [ "$rc" = 124 ]; then torch_capped=1; fi
done
rm -f "$out"
size=$(stat -L -c %s "$base")
torch_text=$(printf '%.2f s' "$torch") torch_ratio=$(printf '%.2f× ours' "$(ratio "$torch" "$ours")")
if [ "$torch_capped" = 1 ]; then torch_text="> ${TORCH_LIMIT:-600} s (stopped)" torch_ratio="> $(ratio "$torch" "$ours")× ours"; fi
table=$(printf '| measurement | time | ratio |\n|---|---|---|\n| `fastmerge merge --mode ties` 3 models over a base, density 0.5 (SD1.5 fp16, %s bytes each, scale %s, %s threads) | %.2f s | %.2f× floor (target ≤ 1.5), %.2f× written floor |\n| lower bound: `fastmerge merge --mode weighted_sum` of the same 4 files (same engine, no trim) | %.2f s | %.2f× floor |\n| floor: `cp BASE OUT` + `cat M1 M2 M3` | %.2f s | 1.00 |\n| written floor: `dd if=BASE of=OUT bs=1M` + `cat M1 M2 M3` (the output through user memory) | %.2f s | %.2f× floor |\n| mergekit-style torch 1.13 TIES (bench/ties_vs_torch.py, same threads) | %s | %s |\n' \
  "$size" "$scale" "$threads" "$ours" "$(ratio "$ours" "$floor")" "$(ratio "$ours" "$wfloor")" "$wsum" "$(ratio "$wsum" "$floor")" "$floor" "$wfloor" "$(ratio "$wfloor" "$floor")" "$torch_text" "$torch_ratio")
echo "$table"
if [ "$scale" = 1 ]; then append_results "ties_bench.sh (2 cores, shared with other builds; the machine was loaded)" "$table"; fi
