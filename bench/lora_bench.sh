#!/usr/bin/env bash
# LoRA bake benchmark: `fastmerge lora bake` of a rank-32 kohya LoRA (every transformer and text-encoder module of
# SD1.5: attention q/k/v/out, feed-forward, proj_in/out 1x1, CLIP attention and MLP; 1.6·10^8 multiply-adds per
# rank) into a full-size SD1.5-layout fp16 model, against the I/O floor of the model: `cp` + `sync` of the model
# file (bake flushes before its rename). Warm page cache, best of 3 each, in one run; the ratio is from that run.
# Appends the table to bench/RESULTS.md. SCALE=16 makes a small smoke run (not appended).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
if [ -n "${BENCH_FASTMERGE:-}" ]; then fastmerge=$BENCH_FASTMERGE; else fastmerge_build; fi  # BENCH_FASTMERGE: an already built executable

scale=${SCALE:-1}
model=$work/sd1-lora-base-s$scale.safetensors
lora=$work/sd1-rank32-s$scale.safetensors
[ -f "$model" ] || fm synth --arch sd1 --seed 1 --dtype fp16 --scale "$scale" -o "$model" >/dev/null
[ -f "$lora" ] || /usr/bin/python3 - "$model" "$lora" <<'PY'
import sys, os
sys.path.insert(0, "native-compat/reference"); sys.path.insert(0, "native-compat/reference/tests")
import torch
from test_lora_bake import sd1_module_names, write_lora
names = [n for n in sd1_module_names() if "resnets" not in n and "samplers" not in n
         and not any(x in n for x in ("conv_in", "conv_out", "time_embedding"))]
n = write_lora(sys.argv[1], sys.argv[2], names, seed=7, rank=32, dtype=torch.float16, alpha=16, extra_unmatched=False)
print(f"{n} modules", file=sys.stderr)
PY
out=$work/lora-baked.safetensors
copy=$work/lora-copy.bin
floor=999999 bake=999999
for i in 1 2 3; do
  rm -f "$out" "$copy"; warm "$model" "$lora"
  t0=$(now); cp "$model" "$copy"; sync "$copy"; t1=$(now)
  floor=$(best "$(secs "$t0" "$t1")" "$floor")
  rm -f "$out" "$copy"; warm "$model" "$lora"
  t0=$(now); fm lora bake "$model" "$lora:0.8" -o "$out" >/dev/null; t1=$(now)
  bake=$(best "$(secs "$t0" "$t1")" "$bake")
done
rm -f "$out" "$copy"
size=$(stat -c %s "$model")
table=$(printf '| measurement | time | ratio |\n|---|---|---|\n| `fastmerge lora bake` rank-32 LoRA (%s bytes) into SD1.5 fp16 (%s bytes, scale %s) | %.2f s | %.2f× floor (target ≤ 1.5) |\n| floor: `cp` + `sync` of the model | %.2f s | 1.00 |\n' \
  "$(stat -c %s "$lora")" "$size" "$scale" "$bake" "$(ratio "$bake" "$floor")" "$floor")
echo "$table"
if [ "$scale" = 1 ]; then append_results "lora_bench.sh (2 cores, shared with other builds)" "$table"; fi
