#!/usr/bin/env bash
# The header fuzz loop (tests/Fast.Merging.Tests/Fuzz/HeaderFuzzTests.cs) for longer than CI runs it: reader (both
# read modes) and planner over seeded mutants of a real header; fails on any exception but the typed bad-input ones.
#
#   bench/fuzz_headers.sh [ITERATIONS]      (default 20000; CI runs 500)
set -euo pipefail
cd "$(dirname "$0")/.."
FASTMERGE_FUZZ_ITERATIONS=${1:-20000} dotnet test tests/Fast.Merging.Tests -c Release --filter "FullyQualifiedName~HeaderFuzzTests"
