#!/usr/bin/env bash
# Builds the fastmerge wheel for this platform, offline: build-wheel.sh OUTDIR [LIBFASTMERGE_SO [FASTMERGE_CLI]]
#   LIBFASTMERGE_SO  default native-compat/build/libfastmerge.so (native-compat/build-native.sh)
#   FASTMERGE_CLI    default: the NativeAOT CLI, published here into a temporary folder (~1 min)
# The package is staged in a temporary folder with the native files inside it, then
# `pip wheel --no-build-isolation --no-deps` builds it with the system setuptools and wheel (Debian:
# python3-setuptools python3-wheel python3-pip), so nothing is downloaded and the source tree stays clean.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out=${1:?usage: build-wheel.sh OUTDIR [LIBFASTMERGE_SO [FASTMERGE_CLI]]}
lib=${2:-$root/native-compat/build/libfastmerge.so}
cli=${3:-}
python=${PYTHON:-/usr/bin/python3}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! "$python" -c 'import setuptools, wheel, pip' 2>/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-setuptools python3-wheel python3-pip >/dev/null
  else
    echo "build-wheel.sh: needs setuptools, wheel and pip for $python (apt-get install python3-setuptools python3-wheel python3-pip)" >&2
    exit 1
  fi
fi
[ -f "$lib" ] || { echo "build-wheel.sh: $lib not found: run native-compat/build-native.sh first" >&2; exit 1; }

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
if [ -z "$cli" ]; then
  dotnet publish "$root/src/Fast.Cli" -c Release -r linux-x64 -p:PublishAot=true --artifacts-path "$stage/aot" \
    -o "$stage/cli" -nologo -v q >/dev/null
  cli="$stage/cli/fastmerge"
fi
[ -x "$cli" ] || { echo "build-wheel.sh: $cli is not an executable fastmerge CLI" >&2; exit 1; }

mkdir -p "$stage/src"
cp -r "$here/fastmerge" "$here/pyproject.toml" "$here/setup.py" "$stage/src/"
cp "$root/LICENSE" "$root/THIRD-PARTY-NOTICES" "$stage/src/"
cp "$here/README-wheel.md" "$stage/src/README.md"
find "$stage/src" -name __pycache__ -prune -exec rm -rf {} +
cp -L "$lib" "$stage/src/fastmerge/libfastmerge.so"   # the real file, not the SONAME link
mkdir -p "$stage/src/fastmerge/bin"
cp -L "$cli" "$stage/src/fastmerge/bin/fastmerge"
chmod 755 "$stage/src/fastmerge/bin/fastmerge"

mkdir -p "$out"
(cd "$stage/src" && "$python" -m pip wheel --no-build-isolation --no-deps --no-index -q -w "$out" .)
ls "$out"/fastmerge-*.whl
