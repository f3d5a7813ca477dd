#!/usr/bin/env bash
# Packs what bench/gpu-check.sh needs on a CUDA machine that has no .NET SDK (the lent device machines have CUDA,
# PyTorch and Python, but no dotnet) into one folder, default .dev/ (ignored by git; carry it to the machine):
#   dotnet-runtime.tar.xz  this machine's .NET runtime (muxer, host, Microsoft.NETCore.App), unpacked there
#   xunit/                 xunit.runner.console 2.4.1's .NET Core runner (runs the xunit v2 test DLLs without vstest)
#   gpu-tests/ cli/ bench/ Release builds of Fast.Kernels.Gpu.Tests, the fastmerge CLI (with the ILGPU adapter) and Fast.Bench
#   slothful/              the SlothfulAttention reference (../shared/slothful) and its fused golden file
# all but the runtime and the golden packed into apps.tar.xz: a device call carries at most 64 MiB.
# Usage: build/gpu-bundle.sh [DIR]; then bench/gpu-check.sh DIR OUTDIR on the GPU machine.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-.dev}
mkdir -p "$dir"
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
if [ ! -f "$dir/dotnet-runtime.tar.xz" ]; then
  tar -C "$dotnet_root" -cf - dotnet host shared/Microsoft.NETCore.App | xz -T0 -6 > "$dir/dotnet-runtime.tar.xz"
fi
if [ ! -f "$dir/xunit/xunit.console.dll" ]; then
  tmp=$(mktemp -d)
  curl -sSfL -o "$tmp/x.nupkg" https://api.nuget.org/v3-flatcontainer/xunit.runner.console/2.4.1/xunit.runner.console.2.4.1.nupkg
  unzip -q "$tmp/x.nupkg" 'tools/netcoreapp2.0/*' -d "$tmp"
  rm -rf "$dir/xunit"; mv "$tmp/tools/netcoreapp2.0" "$dir/xunit"; rm -rf "$tmp"
fi
build() { # project outdir
  rm -rf "$dir/$2"
  dotnet build "$1" -c Release -v q -nologo -o "$dir/$2" >/dev/null
  rm -rf "$dir/$2"/{cs,de,es,fr,it,ja,ko,pl,pt-BR,ru,tr,zh-Hans,zh-Hant}
}
build tests/Fast.Kernels.Gpu.Tests gpu-tests
build src/Fast.Cli cli
build bench/Fast.Bench bench
mkdir -p "$dir/slothful"
cp ../shared/slothful/reference.py ../shared/slothful/st.py "$dir/slothful/"
[ -f "$dir/G.safetensors" ] || /usr/bin/python3 ../shared/slothful/reference.py --out "$dir/G.safetensors"
tar -C "$dir" -cf - xunit gpu-tests cli bench slothful | xz -T0 -6 > "$dir/apps.tar.xz"
rm -rf "$dir"/{xunit,gpu-tests,cli,bench,slothful}
du -sh "$dir"/*
