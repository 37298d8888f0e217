#!/usr/bin/env bash
# Instructions per GET /users/me, counted by callgrind (valgrind): unlike
# wall-clock figures they do not depend on what else the machine runs, so
# two builds can be compared on a busy machine. For each authcore-server
# binary given (default: the release build's), starts it under callgrind
# on a fresh SQLite file, signs up and logs in, sends 200 warm-up requests,
# zeroes the counters, sends REQUESTS (default 2000) on one keep-alive
# connection, dumps, and prints the server's instructions per request and
# the fifteen functions that cost the most (exclusive).
#   benchmarks/callgrind_users_me.sh [authcore-server ...]
set -euo pipefail
cd "$(dirname "$0")/.."

requests=${REQUESTS:-2000}
servers=("$@")
if [ ${#servers[@]} -eq 0 ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target authcore-server >/dev/null
  servers=(build/release/examples/server/authcore-server)
fi
command -v valgrind >/dev/null || { echo "callgrind_users_me: valgrind is not installed" >&2; exit 1; }

work=$(mktemp -d /tmp/authcore-callgrind.XXXXXX)
server_pid=
cleanup() {
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

for server in "${servers[@]}"; do
  port=$(free_port)
  head -c 32 /dev/urandom | base64 | tr -d '\n=' | tr '+/' '-_' >"$work/key"
  rm -f "$work"/auth.db* "$work"/callgrind.out*
  valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" --dump-instr=no \
    "$server" --quiet --port "$port" --db "$work/auth.db" --secret-file "$work/key" --threads 2 --hash-workers 1 \
    --password-policy t=1,m=8 >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  for _ in $(seq 600); do grep -q listening "$work/server.out" 2>/dev/null && break; sleep 0.1; done
  /usr/bin/python3 benchmarks/callgrind_client.py "$port" "$work/token" login 200
  callgrind_control --zero "$server_pid" >/dev/null 2>&1
  /usr/bin/python3 benchmarks/callgrind_client.py "$port" "$work/token" me "$requests"
  callgrind_control --dump "$server_pid" >/dev/null 2>&1
  kill -TERM "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=
  dump=$(ls -t "$work"/callgrind.out.* | head -1)
  total=$(callgrind_annotate "$dump" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}')
  echo "== $server"
  echo "GET /users/me: $((total / requests)) instructions per request (server, all threads; $requests requests)"
  echo "where they go (instructions per request spent in the function itself, the top 15):"
  # Zeroing mid-run leaves the threads' entry points (clone, main, ...)
  # holding the whole run as their own cost: anything above 30% of the
  # total is such a root, not a hot spot.
  callgrind_annotate --threshold=100 --inclusive=no "$dump" 2>/dev/null |
    /usr/bin/python3 -c '
import re, sys
requests, total = int(sys.argv[1]), int(sys.argv[2])
shown = 0
for line in sys.stdin:
    row = re.match(r" *([0-9,]+) \( *[0-9.]+%\)  (.*?)( \[[^]]*\])?$", line)
    if not row or "PROGRAM TOTALS" in line:
        continue
    cost = int(row.group(1).replace(",", ""))
    if cost > 0.3 * total:
        continue
    print(f"  {cost // requests:7d}  {row.group(2)[:110]}")
    shown += 1
    if shown == 15:
        break
' "$requests" "$total"
done
