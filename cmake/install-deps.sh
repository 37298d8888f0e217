#!/usr/bin/env bash
# The one list of Debian 12 packages authcore needs to build, test, benchmark
# and document itself. Installs only what is missing; does nothing (and needs
# no privileges) when everything is present. Runs as root, or through sudo.
set -euo pipefail

packages=(
  # toolchain (make: the pkg-config consumer of tests/package)
  cmake ninja-build g++ pkg-config make
  # library dependencies (DESIGN §1)
  libssl-dev libsodium-dev nlohmann-json3-dev libcrypt-dev
  libsqlite3-dev libpq-dev
  # examples: authctl (CLI11), authcore-server (Boost.Beast, Asio, URL) and
  # authcore-httplib (cpp-httplib)
  libcli11-dev libboost1.81-dev libboost-url1.81-dev libcpp-httplib-dev
  # tests: Catch2 v2, a throwaway PostgreSQL, interop peers run by /usr/bin/python3
  catch2 postgresql-15 python3 python3-jwt python3-passlib python3-bcrypt python3-argon2
  # authcore-server's OAuth2, OpenAPI, TLS and CORS tests: real client
  # libraries, the document's schemas, certificates made with the openssl
  # CLI, curl as a TLS client, a real browser (Swagger UI at /docs, a page
  # on another origin), and npm for the OpenAPI linter and Swagger UI
  # (tests/support/npm_tools.sh)
  python3-requests python3-requests-oauthlib python3-authlib python3-jsonschema
  openssl curl chromium chromium-driver python3-selenium nodejs npm
  # tests: a real Prometheus scraping authcore-server's /metrics, and the
  # sqlite3 shell whose online backup docs/operations.md prescribes
  prometheus sqlite3
  # benchmarks and their peers; gnuplot draws benchmarks/http_load.sh's sweep
  libbenchmark-dev libjwt-dev libcpp-jwt-dev wrk gnuplot-nox
  # fuzzing (clang's libFuzzer runtime) and the API reference
  clang-14 libclang-rt-14-dev doxygen
  # CI's style checks: tests/format/check_format.sh, tests/tidy/check_tidy.sh
  clang-format-14 clang-tidy-14
)

is_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ] && return 0
  # A Node.js from elsewhere (NodeSource's nodejs package) brings its own npm,
  # and conflicts with Debian's.
  [ "$1" = npm ] && command -v npm >/dev/null 2>&1
}

missing=()
for package in "${packages[@]}"; do
  is_installed "$package" || missing+=("$package")
done

if [ "${1:-}" = "--check" ]; then
  [ ${#missing[@]} -eq 0 ] && exit 0
  echo "missing: ${missing[*]}" >&2
  exit 1
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
