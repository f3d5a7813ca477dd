#!/usr/bin/env bash
# Builds native-compat/build/libfastmerge.so (NativeAOT, CPU SIMD only) and, with --example, the C example.
# One command from a clean clone on Debian/Ubuntu: installs gcc if missing (NativeAOT links with it here;
# the ILCompiler package comes from NuGet on first restore).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/build"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v gcc >/dev/null || ! command -v objcopy >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc binutils libc6-dev >/dev/null
  else
    echo "build-native.sh: gcc and binutils are needed (apt-get install gcc binutils libc6-dev)" >&2
    exit 1
  fi
fi

rm -rf "$out"
mkdir -p "$out"
dotnet publish "$here/Fast.Native/Fast.Native.csproj" -c Release -o "$out/publish" -nologo -v quiet
cp "$out/publish/libfastmerge.so" "$out/"
rm -rf "$out/publish"
echo "built $out/libfastmerge.so"
