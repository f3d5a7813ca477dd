# Shared by the bench scripts (source it after `cd` to the repository root): timing, ratios, the warm page
# cache, table rows and the RESULTS.md entry. Defines $root and $work; `fastmerge_build` sets $fastmerge.
root=$PWD
work=${FASTMERGE_BENCH_DIR:-/tmp/fastmerge-bench}
mkdir -p "$work"

# The shipped form (ReadyToRun publish), built into the work folder.
fastmerge_build() { fastmerge=$(bench/release-build.sh "$work/fastmerge-release"); }
fm() { "$fastmerge" "$@"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
best() { awk -v x="$1" -v y="$2" 'BEGIN { print (x < y) ? x : y }'; }

# Warm page cache, from a settled start: earlier runs' dirty and cached pages (the bulk bench writes 32 GB) make
# the kernel reclaim memory during the next measurement, which costs the side that allocates more page cache.
# As root, write back and drop the cache first (a no-op where not permitted); then read the inputs once.
warm() {
  sync
  [ -w /proc/sys/vm/drop_caches ] && echo 3 > /proc/sys/vm/drop_caches || true
  cat "$@" >/dev/null
}

# Table rows; bench/compare.sh collects every script's rows into one table through $BENCH_ROWS_FILE
# (a script sets share_rows=0 to keep its rows to itself, e.g. a smoke run).
rows=()
share_rows=1
row() {
  rows+=("$(printf '| %s | %s | %s |' "$1" "$2" "$3")")
  [ -z "${BENCH_ROWS_FILE:-}" ] || [ "$share_rows" = 0 ] || printf '| %s | %s | %s |\n' "$1" "$2" "$3" >> "$BENCH_ROWS_FILE"
}

cpu_name() { lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }'; }

# append_results TITLE TABLE: a dated entry with the CPU in bench/RESULTS.md.
append_results() {
  { echo; echo "### $1 — $(date -u +%Y-%m-%d), $(cpu_name), $(nproc) cores"; echo; echo "$2"; } >> "$root/bench/RESULTS.md"
}
