#!/usr/bin/env bash
# The authcore walk-through: installs what is missing, builds authcore-server
# (Release, in build/demo), starts it on SQLite with a generated secret, and
# goes through the FastAPI tutorial's flow with curl, printing each request
# and response: sign-up, token, /users/me, refresh (the OAuth2 refresh grant),
# a replayed refresh token (refused), logout, /users/me again (refused),
# revocation. It ends by printing the server's request log and the URL of its
# Swagger UI (/docs), served from the swagger-ui-dist the tests install
# (tests/support/npm_tools.sh) when it is there, else loaded from the CDN. In
# a terminal the server keeps serving until Enter is pressed; then it stops.
set -euo pipefail
cd "$(dirname "$0")/.."

cmake/install-deps.sh
cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=Release -DAUTHCORE_BUILD_TESTS=OFF >/dev/null
cmake --build build/demo -j2 --target authcore-server authctl

work=$(mktemp -d /tmp/authcore-demo.XXXXXX)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

build/demo/examples/authctl/authctl keygen >"$work/key"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
docs_flags=()
docs_from="the jsDelivr CDN"
if npm_tools=$(tests/support/npm_tools.sh path 2>/dev/null); then
  docs_flags=(--docs-assets "$npm_tools/swagger-ui-dist")
  docs_from="$npm_tools/swagger-ui-dist"
fi
build/demo/examples/server/authcore-server --port "$port" --db "$work/auth.db" --secret-file "$work/key" \
  "${docs_flags[@]}" >"$work/server.out" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do grep -q listening "$work/server.out" 2>/dev/null && break; sleep 0.1; done
cat "$work/server.out"
base="http://127.0.0.1:$port"

# Runs curl with the given arguments, prints the request and the response
# (status line and body), and leaves the body in $body.
call() {
  echo
  echo "\$ curl $*" | cut -c1-160
  local response
  response=$(curl -sS -i "$@" | tr -d '\r')
  echo "$response" | sed -n '1p'
  body=$(echo "$response" | sed '1,/^$/d')
  [ -n "$body" ] && echo "$body" | cut -c1-160
  return 0
}
field() { echo "$body" | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
as_json=(-H 'Content-Type: application/json')

echo; echo "# 1. sign up"
call -X POST "$base/signup" "${as_json[@]}" -d '{"username":"alice","password":"correct horse battery","email":"alice@example.com"}'
echo; echo "# 2. log in with the OAuth2 password form, as the FastAPI tutorial's client does"
call -X POST "$base/token" -d 'username=alice&password=correct+horse+battery'
access=$(field access_token)
refresh=$(field refresh_token)
echo; echo "# 3. who am I"
call "$base/users/me" -H "Authorization: Bearer $access"
echo; echo "# 4. refresh (the OAuth2 refresh grant): a new pair; the old refresh token is now spent"
call -X POST "$base/token" -d "grant_type=refresh_token&refresh_token=$refresh"
access=$(field access_token)
echo; echo "# 5. the spent refresh token again: invalid_grant, and its whole session is revoked (reuse detection)"
call -X POST "$base/token" -d "grant_type=refresh_token&refresh_token=$refresh"
call "$base/users/me" -H "Authorization: Bearer $access"
echo; echo "# 6. a new login, then logout: its access token stops working at once"
call -X POST "$base/token" -d 'username=alice&password=correct+horse+battery'
access=$(field access_token)
call -X POST "$base/logout" -H "Authorization: Bearer $access"
call "$base/users/me" -H "Authorization: Bearer $access"
echo; echo "# 7. a new login, then revocation of its refresh token (RFC 7009): both tokens stop working"
call -X POST "$base/token" -d 'username=alice&password=correct+horse+battery'
access=$(field access_token)
refresh=$(field refresh_token)
call -X POST "$base/revoke" -d "token=$refresh&token_type_hint=refresh_token"
call "$base/users/me" -H "Authorization: Bearer $access"

echo
echo "# the server's request log:"
cat "$work/server.log"
echo
echo "# Swagger UI of this server (Authorize as alice, password \"correct horse battery\"; its files from $docs_from):"
echo "$base/docs"
if [ -t 0 ] && [ -t 1 ]; then
  read -r -p "(the server keeps serving; press Enter to stop it) " _ || true
fi
