#!/usr/bin/env bash
# .ckpt import benchmark: `fastmerge convert X.ckpt -o X.safetensors` (restricted unpickler, tensors copied
# from where they lie in the zip) on a full-size SD1.5-layout fp16 checkpoint written by torch.save, against
# the floor of reading the zip and writing as many bytes durably (`cp` + `sync` of the copy: convert flushes
# before its rename), with `fix` of the same model as safetensors (the copy path convert runs) beside it. Warm page cache, best of 3 each, in one run. Appends the table to bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
if [ -n "${BENCH_FASTMERGE:-}" ]; then fastmerge=$BENCH_FASTMERGE; else fastmerge_build; fi  # BENCH_FASTMERGE: an already built executable

st=$work/sd1-a.safetensors
ckpt=$work/sd1-a.ckpt
[ -f "$st" ] || fm synth --arch sd1 --seed 1 --dtype fp16 -o "$st" >/dev/null
[ -f "$ckpt" ] || /usr/bin/python3 -c "
import sys; sys.path.insert(0, 'native-compat/reference')
import torch, safetensors_io as s
torch.save({'state_dict': s.load_file(sys.argv[1])}, sys.argv[2])" "$st" "$ckpt"
out=$work/ckpt-out.safetensors
copy=$work/ckpt-copy.bin
floor=999999 conv=999999 fix=999999
for i in 1 2 3; do
  rm -f "$out"; warm "$st"
  t0=$(now); fm fix "$st" --position-ids keep -o "$out" >/dev/null; t1=$(now)
  fix=$(best "$(secs "$t0" "$t1")" "$fix")
  rm -f "$out" "$copy"; warm "$ckpt"
  t0=$(now); cp "$ckpt" "$copy"; sync "$copy"; t1=$(now)
  floor=$(best "$(secs "$t0" "$t1")" "$floor")
  rm -f "$out" "$copy"; warm "$ckpt"
  t0=$(now); fm convert "$ckpt" -o "$out" >/dev/null; t1=$(now)
  conv=$(best "$(secs "$t0" "$t1")" "$conv")
done
rm -f "$out" "$copy"
size=$(stat -c %s "$ckpt")
table=$(printf '| measurement | time | ratio |\n|---|---|---|\n| `fastmerge convert` torch.save zip .ckpt → safetensors (SD1.5 fp16, %s bytes) | %.2f s | %.2f× floor (target ≤ 1.3) |\n| `fastmerge fix --position-ids keep` of the same model as safetensors (the copy path convert shares) | %.2f s | %.2f× floor |\n| floor: `cp` + `sync` of the same file | %.2f s | 1.00 |\n' \
  "$size" "$conv" "$(ratio "$conv" "$floor")" "$fix" "$(ratio "$fix" "$floor")" "$floor")
echo "$table"
append_results ckpt_bench.sh "$table"
