#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz preset: clang-14, ASan+UBSan) and runs
# each for a bounded time from its committed seed corpus (server_tls_fuzz
# starts from server_request_fuzz's: the same requests, over TLS). Any crash,
# leak, timeout or sanitizer report fails the run. Prints executions and
# coverage.
#   AUTHCORE_FUZZ_SECONDS  time per target (default 60)
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${AUTHCORE_FUZZ_SECONDS:-60}
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

work=$(mktemp -d /tmp/authcore-fuzz.XXXXXX)
artifacts=build/fuzz/artifacts
mkdir -p "$artifacts"
trap 'rm -rf "$work"' EXIT
# server_tls_fuzz's certificate, made for this run as the TLS tests' are.
tests/support/make_test_certificates.sh "$work/tls" >/dev/null
export AUTHCORE_FUZZ_TLS_DIR=$work/tls
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

summary=()
targets=()
for target_dir in tests/fuzz/corpus/*/; do targets+=("$(basename "$target_dir")"); done
targets+=(server_tls_fuzz)
for target in "${targets[@]}"; do
  seeds=tests/fuzz/corpus/$target
  if [[ $target == server_tls_fuzz ]]; then seeds=tests/fuzz/corpus/server_request_fuzz; fi
  binary=build/fuzz/tests/fuzz/$target
  corpus=$work/$target
  mkdir -p "$corpus"
  cp "$seeds"/* "$corpus"/
  log=$work/$target.log
  echo "== $target: ${seconds}s =="
  # Tokens over 8 KiB are refused from their length alone; 16 KiB inputs
  # still cover that path. -timeout makes any hang a failure.
  if ! "$binary" -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$artifacts/$target-" "$corpus" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz: $target FAILED; the input is in $artifacts" >&2
    exit 1
  fi
  runs=$(grep -o 'Done [0-9]* runs' "$log" | grep -o '[0-9]*' || echo "?")
  coverage=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1 || echo "cov: ?")
  summary+=("$(printf '%-20s %12s runs in %ss   %s   corpus %s' "$target" "$runs" "$seconds" "$coverage" "$(ls "$corpus" | wc -l)")")
done
printf '%s\n' "fuzz summary:" "${summary[@]}"
