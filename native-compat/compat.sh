#!/usr/bin/env bash
# Compat suite: fastmerge against the PyTorch/scipy reference (native-compat/reference), tensor by
# tensor, over every mode, calcmode, block list, exclusion, position-ids policy and --dtype
# variant in native-compat/compat/cases.py, on small synthetic SD1/SD2/SDXL checkpoints.
#
#   bash native-compat/compat.sh [--quick] [--filter REGEX] [--no-build] [--keep] [--work DIR]
#                                [--fastmerge-args "--device gpu"]
#
# Exit status 1 if any case fails (a case fastmerge does not support yet fails too). The last line
# is always "compat: N identical, M within tolerance, K failed".
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# torch's f32 sums and pow (extract's cosine) run in 8-lane vectors with AVX2 (its default on x86, and what CI
# has); forced AVX-512 would give 16 lanes and other bits than fastmerge reproduces. Pin it for the reference.
export ATEN_CPU_CAPABILITY=avx2

build=1 keep=0 work="" runner_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) runner_args+=(--quick) ;;
    --filter) runner_args+=(--filter "$2"); shift ;;
    --no-build) build=0 ;;
    --keep) keep=1; runner_args+=(--keep) ;;
    --work) work="$2"; shift ;;
    --fastmerge-args) runner_args+=(--fastmerge-args "$2"); shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "compat.sh: unknown option $1" >&2; echo "compat: 0 identical, 0 within tolerance, 1 failed"; exit 2 ;;
  esac
  shift
done

fail_line() { echo "compat: 0 identical, 0 within tolerance, 1 failed"; }

if [ -z "$work" ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/fastmerge-compat.XXXXXX")
  [ "$keep" = 1 ] || trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"

dll=src/Fast.Cli/bin/Release/net10.0/fastmerge.dll
if [ "$build" = 1 ]; then
  echo "== building fastmerge (Release)"
  if ! dotnet build src/Fast.Cli -c Release -v quiet -nologo >"$work/build.log" 2>&1; then
    tail -n 30 "$work/build.log"
    echo "compat.sh: build failed"
    fail_line
    exit 1
  fi
fi
if [ ! -f "$dll" ]; then
  echo "compat.sh: $dll not found (build it, or drop --no-build)"
  fail_line
  exit 1
fi

echo "== compat: comparer self-test, and torch's FMA lerp the reference relies on"
if ! /usr/bin/python3 -m pytest native-compat/compat/tests native-compat/reference/tests/test_torch_semantics.py \
    -q -p no:cacheprovider; then
  echo "compat.sh: the comparer's tests or the reference's torch check fail; no verdict can be trusted"
  fail_line
  exit 1
fi

echo "== compat: fastmerge vs reference_merge.py (work folder $work)"
start=$(date +%s)
set +e
/usr/bin/python3 native-compat/compat/run_compat.py --fastmerge "$dll" --work "$work" "${runner_args[@]}" 2>&1 | tee "$work/compat.log"
status=${PIPESTATUS[0]}
set -e
# The runner's own last line is the summary; anything after it (a traceback) means it crashed.
last=$(tail -n 1 "$work/compat.log")
echo "compat.sh: $(( $(date +%s) - start )) s"
if [[ "$last" != compat:* ]]; then
  echo "compat.sh: the runner stopped before its summary (exit $status)"
  fail_line
  exit 1
fi
echo "$last"
exit "$status"
