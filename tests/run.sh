#!/usr/bin/env bash
# Installs what is missing, configures, builds and runs every test; exits
# non-zero on any failure. With CI=true it also runs the package tests once
# (ctest --preset package: install shared and static, consume; the other
# test presets leave them out), builds the API reference (the docs target
# fails on undocumented API), runs the suite under the asan (ASan+UBSan) and
# tsan presets, a one-minute soak of authcore-server under hostile load
# (tests/soak/soak.py) and a shorter one over TLS, and every fuzz target for
# a bounded time
# (tests/fuzz/run.sh). A throwaway PostgreSQL cluster is started for the
# store and server tests and removed on exit, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

cmake/install-deps.sh

# ../shared holds DESIGN.md and the test vectors. In a clone that is not
# next to it, look beside the repository it was cloned from.
find_shared_dir() {
  local origin
  origin=$(git config --get remote.origin.url 2>/dev/null || true)
  for candidate in "$PWD/../shared" "${origin:+$origin/../shared}"; do
    if [ -n "$candidate" ] && [ -f "$candidate/testvectors/wycheproof_hs256.json" ]; then
      readlink -f "$candidate"
      return
    fi
  done
}
if [ -z "${AUTHCORE_SHARED_DIR:-}" ]; then
  AUTHCORE_SHARED_DIR=$(find_shared_dir)
  export AUTHCORE_SHARED_DIR
fi

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

run_preset() {
  echo "== $1 =="
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$1"
  ctest --preset "$1"
}

run_preset dev
if [ "${CI:-}" = true ]; then
  echo "== package =="
  ctest --preset package
  echo "== docs =="
  cmake --build --preset dev --target docs
  run_preset asan
  run_preset tsan
  /usr/bin/python3 tests/soak/soak.py build/dev/examples/server/authcore-server 60
  /usr/bin/python3 tests/soak/soak.py build/dev/examples/server/authcore-server 45 --tls
  tests/fuzz/run.sh
fi
echo "tests/run.sh: all tests passed"
