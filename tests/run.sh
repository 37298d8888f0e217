#!/usr/bin/env bash
# Installs what is missing (Debian packages, and the npm tools of the server
# tests), configures, builds and runs every test; exits non-zero on any
# failure. The dev preset runs the tests with OAuth2 client libraries, a
# headless Chromium, TLS clients and the OpenAPI linter (label external).
# With CI=true it also checks the formatting of every C++ file
# (tests/format/check_format.sh) before building, runs clang-tidy over the
# library (tests/tidy/check_tidy.sh), runs the package tests once (ctest
# --preset package: install shared and static and consume, the shared
# libraries' exports, authcore as a subproject; the other test presets leave
# them out), builds the API reference (the docs target fails on undocumented
# API), runs the suite under the asan (ASan+UBSan) and tsan presets without
# the external tests, a one-minute soak of authcore-server under hostile
# load (tests/soak/soak.py) and a shorter one over TLS, and every fuzz
# target for a bounded time (tests/fuzz/run.sh). Each step says how long it
# took. A throwaway PostgreSQL cluster is started for the
# store and server tests and removed on exit, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

cmake/install-deps.sh
tests/support/npm_tools.sh install >/dev/null

cleanup() { tests/support/postgres.sh destroy || true; }
trap cleanup EXIT
if postgres_env=$(tests/support/postgres.sh start); then
  eval "$postgres_env"
elif [ "${AUTHCORE_REQUIRE_POSTGRES:-0}" = 1 ]; then
  echo "tests/run.sh: could not start PostgreSQL and AUTHCORE_REQUIRE_POSTGRES=1" >&2
  exit 1
else
  echo "tests/run.sh: could not start PostgreSQL; its tests will skip" >&2
fi

# step <name> <command>...: one step of the run, timed.
step() {
  local name=$1 start=$SECONDS
  shift
  echo "== $name =="
  "$@"
  echo "== $name: $((SECONDS - start)) s =="
}

run_preset() {
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$1"
  ctest --preset "$1"
}

if [ "${CI:-}" = true ]; then
  step format tests/format/check_format.sh
fi
step dev run_preset dev
if [ "${CI:-}" = true ]; then
  step clang-tidy tests/tidy/check_tidy.sh build/dev
  step package ctest --preset package
  step docs cmake --build --preset dev --target docs
  step asan run_preset asan
  step tsan run_preset tsan
  step soak /usr/bin/python3 tests/soak/soak.py build/dev/examples/server/authcore-server 60
  step soak-tls /usr/bin/python3 tests/soak/soak.py build/dev/examples/server/authcore-server 45 --tls
  step fuzz tests/fuzz/run.sh
fi
echo "tests/run.sh: all tests passed"
