#!/usr/bin/env bash
# Runs clang-tidy-14 with the checked-in .clang-tidy over the library: every
# .cpp under src/ and, through them, the headers of src/ and
# include/authcore/. Fails on any finding (.clang-tidy: WarningsAsErrors).
#   tests/tidy/check_tidy.sh [<build dir with compile_commands.json>]
# The build directory defaults to build/dev (the dev preset writes the
# compilation database); it must be configured, not built.
set -euo pipefail
cd "$(dirname "$0")/../.."

build=${1:-build/dev}
if [ ! -f "$build/compile_commands.json" ]; then
  echo "check_tidy: no $build/compile_commands.json; configure it first (cmake --preset dev)" >&2
  exit 1
fi
# GCC 12 compiles C++17 by default, so CMake writes no -std flag for
# cxx_std_17 into the database; clang-14, which clang-tidy is, defaults to
# C++14 and must be told.
if ! run-clang-tidy-14 -j 2 -quiet -p "$build" -extra-arg=-std=c++17 "^$PWD/src/.*\.cpp$" >"$build/clang-tidy.log" 2>&1; then
  # The findings without their colour codes, each once (a header's
  # appear once per file that includes it).
  sed 's/\x1b\[[0-9;]*m//g' "$build/clang-tidy.log" | grep -E '(warning|error):' | sort -u >&2 ||
    cat "$build/clang-tidy.log" >&2
  echo "check_tidy: clang-tidy found the above (full log: $build/clang-tidy.log)" >&2
  exit 1
fi
echo "check_tidy: src/ is clean ($(grep -c '^clang-tidy-14 ' "$build/clang-tidy.log") files)"
