#!/usr/bin/env bash
# Every way in, installed as a user would from what build/release.sh produces (its Linux parts), with no project
# reference and no source tree on any path; each must merge two checkpoints into the same bytes as the CLI:
#   the dotnet tool from the local package folder into a temp tool path; a new console project referencing the
#   NuGet packages; the wheel in a fresh venv (and `python -m fastmerge`); a C program compiled with
#   `pkg-config --cflags --libs fastmerge`; the NativeAOT binary; the single-file GPU build on the CPU.
# Also: `unzip -l` of each package (license, readme, XML docs, symbols), the SONAME, and one version everywhere.
# Prints one line per check and "install: N passed, M failed" (.ci/run sums it); exit status 1 when one failed.
#   build/test-install.sh [--artifacts DIR]   (DIR: use an existing release.sh --linux-only output instead of building)
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
art=""
[ "${1:-}" = "--artifacts" ] && art=$(cd "$2" && pwd)
passed=0 failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
check() { local what=$1; shift; if "$@" >"$work/last.log" 2>&1; then ok "$what"; else fail "$what"; sed 's/^/     /' "$work/last.log" | tail -20; fi; }
finish() { echo "install: $passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }
t0=$SECONDS

# Tools the checks use (a fresh Debian machine lacks some): install them as root, else say what is missing.
need=()
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v unzip >/dev/null || need+=(unzip)
command -v readelf >/dev/null || need+=(binutils)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
/usr/bin/python3 -c 'import ensurepip, setuptools, wheel, pip' 2>/dev/null || need+=(python3-venv python3-setuptools python3-wheel python3-pip)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    fail "missing tools: apt-get install ${need[*]}"; finish
  fi
fi

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -1)
major=${version%%.*}
if [ -z "$art" ]; then
  art="$work/artifacts"
  if ! "$root/build/release.sh" --linux-only --out "$art" >"$work/release.log" 2>&1; then
    tail -30 "$work/release.log"; fail "build/release.sh --linux-only"; finish
  fi
  ok "build/release.sh --linux-only ($((SECONDS - t0)) s)"
  grep '^== release:' "$work/release.log" | sed 's/^/     /'   # where the time went (CI time is budgeted)
fi
lib="$art/libfastmerge-$version-linux-x64"
aot="$art/fastmerge-$version-linux-x64"

# Inputs, and the reference bytes: the CLI of this checkout (framework-dependent build output, run with dotnet).
# Every way in gets the same absolute paths (the recipe in the output's metadata records them).
mkdir -p "$work/m" && cd "$work/m"
export FASTMERGE_CACHE_DIR="$work/hash-cache"
"$aot" synth --arch sd1 --scale 32 --seed 1 -o "$work/m/a.safetensors" >/dev/null
"$aot" synth --arch sd1 --scale 32 --seed 2 -o "$work/m/b.safetensors" >/dev/null
A="$work/m/a.safetensors" B="$work/m/b.safetensors"
cli_dll="$root/src/Fast.Cli/bin/Release/net10.0/fastmerge.dll"
[ -f "$cli_dll" ] || dotnet build "$root/src/Fast.Cli" -c Release -nologo -v q >/dev/null
dotnet "$cli_dll" merge -a "$A" -b "$B" -o "$work/m/reference.safetensors" --alpha 0.3 >/dev/null
expected=$(sha256sum "$work/m/reference.safetensors" | cut -c1-64)
same() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -c1-64)" = "$expected" ]; }
echo "     reference: fastmerge merge (this checkout) sha256 $expected"

# NuGet: only the local folder for our ids, a private package cache (a cached 0.1.0 of an earlier build must not win).
export NUGET_PACKAGES="$work/nuget-packages"
cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local" value="$art" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="FastMerge.*" /><package pattern="fastmerge" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML

tool() {
  dotnet tool install fastmerge --version "$version" --tool-path "$work/tools" --configfile "$work/nuget.config" >/dev/null &&
    "$work/tools/fastmerge" merge -a "$A" -b "$B" -o "$work/m/tool.safetensors" --alpha 0.3 >/dev/null && same "$work/m/tool.safetensors"
}
check "dotnet tool install from the local folder; its merge equals the CLI's" tool

