#!/usr/bin/env bash
# Compiles fastmerge_test.c against native-compat/build/libfastmerge.so and runs it under valgrind memcheck,
# first on its own tiny models, then on two synthetic SD1 checkpoints when the CLI is built.
# Exit status: non-zero when a check fails or valgrind reports an error.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
lib="$root/native-compat/build"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Merges hash their inputs through a cache; keep the test's entries out of the user's ~/.cache.
export FASTMERGE_CACHE_DIR="$work/hash-cache"

if ! command -v valgrind >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null
  else
    echo "run.sh: valgrind is needed (apt-get install valgrind)" >&2
    exit 1
  fi
fi
[ -f "$lib/libfastmerge.so" ] || { echo "run.sh: build the library first: native-compat/build-native.sh" >&2; exit 1; }
gcc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -O1 -g -I"$root/native-compat/include" \
  "$here/fastmerge_test.c" -o "$work/fastmerge_test" -L"$lib" -lfastmerge -Wl,-rpath,"$lib" -pthread

# Errors in our code or in how we call the library fail the run (--error-exitcode); definite leaks count as
# errors. runtime.supp holds only reports from inside the .NET runtime itself (see the comments there).
memcheck=(valgrind --tool=memcheck --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
          --show-leak-kinds=definite --track-origins=yes --suppressions="$here/runtime.supp" -q)

echo "== C example under valgrind: tiny models"
"${memcheck[@]}" "$work/fastmerge_test" "$work"

cli="$root/src/Fast.Cli/bin/Release/net10.0/fastmerge.dll"
if [ -f "$cli" ]; then
  echo "== C example under valgrind: synthetic SD1 checkpoints"
  dotnet "$cli" synth --arch sd1 --scale 32 --seed 1 -o "$work/sd1_a.safetensors" >/dev/null
  dotnet "$cli" synth --arch sd1 --scale 32 --seed 2 -o "$work/sd1_b.safetensors" >/dev/null
  "${memcheck[@]}" "$work/fastmerge_test" "$work" "$work/sd1_a.safetensors" "$work/sd1_b.safetensors"
else
  echo "== (no $cli: SD1 run skipped; build src/Fast.Cli -c Release to include it)"
fi
echo "C example: valgrind clean, all checks passed"
