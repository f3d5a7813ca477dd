#!/usr/bin/env bash
# Builds native-compat/build/libfastmerge.so (NativeAOT, CPU SIMD only) with its SONAME links and pkgconfig/fastmerge.pc.
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
# The file carries its full version; the SONAME link (.so.MAJOR) is what programs linked with -lfastmerge load, and the
# plain .so is what the linker and ctypes look for. fastmerge.pc points at this folder and ../include.
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$here/../Directory.Build.props" | head -1)
major=${version%%.*}
cp "$out/publish/libfastmerge.so" "$out/libfastmerge.so.$version"
ln -s "libfastmerge.so.$version" "$out/libfastmerge.so.$major"
ln -s "libfastmerge.so.$major" "$out/libfastmerge.so"
rm -rf "$out/publish"
"$here/make-pc.sh" "$out/pkgconfig/fastmerge.pc" .. . ../include
echo "built $out/libfastmerge.so.$version (SONAME libfastmerge.so.$major) and $out/pkgconfig/fastmerge.pc"
