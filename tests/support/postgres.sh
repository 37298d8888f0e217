#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests: its data directory and
# socket live in one private temporary directory, it listens on no TCP port,
# and it runs as the `postgres` user when started by root.
#
#   postgres.sh start          create and start a cluster; print `export`
#                              lines (AUTHCORE_TEST_POSTGRES_URL, _DIR, _CTL)
#   postgres.sh stop-server    stop it, keeping its data    (needs _DIR)
#   postgres.sh start-server   start it again               (needs _DIR)
#   postgres.sh destroy        stop it and remove it all    (needs _DIR)
set -euo pipefail

bindir=/usr/lib/postgresql/15/bin
port=54329  # only names the socket file inside the private directory
self=$(readlink -f "${BASH_SOURCE[0]}")

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_ctl_cmd() {
  local dir=$1; shift
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 "$@"
}

case "${1:-}" in
  start)
    [ -x "$bindir/initdb" ] || { echo "postgres.sh: $bindir/initdb not found (package postgresql-15)" >&2; exit 1; }
    dir=$(mktemp -d /tmp/authcore-pg.XXXXXX)
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    pg_ctl_cmd "$dir" -o "-c listen_addresses='' -k $dir -p $port -c max_connections=200 -c fsync=on" start >/dev/null ||
      { cat "$dir/server.log" >&2; exit 1; }
    echo "export AUTHCORE_TEST_POSTGRES_DIR='$dir'"
    echo "export AUTHCORE_TEST_POSTGRES_URL='postgresql://postgres@/postgres?host=$dir&port=$port'"
    echo "export AUTHCORE_TEST_POSTGRES_CTL='$self'"
    ;;
  stop-server)
    pg_ctl_cmd "${AUTHCORE_TEST_POSTGRES_DIR:?}" -m fast stop >/dev/null
    ;;
  start-server)
    dir=${AUTHCORE_TEST_POSTGRES_DIR:?}
    pg_ctl_cmd "$dir" -o "-c listen_addresses='' -k $dir -p $port -c max_connections=200" start >/dev/null
    ;;
  destroy)
    dir=${AUTHCORE_TEST_POSTGRES_DIR:-}
    [ -n "$dir" ] && [ -d "$dir" ] || exit 0
    pg_ctl_cmd "$dir" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: postgres.sh start | stop-server | start-server | destroy" >&2
    exit 2
    ;;
esac
