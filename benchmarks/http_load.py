#!/usr/bin/python3
"""The Python half of benchmarks/http_load.sh (stdlib only).

  http_load.py wrk FILE                 wrk --latency output -> "req/s p50_ms p99_ms"
  http_load.py login-loop URL USER PASS  POST /token back to back until killed
  http_load.py revocation A B USER PASS N
                                        fleet revocation latency, one line per try (ms)
  http_load.py report RESULTS           every row, the per-round ratios, the targets
"""
import http.client
import math
import json
import re
import statistics
import sys
import time
import urllib.parse


def fail(message):
    print(f"http_load.py: {message}", file=sys.stderr)
    sys.exit(1)


# --- wrk output ---------------------------------------------------------------

def to_ms(value):
    match = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", value)
    if not match:
        fail(f"unreadable wrk latency {value!r}")
    number, unit = float(match.group(1)), match.group(2)
    return number * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(path):
    text = open(path).read()
    rps = re.search(r"^Requests/sec:\s+([0-9.]+)", text, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    if not (rps and p50 and p99):
        fail(f"no summary in wrk output {path}:\n{text}")
    # A 401 or a 5xx is answered faster than a real /users/me: never count it.
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if bad:
        fail(f"{bad.group(1)} non-2xx responses in {path}:\n{text}")
    # Refused connections: the server is gone.
    refused = re.search(r"Socket errors: connect (\d+)", text)
    if (refused and int(refused.group(1)) > 0) or float(rps.group(1)) == 0:
        fail(f"the server did not answer in {path}:\n{text}")
    print(f"{float(rps.group(1)):.0f} {to_ms(p50.group(1)):.3f} {to_ms(p99.group(1)):.3f}")


# --- clients ------------------------------------------------------------------

class Client:
    """One keep-alive connection to one server."""

    def __init__(self, base):
        url = urllib.parse.urlsplit(base)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)

    def request(self, method, path, body=None, headers=None):
        self.conn.request(method, path, body=body, headers=headers or {})
        response = self.conn.getresponse()
        data = response.read()
        return response.status, data

    def login(self, username, password):
        form = urllib.parse.urlencode({"username": username, "password": password})
        status, data = self.request("POST", "/token", form,
                                    {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 200:
            fail(f"POST /token: {status} {data[:200]!r}")
        return json.loads(data)["access_token"]

    def me(self, token):
        status, _ = self.request("GET", "/users/me", headers={"Authorization": f"Bearer {token}"})
        return status


def login_loop(base, username, password):
    client = Client(base)
    while True:
        client.login(username, password)


def revocation(base_a, base_b, username, password, tries, timeout_s=10.0):
    a, b = Client(base_a), Client(base_b)
    for _ in range(tries):
        token = a.login(username, password)
        deadline = time.monotonic() + timeout_s
        while b.me(token) != 200:
            if time.monotonic() > deadline:
                fail("instance B never accepted a fresh token")
        status, data = a.request("POST", "/logout", headers={"Authorization": f"Bearer {token}"})
        logged_out = time.monotonic()
        if status != 204:
            fail(f"POST /logout: {status} {data[:200]!r}")
        while True:
            status = b.me(token)
            now = time.monotonic()
            if status == 401:
                print(f"{(now - logged_out) * 1000:.3f}", flush=True)
                break
            if status != 200:
                fail(f"GET /users/me on B: {status}")
            if now - logged_out > timeout_s:
                print("timeout", flush=True)
                break


# --- report -------------------------------------------------------------------

def percentile(values, p):
    """Nearest rank: the smallest value with at least p% of them at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def verdict(ok):
    return "met" if ok else "MISSED"


def report(path):
    rounds = {}   # round -> kind -> (rps, p50, p99)
    sweep = {}    # (server, connections) -> (rps, p99)
    values = {}
    revocation_ms, revocation_timeouts = [], 0
    for line in open(path):
        fields = line.split()
        if not fields:
            continue
        key = fields[0]
        if key == "round":
            rounds.setdefault(int(fields[1]), {})[fields[2]] = tuple(map(float, fields[3:6]))
        elif key == "sweep":
            sweep[(fields[1], int(fields[2]))] = (float(fields[3]), float(fields[5]))
        elif key == "revocation":
            if fields[1] == "timeout":
                revocation_timeouts += 1
            else:
                revocation_ms.append(float(fields[1]))
        else:
            values[key] = fields[1:]

    pg = values.get("pg", ["unmeasured"])[0] == "measured"
    duration, cores = values["duration"][0], values["cores"][0]
    print(f"\nauthcore-server HTTP load ({cores} cores, wrk -t2 --latency, {duration} s per run, "
          f"--threads 2, {len(rounds)} rounds)")
    print("\nPer round (16 connections; PG pair = two instances, 8 connections each, one database):")
    print(f"  {'round':<6}{'empty req/s':>12}{'SQLite req/s':>14}{'p50 ms':>8}{'p99 ms':>8}"
          f"{'PG A':>9}{'PG B':>9}{'PG pair':>9}{'SQL/empty':>11}{'PG/SQL':>8}")
    sqlite_ratios, pg_ratios, sqlite_p99 = [], [], []
    for number in sorted(rounds):
        r = rounds[number]
        empty, sqlite = r["empty"], r["sqlite"]
        sqlite_ratio = sqlite[0] / empty[0]
        sqlite_ratios.append(sqlite_ratio)
        sqlite_p99.append(sqlite[2])
        line = (f"  {number:<6}{empty[0]:>12.0f}{sqlite[0]:>14.0f}{sqlite[1]:>8.2f}{sqlite[2]:>8.2f}")
        if pg:
            pair = r["pg_a"][0] + r["pg_b"][0]
            pg_ratios.append(pair / sqlite[0])
            line += (f"{r['pg_a'][0]:>9.0f}{r['pg_b'][0]:>9.0f}{pair:>9.0f}"
                     f"{sqlite_ratio:>11.2f}{pg_ratios[-1]:>8.2f}")
        else:
            line += f"{'-':>9}{'-':>9}{'-':>9}{sqlite_ratio:>11.2f}{'-':>8}"
        print(line)
    for number in sorted(rounds):
        r = rounds[number]
        print(f"  round {number}: empty p50 {r['empty'][1]:.2f} ms p99 {r['empty'][2]:.2f} ms"
              + (f"; PG A p50 {r['pg_a'][1]:.2f} p99 {r['pg_a'][2]:.2f} ms"
                 f"; PG B p50 {r['pg_b'][1]:.2f} p99 {r['pg_b'][2]:.2f} ms" if pg else ""))
    if not pg:
        print("  PostgreSQL rows NOT measured: " + " ".join(values.get("pg", ["?"])[1:]))

    sqlite_median = statistics.median(sqlite_ratios)
    p99_median = statistics.median(sqlite_p99)
    unloaded = statistics.median(rounds[n]["sqlite"][0] for n in rounds)
    busy = tuple(map(float, values["busy"]))
    busy_ratio = busy[0] / unloaded
    print(f"\n  median SQLite/empty {sqlite_median:.2f}"
          + (f", median PG pair/SQLite {statistics.median(pg_ratios):.2f}" if pg else ""))
    print(f"  GET /users/me, 16 conn., one client logging in back to back: {busy[0]:.0f} req/s "
          f"(p50 {busy[1]:.2f} ms, p99 {busy[2]:.2f} ms), unloaded (median of rounds) {unloaded:.0f} req/s")

    if revocation_ms or revocation_timeouts:
        revocation_p50 = percentile(revocation_ms, 50) if revocation_ms else float("inf")
        revocation_p99 = (percentile(revocation_ms + [float("inf")] * revocation_timeouts, 99))
        print(f"  fleet revocation (logout on A -> first 401 on B), {len(revocation_ms) + revocation_timeouts} tries:"
              f" p50 {revocation_p50:.1f} ms, p99 {revocation_p99:.1f} ms, max "
              f"{max(revocation_ms) if revocation_ms else float('inf'):.1f} ms, {revocation_timeouts} timed out (> 10 s)")
    else:
        print("  fleet revocation NOT measured (no PostgreSQL)")

    idle, peak = int(values["rss_idle"][0]), int(values["rss_peak"][0])
    workers = int(values["hash_workers"][0])
    print(f"  RSS idle {idle / 1024:.1f} MiB, peak {peak / 1024:.1f} MiB (SQLite instance, after the logins)")

    print("\n  Sweep (req/s, p99 ms):")
    print(f"  {'conn.':<7}{'empty req/s':>12}{'p99':>8}{'SQLite req/s':>14}{'p99':>8}{'ratio':>7}")
    for connections in sorted({c for _, c in sweep}):
        e, s = sweep[("empty", connections)], sweep[("sqlite", connections)]
        print(f"  {connections:<7}{e[0]:>12.0f}{e[1]:>8.2f}{s[0]:>14.0f}{s[1]:>8.2f}{s[0] / e[0]:>7.2f}")

    rows = [("/users/me SQLite (16) / empty, median of rounds", f"{sqlite_median:.3f}", ">= 0.85",
             verdict(sqlite_median >= 0.85)),
            ("/users/me SQLite (16) p99, median of rounds", f"{p99_median:.3f} ms", "< 2 ms", verdict(p99_median < 2))]
    if pg:
        pg_median = statistics.median(pg_ratios)
        rows.append(("PG pair / SQLite, median of rounds", f"{pg_median:.3f}", ">= 0.70", verdict(pg_median >= 0.70)))
    else:
        rows.append(("PG pair / SQLite, median of rounds", "not measured", ">= 0.70", "NOT MEASURED"))
    rows.append(("during logins / unloaded", f"{busy_ratio:.3f}", ">= 0.70", verdict(busy_ratio >= 0.70)))
    if revocation_ms or revocation_timeouts:
        rows.append(("fleet revocation p99", f"{revocation_p99:.1f} ms", "<= 100 ms", verdict(revocation_p99 <= 100)))
    else:
        rows.append(("fleet revocation p99", "not measured", "<= 100 ms", "NOT MEASURED"))
    rows.append(("RSS idle", f"{idle / 1024:.1f} MiB", "< 32 MiB", verdict(idle < 32 * 1024)))
    rows.append(("RSS peak - idle", f"{(peak - idle) / 1024:.1f} MiB", f"< {workers} x 64 MiB",
                 verdict(peak - idle < workers * 64 * 1024)))
    print("\nTargets:")
    for name, value, target, result in rows:
        print(f"  {name:<50}{value:>14}   {target:<14}{result}")


def main(argv):
    if len(argv) < 2:
        fail(__doc__)
    command, args = argv[1], argv[2:]
    if command == "wrk":
        parse_wrk(*args)
    elif command == "login-loop":
        login_loop(*args)
    elif command == "revocation":
        revocation(args[0], args[1], args[2], args[3], int(args[4]))
    elif command == "report":
        report(*args)
    else:
        fail(__doc__)


if __name__ == "__main__":
    main(sys.argv)
