"""PyJWT side of the interop tests (Debian python3-jwt).

  pyjwt_interop.py verify KEY_HEX ISS AUD   token on stdin; prints {"header":..,"claims":..}
  pyjwt_interop.py issue KEY_HEX KID ISS AUD prints a token with custom claims
Exit status 0 on success, 1 when PyJWT rejects the token.
"""
import json
import sys
import time

import jwt


def verify(key, issuer, audience):
    token = sys.stdin.read().strip()
    try:
        claims = jwt.decode(token, key, algorithms=["HS256"], issuer=issuer, audience=audience,
                            options={"require": ["exp", "iat", "sub"]})
    except jwt.PyJWTError as error:
        print(f"rejected: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(json.dumps({"header": jwt.get_unverified_header(token), "claims": claims}))
    return 0


def issue(key, kid, issuer, audience):
    now = int(time.time())
    payload = {"sub": "py-user", "iat": now, "exp": now + 600, "iss": issuer, "aud": audience,
               "role": "admin", "big": 12345678901234567890, "name": "Zo\u00eb \U0001F600"}
    print(jwt.encode(payload, key, algorithm="HS256", headers={"kid": kid}))
    return 0


def main(argv):
    command, key = argv[1], bytes.fromhex(argv[2])
    if command == "verify":
        return verify(key, argv[3], argv[4])
    if command == "issue":
        return issue(key, argv[3], argv[4], argv[5])
    print(f"unknown command {command}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
