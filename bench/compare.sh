#!/usr/bin/env bash
# The headline comparisons in one command, side by side in one run on this machine:
#
#   bench/compare.sh            (about 15-25 minutes on 2 cores; needs /usr/bin/python3 with torch and scipy)
#
#   merge     full-size SD1.5-layout fp16 weighted sum and add difference (26-value lists): FastMerge vs the
#             I/O floor vs the PyTorch reference; add difference + smoothAdd vs the scipy reference
#             (extrapolated from a key subset); SDXL-layout merge peak private memory (bench/merge_bench.sh)
#   kernels   fp16 lerp / add difference bytes/s vs the same-run memcpy (BenchmarkDotNet); smoothAdd median +
#             gaussian ns per element vs scipy (bench/filters_vs_scipy.py)
#   bulk      variants to files vs the cp floor and variants/s to the hash sink (bench/bulk_bench.sh)
#
# Prints one table, appends it with date and CPU to bench/RESULTS.md, and puts it into README.md between the
# "compare:begin" and "compare:end" markers. Work files: $FASTMERGE_BENCH_DIR (default /tmp/fastmerge-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
py=/usr/bin/python3
$py -c 'import torch, scipy' 2>/dev/null || { echo "compare.sh: needs /usr/bin/python3 with torch and scipy (apt-get install -y python3-torch python3-scipy python3-numpy)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rows=$tmp/rows.md
: > "$rows"
export BENCH_ROWS_FILE=$rows BENCH_NO_APPEND=1
started=$(date +%s)
section() { printf '| **%s** | | |\n' "$1" >> "$rows"; echo "== $1" >&2; }

section "merge (SD1.5 / SDXL layouts, full size, warm page cache)"
bench/merge_bench.sh ws ad smooth sdxl-mem >&2

section "kernels: fp16 over 64 MiB tensors, bytes/s vs the same-run memcpy (target ≥ 0.7)"
dotnet run -c Release --project bench/Fast.Bench -- --filter '*Fp16MergeBenchmarks*' --exporters csv \
  --artifacts "$tmp/bdn" >&2
$py - "$tmp"/bdn/results/*Fp16MergeBenchmarks*-report.csv >> "$rows" <<'EOF'
import csv, re, sys
UNITS = {"ns": 1e-9, "us": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0}
def seconds(text):
    value, unit = text.replace(",", "").split()
    return float(value) * UNITS[unit]
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
for r in rows:
    r["Method"] = r["Method"].strip("'")
groups = {}
for r in rows:
    groups.setdefault((r["Job"], r["Categories"]), []).append(r)
for (job, category), items in sorted(groups.items()):
    base = next(r for r in items if r["Method"].startswith("memcpy"))
    base_rate = int(re.search(r"(\d+) MiB traffic", base["Method"]).group(1)) / seconds(base["Mean"])
    for r in items:
        if r is base:
            continue
        rate = int(re.search(r"(\d+) MiB traffic", r["Method"]).group(1)) / seconds(r["Mean"])
        name = re.sub(r" \(.*", "", r["Method"])
        print(f"| {name}, {category}, {job} | {rate / 1024:.2f} GiB/s | {rate / base_rate:.2f}× memcpy ({base_rate / 1024:.2f} GiB/s) |")
EOF

section "kernels: smoothAdd filters, f32, both cores vs scipy (target ≥ 50×)"
$py bench/filters_vs_scipy.py | tee "$tmp/filters.txt" >&2
awk 'NR > 1 && NF == 5 { printf "| %s %s | %s ns/element (scipy %s) | %s scipy |\n", $2, $1, $3, $4, $5 }' "$tmp/filters.txt" >> "$rows"

if [ -x bench/bulk_bench.sh ]; then
  section "bulk"
  bench/bulk_bench.sh >&2
else
  section "bulk: bench/bulk_bench.sh not present in this checkout"
fi

cpu=$(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }')
minutes=$(( ($(date +%s) - started + 59) / 60 ))
heading="compare.sh — $(date -u +%Y-%m-%d), $cpu, $(nproc) cores, $minutes min"
table=$(printf '| measurement | time / size | ratio |\n|---|---|---|\n'; cat "$rows")
echo
echo "### $heading"
echo
echo "$table"
{ echo; echo "### $heading"; echo; echo "$table"; } >> "$root/bench/RESULTS.md"

# README: replace what is between the markers with the latest table.
$py - "$root/README.md" "$heading" "$table" <<'EOF'
import sys
path, heading, table = sys.argv[1:4]
text = open(path, encoding="utf-8").read()
begin, end = "<!-- compare:begin -->", "<!-- compare:end -->"
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    text = f"{head}{begin}\nLatest `bench/compare.sh` ({heading}):\n\n{table}\n{end}{tail}"
    open(path, "w", encoding="utf-8").write(text)
EOF
