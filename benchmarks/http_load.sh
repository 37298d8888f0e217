#!/usr/bin/env bash
# HTTP load on authcore-server next to an empty Boost.Beast server in the
# same run (DESIGN §8): GET /users/me at 2 and 16 connections, login
# latency, /users/me while one client logs in back to back, and the server's
# memory. Prints every number and the ratios the targets are stated in.
#   DURATION  seconds per wrk run (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${DURATION:-10}
cmake/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target authcore-server empty_server >/dev/null
server_bin=build/release/examples/server/authcore-server
empty_bin=build/release/benchmarks/empty_server

work=$(mktemp -d /tmp/authcore-http-load.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
peak_kib() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }

# wrk's summary as "requests/s p50_ms p99_ms".
run_wrk() {
  local connections=$1 url=$2; shift 2
  wrk -t2 -c"$connections" -d"${duration}s" --latency "$@" "$url" >"$work/wrk.txt"
  awk '
    /Requests\/sec/ {rps=$2}
    /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
    END {
      printf "%s %s %s\n", rps, ms(p50), ms(p99)
    }
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
  ' "$work/wrk.txt"
}

# --- the ceiling ---
empty_port=$(free_port)
"$empty_bin" "$empty_port" 2 & pids+=($!)
sleep 0.5
read -r empty_rps empty_p50 empty_p99 < <(run_wrk 16 "http://127.0.0.1:$empty_port/users/me")

# --- authcore-server on SQLite ---
port=$(free_port)
head -c 32 /dev/urandom | base64 | tr -d '\n=' | tr '+/' '-_' >"$work/key"
"$server_bin" --quiet --port "$port" --db "$work/auth.db" --secret-file "$work/key" --threads 2 \
  >"$work/server.out" 2>"$work/server.err" & server_pid=$!
pids+=("$server_pid")
for _ in $(seq 50); do grep -q listening "$work/server.out" 2>/dev/null && break; sleep 0.1; done
sleep 0.5
idle_rss=$(rss_kib "$server_pid")
base="http://127.0.0.1:$port"
curl -fsS -o /dev/null -X POST "$base/signup" -H 'Content-Type: application/json' \
  -d '{"username":"bench","password":"correct horse battery","email":"bench@example.com"}'
token=$(curl -fsS -X POST "$base/token" -d 'username=bench&password=correct+horse+battery' |
  /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
auth=(-H "Authorization: Bearer $token")

read -r me2_rps me2_p50 me2_p99 < <(run_wrk 2 "$base/users/me" "${auth[@]}")
read -r me16_rps me16_p50 me16_p99 < <(run_wrk 16 "$base/users/me" "${auth[@]}")

# Login latency: 20 logins one after another.
login_ms=$(for _ in $(seq 20); do
  curl -fsS -o /dev/null -w '%{time_total}\n' -X POST "$base/token" -d 'username=bench&password=correct+horse+battery'
done | sort -n | awk '{v[NR]=$1} END {printf "%.1f", v[int(NR/2)+1]*1000}')

# /users/me while one client logs in back to back.
( while :; do curl -fsS -o /dev/null -X POST "$base/token" -d 'username=bench&password=correct+horse+battery' || true; done ) &
login_loop=$!
pids+=("$login_loop")
read -r busy_rps busy_p50 busy_p99 < <(run_wrk 16 "$base/users/me" "${auth[@]}")
kill "$login_loop" 2>/dev/null || true
peak_rss=$(peak_kib "$server_pid")

ratio() { /usr/bin/python3 -c "print(f'{$1/$2:.2f}')"; }
verdict() { /usr/bin/python3 -c "print('met' if $1 else 'MISSED')"; }
hash_workers=$(nproc)
cat <<REPORT

authcore-server HTTP load ($(nproc) cores, wrk -t2, ${duration}s per run, SQLite)
  empty Beast server, 16 connections     ${empty_rps} req/s   p50 ${empty_p50} ms   p99 ${empty_p99} ms
  GET /users/me,  2 connections          ${me2_rps} req/s   p50 ${me2_p50} ms   p99 ${me2_p99} ms
  GET /users/me, 16 connections          ${me16_rps} req/s   p50 ${me16_p50} ms   p99 ${me16_p99} ms
  GET /users/me, 16 conn. during logins  ${busy_rps} req/s   p50 ${busy_p50} ms   p99 ${busy_p99} ms
  login (POST /token), median of 20      ${login_ms} ms
  RSS idle                               $((idle_rss / 1024)) MiB
  RSS peak                               $((peak_rss / 1024)) MiB

Targets (DESIGN §8):
  /users/me (16) / empty server          $(ratio "$me16_rps" "$empty_rps")   >= 0.75   $(verdict "$me16_rps >= 0.75 * $empty_rps")
  /users/me (16) p99                     ${me16_p99} ms   < 2 ms   $(verdict "$me16_p99 < 2")
  during logins / unloaded               $(ratio "$busy_rps" "$me16_rps")   >= 0.50   $(verdict "$busy_rps >= 0.5 * $me16_rps")
  RSS idle                               $((idle_rss / 1024)) MiB   < 32 MiB   $(verdict "$idle_rss < 32 * 1024")
  RSS peak - idle                        $(((peak_rss - idle_rss) / 1024)) MiB   < ${hash_workers} x 64 MiB   $(verdict "$peak_rss - $idle_rss < $hash_workers * 64 * 1024")
REPORT
