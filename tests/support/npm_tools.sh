#!/usr/bin/env bash
# The tools the tests of authcore-server take from npm, pinned by
# tests/support/npm/package-lock.json: @redocly/cli (the OpenAPI linter) and
# swagger-ui-dist (Swagger UI's files, for the browser test and
# --docs-assets).
#
#   npm_tools.sh install     installs them unless already there, prints the node_modules directory
#   npm_tools.sh path        prints it if they are installed (exit 1 if not); never touches the network
#   npm_tools.sh exec CMD..  runs CMD with $AUTHCORE_NPM_TOOLS set to it (exit 1 if not installed)
#
# They go to ${AUTHCORE_NPM_CACHE:-~/.cache/authcore/npm-tools}/<hash of the
# lockfile>, so every build tree and preset shares one copy, a changed
# lockfile gets a fresh one, and once installed nothing needs the network.
# `npm ci` installs exactly the lockfile, checking each package's integrity
# hash; install scripts are not run (none of these needs one).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lock="$here/npm/package-lock.json"
cache="${AUTHCORE_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/authcore/npm-tools}"
dir="$cache/$(sha256sum "$lock" | cut -c1-16)"

case "${1:-}" in
  path)
    [ -f "$dir/.installed" ] || exit 1
    echo "$dir/node_modules"
    ;;
  exec)
    [ -f "$dir/.installed" ] || { echo "npm_tools.sh: not installed; run npm_tools.sh install" >&2; exit 1; }
    shift
    AUTHCORE_NPM_TOOLS="$dir/node_modules" exec "$@"
    ;;
  install)
    command -v npm >/dev/null || { echo "npm_tools.sh: npm is missing (cmake/install-deps.sh installs it)" >&2; exit 1; }
    mkdir -p "$dir"
    # Two test runs at once install once.
    exec 9>"$dir.lock"
    flock 9
    if [ ! -f "$dir/.installed" ]; then
      cp "$here/npm/package.json" "$lock" "$dir/"
      (cd "$dir" && npm ci --prefer-offline --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
      touch "$dir/.installed"
    fi
    echo "$dir/node_modules"
    ;;
  *)
    echo "usage: npm_tools.sh install | path | exec COMMAND..." >&2
    exit 2
    ;;
esac
