#!/usr/bin/env bash
# The authcore walk-through: installs what is missing, builds the examples
# (Release, in build/demo) and runs the main one.
set -euo pipefail
cd "$(dirname "$0")/.."

cmake/install-deps.sh
cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=Release -DAUTHCORE_BUILD_TESTS=OFF >/dev/null
cmake --build build/demo -j2 --target issue_and_verify
echo
echo "== examples/minimal/issue_and_verify =="
build/demo/examples/issue_and_verify
