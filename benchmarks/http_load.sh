#!/usr/bin/env bash
# HTTP load on authcore-server next to an empty Boost.Beast server in the
# same run (DESIGN §8, issue 16). One run measures:
#   - in ROUNDS interleaved rounds (empty, SQLite, PostgreSQL pair, again):
#     GET /users/me at 16 connections on the empty server (the ceiling), on
#     authcore-server on SQLite, and on two authcore-server instances sharing
#     one PostgreSQL database, loaded together (8 connections each, summed);
#     the ratios are taken per round and their median is reported;
#   - GET /users/me on SQLite while one client logs in back to back;
#   - fleet revocation: logout on instance A until the first 401 on B;
#   - a sweep over 1..64 connections, empty server and SQLite, drawn with
#     gnuplot into two PNGs;
#   - the SQLite instance's RSS, idle and at its peak;
# then a table of the targets, each met or MISSED.
#   DURATION  seconds per wrk run (default 10)
#   ROUNDS    interleaved rounds of empty / SQLite / PG pair (default 5)
#   OUT       where the sweep's .dat and PNGs go (default build/release/http_load)
# Exits 0 when everything was measured (a MISSED target included), non-zero
# when a step broke. PostgreSQL that cannot start leaves its rows "not
# measured" and is not a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${DURATION:-10}
rounds=${ROUNDS:-5}
out=${OUT:-build/release/http_load}
revocation_tries=50
sweep_connections=(1 2 4 8 16 32 64)
python=/usr/bin/python3
helper=benchmarks/http_load.py

cmake/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target authcore-server empty_server >/dev/null
server_bin=build/release/examples/server/authcore-server
empty_bin=build/release/benchmarks/empty_server
mkdir -p "$out"
out=$(cd "$out" && pwd)

work=$(mktemp -d /tmp/authcore-http-load.XXXXXX)
results=$work/results
pids=()
pg_started=
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$pg_started" ]; then
    tests/support/postgres.sh destroy || true
    if [ -d "$AUTHCORE_TEST_POSTGRES_DIR" ]; then
      echo "http_load.sh: PostgreSQL cluster $AUTHCORE_TEST_POSTGRES_DIR not removed" >&2
      [ "$status" -ne 0 ] || status=1
    fi
  fi
  rm -rf "$work"
  [ "$status" -eq 0 ] || echo "http_load.sh: failed (exit $status)" >&2
  exit "$status"
}
trap cleanup EXIT

free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
peak_kib() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }

# run_wrk NAME CONNECTIONS URL [wrk args...]: wrk's summary as
# "req/s p50_ms p99_ms"; its full output stays in $work/NAME.wrk.
run_wrk() {
  local name=$1 connections=$2 url=$3; shift 3
  local threads=$((connections < 2 ? connections : 2))
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$@" "$url" >"$work/$name.wrk"
  "$python" "$helper" wrk "$work/$name.wrk"
}

# start_server NAME DB: an authcore-server on a free port, waited for until
# it says "listening"; sets $server_pid and $server_url.
start_server() {
  local name=$1 db=$2 port
  port=$(free_port)
  "$server_bin" --quiet --port "$port" --db "$db" --secret-file "$work/key" --threads 2 \
    >"$work/$name.out" 2>"$work/$name.err" &
  server_pid=$!
  pids+=("$server_pid")
  for _ in $(seq 100); do
    grep -q listening "$work/$name.out" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { echo "http_load.sh: $name exited:" >&2; cat "$work/$name.err" >&2; return 1; }
    sleep 0.1
  done
  grep -q listening "$work/$name.out" || { echo "http_load.sh: $name never listened" >&2; return 1; }
  server_url="http://127.0.0.1:$port"
}

