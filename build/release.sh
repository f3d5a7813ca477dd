#!/usr/bin/env bash
# Builds every shipped form of FastMerge into artifacts/ (or --out DIR), with SHA256SUMS:
#
#   *.nupkg / *.snupkg                         FastMerge.SafeTensors, FastMerge.Kernels, FastMerge.Kernels.Gpu,
#                                              FastMerge.Merging, FastMerge.Merging.Gpu (libraries) and fastmerge (the dotnet tool), symbols
#   fastmerge-VERSION-linux-x64                the CLI, NativeAOT: one native executable, CPU SIMD kernels, no GPU path
#                                              (ILGPU generates code at run time, which NativeAOT cannot run)
#   fastmerge-gpu-VERSION-linux-x64            the CLI with the GPU path (--device gpu, CUDA through ILGPU): self-contained
#                                              single file, ReadyToRun; no .NET install needed
#   fastmerge-VERSION-win-x64.exe              self-contained single-file CLIs (with the GPU path) for Windows and
#   fastmerge-VERSION-osx-arm64                Apple silicon macOS. Not NativeAOT: NativeAOT links with the target OS's
#                                              native toolchain and cannot cross-compile from Linux to another OS.
#   libfastmerge-VERSION-linux-x64.tar.gz      lib/libfastmerge.so(.MAJOR, .VERSION), include/fastmerge.h,
#   libfastmerge-VERSION-linux-x64/            lib/pkgconfig/fastmerge.pc (relocatable), LICENSE, THIRD-PARTY-NOTICES
#   fastmerge-VERSION-py3-none-linux_x86_64.whl  the Python package with libfastmerge.so and the NativeAOT CLI
#
#   build/release.sh [--linux-only] [--out DIR]
#     --linux-only   skip the win-x64 and osx-arm64 CLIs (CI: they need their runtime packs and add ~2 min)
#
# Builds are deterministic (ContinuousIntegrationBuild: paths in PDBs normalised), so a commit gives the same packages.
# Needs the .NET 10 SDK, gcc/binutils (NativeAOT links with them; native-compat/build-native.sh installs them as
# root on Debian) and, for the wheel, Debian's python3-setuptools/python3-wheel/python3-pip.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/artifacts"
linux_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --linux-only) linux_only=1 ;;
    --out) out=$(mkdir -p "$2" && cd "$2" && pwd); shift ;;
    *) echo "release.sh: unknown argument $1 (use --linux-only, --out DIR)" >&2; exit 2 ;;
  esac
  shift
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -1)
major=${version%%.*}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rm -rf "$out"
mkdir -p "$out"
step() { echo "== release: [$SECONDS s] $*"; }
ci=(-c Release -p:ContinuousIntegrationBuild=true -nologo -v q)

step "NuGet packages and the dotnet tool ($version)"
dotnet pack "$root/Fast.sln" "${ci[@]}" -o "$out" >/dev/null

# Each RID-specific publish gets its own intermediate folder: the NativeAOT build drops the GPU project reference,
# and none of them may disturb the obj/ of the everyday build.
publish() { # NAME RID EXTRA...
  local name=$1 rid=$2
  shift 2
  dotnet publish "$root/src/Fast.Cli" "${ci[@]}" -r "$rid" --artifacts-path "$work/obj-$name" -o "$work/$name" "$@" >/dev/null
}

step "linux-x64 NativeAOT CLI (CPU)"
publish aot linux-x64 -p:PublishAot=true
cp "$work/aot/fastmerge" "$out/fastmerge-$version-linux-x64"

step "linux-x64 self-contained single-file CLI with the GPU path"
single=(--self-contained true -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:PublishReadyToRun=true)
publish gpu-linux linux-x64 "${single[@]}"
cp "$work/gpu-linux/fastmerge" "$out/fastmerge-gpu-$version-linux-x64"

if [ "$linux_only" -eq 0 ]; then
  step "win-x64 and osx-arm64 self-contained single-file CLIs (NativeAOT cannot cross-compile to another OS)"
  publish win win-x64 "${single[@]}"
  cp "$work/win/fastmerge.exe" "$out/fastmerge-$version-win-x64.exe"
  publish osx osx-arm64 "${single[@]}"
  cp "$work/osx/fastmerge" "$out/fastmerge-$version-osx-arm64"
fi

step "libfastmerge.so, fastmerge.h, fastmerge.pc"
"$root/native-compat/build-native.sh" >/dev/null
lib="libfastmerge-$version-linux-x64"
mkdir -p "$out/$lib/lib" "$out/$lib/include"
cp "$root/native-compat/build/libfastmerge.so.$version" "$out/$lib/lib/"
ln -s "libfastmerge.so.$version" "$out/$lib/lib/libfastmerge.so.$major"
ln -s "libfastmerge.so.$major" "$out/$lib/lib/libfastmerge.so"
cp "$root/native-compat/include/fastmerge.h" "$out/$lib/include/"
cp "$root/LICENSE" "$root/THIRD-PARTY-NOTICES" "$out/$lib/"
"$root/native-compat/make-pc.sh" "$out/$lib/lib/pkgconfig/fastmerge.pc" ../.. lib include
tar -C "$out" --owner=0 --group=0 --numeric-owner -czf "$out/$lib.tar.gz" "$lib"

step "Python wheel"
"$root/native-compat/python/build-wheel.sh" "$out" "$root/native-compat/build/libfastmerge.so" "$out/fastmerge-$version-linux-x64" >/dev/null

(cd "$out" && find . -maxdepth 1 -type f ! -name SHA256SUMS -printf '%f\n' | sort | xargs sha256sum > SHA256SUMS)
step "done: $out"
cat "$out/SHA256SUMS"
