#!/usr/bin/env bash
# Writes fastmerge.pc from fastmerge.pc.in for one layout (paths relative to the .pc file's folder, so the tree can
# move): make-pc.sh OUT.pc PREFIX_FROM_PCDIR LIBDIR INCLUDEDIR   e.g.  lib/pkgconfig/fastmerge.pc ../.. lib include
# The version and URL come from Directory.Build.props, the one place they are set.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
props="$here/../Directory.Build.props"
out=${1:?usage: make-pc.sh OUT.pc PREFIX_FROM_PCDIR LIBDIR INCLUDEDIR}
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$props" | head -1)
url=$(sed -n "s:.*<FastMergeRepositoryUrl[^>]*>\(.*\)</FastMergeRepositoryUrl>.*:\1:p" "$props" | head -1)
mkdir -p "$(dirname "$out")"
sed -e "s|@PREFIX_FROM_PCDIR@|$2|" -e "s|@LIBDIR@|$3|" -e "s|@INCLUDEDIR@|$4|" -e "s|@VERSION@|$version|" -e "s|@URL@|$url|" \
  "$here/fastmerge.pc.in" > "$out"