username=bench
password='correct horse battery'
signup() {
  curl -fsS -o /dev/null -X POST "$1/signup" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$username\",\"password\":\"$password\",\"email\":\"bench@example.com\"}"
}
login_token() {
  curl -fsS -X POST "$1/token" --data-urlencode "username=$username" --data-urlencode "password=$password" |
    "$python" -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

head -c 32 /dev/urandom | base64 | tr -d '\n=' | tr '+/' '-_' >"$work/key"
{ echo "duration $duration"; echo "cores $(nproc)"; echo "hash_workers $(nproc)"; } >"$results"

# --- the servers: empty, SQLite, and (if PostgreSQL starts) a pair on one database ---
empty_port=$(free_port)
"$empty_bin" "$empty_port" 2 >/dev/null & pids+=($!)
empty_url="http://127.0.0.1:$empty_port"
for _ in $(seq 50); do curl -fsS -o /dev/null "$empty_url/users/me" 2>/dev/null && break; sleep 0.1; done

start_server sqlite "$work/auth.db"
sqlite_pid=$server_pid sqlite_url=$server_url
sleep 0.5
echo "rss_idle $(rss_kib "$sqlite_pid")" >>"$results"
signup "$sqlite_url"
sqlite_auth=(-H "Authorization: Bearer $(login_token "$sqlite_url")")

pg=
if pg_env=$(tests/support/postgres.sh start 2>"$work/pg.err"); then
  eval "$pg_env"
  pg_started=1
  pg_url=$AUTHCORE_TEST_POSTGRES_URL
  # A first, alone: it creates the schema; B then finds it.
  start_server pg_a "$pg_url"
  pg_a_url=$server_url
  start_server pg_b "$pg_url"
  pg_b_url=$server_url
  signup "$pg_a_url"
  pg_token=$(login_token "$pg_a_url")
  pg_auth=(-H "Authorization: Bearer $pg_token")
  pg=1
  echo "pg measured" >>"$results"
else
  reason=$(tr '\n' ' ' <"$work/pg.err" | cut -c1-200)
  echo "http_load.sh: PostgreSQL did not start; the PG rows are not measured: $reason" >&2
  echo "pg unmeasured (PostgreSQL did not start: $reason)" >>"$results"
fi

# --- interleaved rounds: empty, SQLite, PG pair ---
for round in $(seq "$rounds"); do
  echo "round $round/$rounds ..." >&2
  # (an assignment first: a failing run_wrk inside echo's arguments would go unnoticed)
  line=$(run_wrk "empty.$round" 16 "$empty_url/users/me")
  echo "round $round empty $line" >>"$results"
  line=$(run_wrk "sqlite.$round" 16 "$sqlite_url/users/me" "${sqlite_auth[@]}")
  echo "round $round sqlite $line" >>"$results"
  if [ -n "$pg" ]; then
    # Both wrk processes start together; each writes its own summary.
    ( line=$(run_wrk "pg_a.$round" 8 "$pg_a_url/users/me" "${pg_auth[@]}")
      echo "round $round pg_a $line" >"$work/pg_a.line" ) &
    wrk_a=$!
    ( line=$(run_wrk "pg_b.$round" 8 "$pg_b_url/users/me" "${pg_auth[@]}")
      echo "round $round pg_b $line" >"$work/pg_b.line" ) &
    wrk_b=$!
    pids+=("$wrk_a" "$wrk_b")
    wait "$wrk_a"
    wait "$wrk_b"
    cat "$work/pg_a.line" "$work/pg_b.line" >>"$results"
  fi
done

# --- /users/me on SQLite while one client logs in back to back ---
echo "during logins ..." >&2
"$python" "$helper" login-loop "$sqlite_url" "$username" "$password" &
login_loop=$!
pids+=("$login_loop")
sleep 0.3
busy=$(run_wrk busy 16 "$sqlite_url/users/me" "${sqlite_auth[@]}")
kill -0 "$login_loop" 2>/dev/null || { echo "http_load.sh: the login loop died" >&2; exit 1; }
kill "$login_loop"
wait "$login_loop" 2>/dev/null || true
echo "busy $busy" >>"$results"
echo "rss_peak $(peak_kib "$sqlite_pid")" >>"$results"

# --- fleet revocation: logout on A, first 401 on B ---
if [ -n "$pg" ]; then
  echo "fleet revocation ($revocation_tries tries) ..." >&2
  "$python" "$helper" revocation "$pg_a_url" "$pg_b_url" "$username" "$password" "$revocation_tries" |
    sed 's/^/revocation /' >>"$results"
fi

# --- sweep: empty then SQLite at each connection count ---
dat=$out/sweep.dat
echo "# connections empty_rps empty_p99_ms sqlite_rps sqlite_p99_ms" >"$dat"
for connections in "${sweep_connections[@]}"; do
  echo "sweep $connections connections ..." >&2
  line=$(run_wrk "sweep.empty.$connections" "$connections" "$empty_url/users/me")
  read -r e_rps e_p50 e_p99 <<<"$line"
  line=$(run_wrk "sweep.sqlite.$connections" "$connections" "$sqlite_url/users/me" "${sqlite_auth[@]}")
  read -r s_rps s_p50 s_p99 <<<"$line"
  echo "sweep empty $connections $e_rps $e_p50 $e_p99" >>"$results"
  echo "sweep sqlite $connections $s_rps $s_p50 $s_p99" >>"$results"
  echo "$connections $e_rps $e_p99 $s_rps $s_p99" >>"$dat"
done

gnuplot <<PLOT
set terminal png size 900,560
set logscale x 2
set xrange [0.8:80]
set xlabel "connections (wrk)"
set grid
set key top left
set output "$out/sweep_rps.png"
set title "GET /users/me throughput, ${duration} s per point"
set ylabel "requests/s"
set yrange [0:*]
plot "$dat" using 1:2 with linespoints title "empty Beast server", \
     "$dat" using 1:4 with linespoints title "authcore-server, SQLite"
set output "$out/sweep_p99.png"
set title "GET /users/me p99 latency, ${duration} s per point"
set ylabel "p99 (ms)"
plot "$dat" using 1:3 with linespoints title "empty Beast server", \
     "$dat" using 1:5 with linespoints title "authcore-server, SQLite"
PLOT

"$python" "$helper" report "$results"
cat <<PATHS

Sweep: $dat
       $out/sweep_rps.png
       $out/sweep_p99.png
PATHS
