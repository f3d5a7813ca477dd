#!/usr/bin/env bash
# Doctor benchmark: `fastmerge check --json` (NaN/Inf scan, position ids, component hashes, sha256 and
# legacy hash) on a full-size SD1.5-layout fp16 file against `sha256sum` of the same file, warm page
# cache, best of 3 each, in one run. Appends the table with date and CPU to bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
fastmerge_build

file=$work/sd1-a.safetensors
[ -f "$file" ] || fm synth --arch sd1 --seed 1 --dtype fp16 -o "$file" >/dev/null
cat "$file" >/dev/null
sha=999999 chk=999999
for i in 1 2 3; do
  t0=$(now); sha256sum "$file" >/dev/null; t1=$(now)
  sha=$(best "$(secs "$t0" "$t1")" "$sha")
  t0=$(now); fm check "$file" --json >/dev/null || [ $? -eq 1 ]; t1=$(now)
  chk=$(best "$(secs "$t0" "$t1")" "$chk")
done
table=$(printf '| measurement | time | ratio |\n|---|---|---|\n| `fastmerge check --json` (full SD1.5 fp16, 1.99 GiB) | %.2f s | %.2f× sha256sum (target ≤ 1.3) |\n| `sha256sum` same file | %.2f s | 1.00 |\n' \
  "$chk" "$(awk -v a="$chk" -v b="$sha" 'BEGIN{print a/b}')" "$sha")
echo "$table"
append_results check_bench.sh "$table"