app() {
  mkdir -p "$work/app" && cd "$work/app" && cp "$work/nuget.config" . &&
    dotnet new console --force -o . >/dev/null &&
    dotnet add package FastMerge.Merging --version "$version" >/dev/null &&
    cp "$root/build/install-check/Program.cs" Program.cs &&
    ! grep -q ProjectReference ./*.csproj &&
    dotnet run -c Release -- "$A" "$B" "$work/m/nuget.safetensors" && same "$work/m/nuget.safetensors"
}
check "new console project on the FastMerge.Merging package; its merge equals the CLI's" app
cd "$work/m"

wheel() {
  /usr/bin/python3 -m venv "$work/venv" && "$work/venv/bin/pip" install -q --no-index "$art"/fastmerge-"$version"-py3-none-*.whl &&
    (cd "$work" && env -u PYTHONPATH "$work/venv/bin/python" -I -c '
import os, sys, fastmerge
assert fastmerge.__file__.startswith(sys.prefix), fastmerge.__file__
assert not any(p and os.path.abspath(p).startswith(sys.argv[1]) for p in sys.path), sys.path
assert fastmerge.version() == fastmerge.__version__ == sys.argv[5], (fastmerge.version(), fastmerge.__version__)
fastmerge.merge(sys.argv[2], sys.argv[3], sys.argv[4], alpha=0.3)
print("merged with", fastmerge.__file__)' "$root" "$A" "$B" "$work/m/python.safetensors" "$version") &&
    same "$work/m/python.safetensors"
}
check "wheel in a fresh venv (no source tree on sys.path); fastmerge.merge equals the CLI's" wheel
python_m() {
  (cd "$work" && env -u PYTHONPATH "$work/venv/bin/python" -I -m fastmerge merge -a "$A" -b "$B" -o "$work/m/python-m.safetensors" --alpha 0.3) &&
    same "$work/m/python-m.safetensors"
}
check "python -m fastmerge merge (the wheel's bundled CLI) equals the CLI's" python_m

c_program() {
  local flags
  flags=$(PKG_CONFIG_PATH="$lib/lib/pkgconfig" pkg-config --cflags --libs fastmerge) &&
    [ "$(PKG_CONFIG_PATH="$lib/lib/pkgconfig" pkg-config --modversion fastmerge)" = "$version" ] &&
    gcc -std=c11 -Wall -Wextra -Werror "$root/build/install-check/merge.c" -o "$work/merge-c" $flags &&
    readelf -d "$work/merge-c" | grep -q "NEEDED.*\[libfastmerge.so.$major\]" &&
    "$work/merge-c" "$A" "$B" "$work/m/c.safetensors" && same "$work/m/c.safetensors"
}
check "C program built with pkg-config --cflags --libs fastmerge (NEEDED libfastmerge.so.$major); its merge equals the CLI's" c_program

check "readelf -d: SONAME libfastmerge.so.$major" sh -c "readelf -d '$lib/lib/libfastmerge.so.$version' | grep -q 'SONAME.*\[libfastmerge.so.$major\]'"

native() { "$aot" merge -a "$A" -b "$B" -o "$work/m/aot.safetensors" --alpha 0.3 >/dev/null && same "$work/m/aot.safetensors" && ! ldd "$aot" | grep -q -i dotnet; }
check "NativeAOT binary $(basename "$aot"); its merge equals the CLI's" native
gpu_cpu() { "$art/fastmerge-gpu-$version-linux-x64" merge -a "$A" -b "$B" -o "$work/m/gpu.safetensors" --alpha 0.3 --device cpu >/dev/null && same "$work/m/gpu.safetensors"; }
check "single-file GPU build, --device cpu; its merge equals the CLI's" gpu_cpu

# Package contents.
for id in FastMerge.SafeTensors FastMerge.Kernels FastMerge.Kernels.Gpu FastMerge.Merging FastMerge.Merging.Gpu fastmerge; do
  nupkg="$art/$id.$version.nupkg"
  assembly=$(case $id in FastMerge.Merging) echo Fast.Merging ;; fastmerge) echo Fast.Merging ;; *) echo "${id/FastMerge/Fast}" ;; esac)
  listing=$(unzip -l "$nupkg" 2>/dev/null)
  contents() {
    grep -q " LICENSE$" <<<"$listing" && grep -q " README.md$" <<<"$listing" && grep -q " THIRD-PARTY-NOTICES$" <<<"$listing" &&
      grep -q "/$assembly.xml$" <<<"$listing" && [ -f "$art/$id.$version.snupkg" ] &&
      unzip -p "$nupkg" "$id.nuspec" | grep -q '<license type="expression">MIT</license>' &&
      unzip -p "$nupkg" "$id.nuspec" | grep -q '<readme>README.md</readme>' &&
      unzip -p "$nupkg" "$id.nuspec" | grep -q '<repository type="git" url="https'
  }
  check "unzip -l $id.$version.nupkg: LICENSE, README.md, THIRD-PARTY-NOTICES, $assembly.xml, MIT, repository, .snupkg" contents
done
check "unzip -l the wheel: libfastmerge.so, bin/fastmerge, LICENSE, THIRD-PARTY-NOTICES, tag py3-none-linux" sh -c "
  unzip -l '$art'/fastmerge-$version-py3-none-linux_*.whl | grep -q ' fastmerge/libfastmerge.so$' &&
  unzip -l '$art'/fastmerge-$version-py3-none-linux_*.whl | grep -q ' fastmerge/bin/fastmerge$' &&
  unzip -l '$art'/fastmerge-$version-py3-none-linux_*.whl | grep -q 'dist-info/LICENSE$' &&
  unzip -l '$art'/fastmerge-$version-py3-none-linux_*.whl | grep -q 'dist-info/THIRD-PARTY-NOTICES$'"
check "SHA256SUMS verifies every artifact" sh -c "cd '$art' && sha256sum --quiet -c SHA256SUMS && [ \$(wc -l < SHA256SUMS) -ge 14 ]"

echo "     ($((SECONDS - t0)) s)"
finish
