#!/usr/bin/env bash
# Builds fastmerge as it ships (dotnet publish, Release, ReadyToRun: startup code precompiled, ~0.15 s less per
# run than the JIT-only build output) into $1 and prints the path of the executable. Used by the bench scripts,
# so every figure is for the shipped form; tiers still JIT the SIMD kernels for the CPU they run on.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: bench/release-build.sh OUTDIR}
case "$(uname -m)" in x86_64) rid=linux-x64 ;; aarch64) rid=linux-arm64 ;; *) rid=linux-$(uname -m) ;; esac
dotnet publish src/Fast.Cli -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$out" -v q -nologo >/dev/null
echo "$out/fastmerge"
