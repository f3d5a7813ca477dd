#!/usr/bin/env bash
# SlothfulAttention goldens: reference.py (../shared/slothful, beside the checkout) writes the fused, salt-1 and
# unfused (--nofma) golden files; `fastmerge slothful replay` recomputes them at every ISA level of the kernel
# matrix and on 1 and 2 threads, and once through the ILGPU kernels on ILGPU's CPU accelerator; `reference.py --check` must say every tensor is identical. Each replay+check is
# one test: the last line is "N passed, M failed" so .ci/run's closing count includes it.
set -uo pipefail
cd "$(dirname "$0")/.."
shared=${SLOTHFUL_SHARED:-../shared/slothful}
ref=$shared/reference.py
dll=src/Fast.Cli/bin/Release/net10.0/fastmerge.dll
if [ ! -f "$ref" ]; then
  echo "slothful: $ref not found (CI clones the repo next to shared/)"; echo "0 passed, 1 failed"; exit 1
fi
if [ ! -f "$dll" ]; then
  dotnet build src/Fast.Cli -c Release -v quiet -nologo >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/slothful.XXXXXX")
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$ref" --out "$work/G.safetensors" || { echo "0 passed, 1 failed"; exit 1; }
/usr/bin/python3 "$ref" --out "$work/G1.safetensors" --salt 1 || { echo "0 passed, 1 failed"; exit 1; }
/usr/bin/python3 "$ref" --out "$work/GN.safetensors" --nofma || { echo "0 passed, 1 failed"; exit 1; }
pass=0 fail=0
check() {  # golden, label, env, replay args...
  local golden=$1 label=$2 envs=$3; shift 3
  local out="$work/out.safetensors" line
  if env $envs dotnet "$dll" slothful replay "$work/$golden" -o "$out" --overwrite "$@" >"$work/replay.log" 2>&1 \
     && line=$(/usr/bin/python3 "$ref" --check "$out" --golden "$work/$golden" 2>&1 | tail -1) \
     && [[ "$line" =~ ^([0-9]+)/([0-9]+)\ identical$ ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]; then
    pass=$((pass + 1)); echo "ok   $label: $line"
  else
    fail=$((fail + 1)); echo "FAIL $label: ${line:-}"; tail -3 "$work/replay.log"
  fi
}
for isa in "X=1" "DOTNET_EnableAVX512F=0 DOTNET_EnableAVX512=0" DOTNET_EnableAVX2=0 DOTNET_EnableHWIntrinsic=0; do
  for threads in 1 2; do
    check G.safetensors "fused golden, ${isa/X=1/default ISA}, threads $threads" "$isa" --threads "$threads"
  done
done
check G1.safetensors "salt 1 golden, threads 2" "X=1" --threads 2
check GN.safetensors "nofma golden, --lerp unfused, threads 2" "X=1" --threads 2 --lerp unfused
check GN.safetensors "nofma golden, --lerp unfused, no SIMD" "DOTNET_EnableHWIntrinsic=0" --threads 1 --lerp unfused
# The ILGPU kernels on ILGPU's CPU accelerator (about a minute of CPU: one run only).
check G.safetensors "fused golden, ILGPU kernels on the CPU accelerator" "X=1" --device ilgpu-cpu
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
