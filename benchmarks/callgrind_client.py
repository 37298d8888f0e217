"""The client of benchmarks/callgrind_users_me.sh, on one keep-alive connection:
    callgrind_client.py PORT TOKEN_FILE login WARMUP   sign up, log in, save the token, WARMUP requests
    callgrind_client.py PORT TOKEN_FILE me COUNT       COUNT GET /users/me, each checked to be 200
"""
import http.client
import json
import sys
import urllib.parse


def main():
    port, token_file, mode, count = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def call(method, path, body=None, headers=None):
        conn.request(method, path, body, headers or {})
        reply = conn.getresponse()
        return reply.status, reply.read()

    if mode == "login":
        call("POST", "/signup", json.dumps({"username": "bench", "password": "correct horse battery"}),
             {"Content-Type": "application/json"})
        form = urllib.parse.urlencode({"username": "bench", "password": "correct horse battery"})
        status, data = call("POST", "/token", form, {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 200:
            sys.exit(f"callgrind_client: login answered {status}: {data!r}")
        with open(token_file, "w") as out:
            out.write(json.loads(data)["access_token"])
    with open(token_file) as source:
        bearer = {"Authorization": "Bearer " + source.read()}
    for _ in range(count):
        status, data = call("GET", "/users/me", None, bearer)
        if status != 200:
            sys.exit(f"callgrind_client: /users/me answered {status}: {data!r}")


if __name__ == "__main__":
    main()
