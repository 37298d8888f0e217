"""Python side of the password interop tests (Debian python3-passlib,
python3-bcrypt, python3-argon2). The password is read from stdin as raw
bytes, so any bytes, NUL included, arrive unchanged.

  password_interop.py hash SCHEME          prints the hash SCHEME makes of the password
  password_interop.py argon2-verify HASH   exit 0 when argon2-cffi verifies the password
                                           against HASH, 1 when it does not
SCHEME is one of the keys of SCHEMES below. Exit status 2 on a usage error.
"""
import sys

from argon2 import PasswordHasher, exceptions, low_level
from passlib import hash as passlib_hash

SCHEMES = {
    # What a passlib/FastAPI application stores (CryptContext(schemes=["bcrypt"])).
    "bcrypt-12": lambda pw: passlib_hash.bcrypt.using(rounds=12).hash(pw),
    "bcrypt-4": lambda pw: passlib_hash.bcrypt.using(rounds=4).hash(pw),
    "bcrypt-2a": lambda pw: passlib_hash.bcrypt.using(rounds=4, ident="2a").hash(pw),
    "bcrypt-2y": lambda pw: passlib_hash.bcrypt.using(rounds=4, ident="2y").hash(pw),
    # passlib's defaults: 29000 rounds, 16-byte salt.
    "pbkdf2-sha256": lambda pw: passlib_hash.pbkdf2_sha256.hash(pw),
    "pbkdf2-sha256-small": lambda pw: passlib_hash.pbkdf2_sha256.using(rounds=1000, salt_size=5).hash(pw),
    # argon2-cffi's defaults (p=8, 16-byte hash), then small parameters.
    "argon2id": lambda pw: PasswordHasher().hash(pw),
    "argon2id-p4": lambda pw: PasswordHasher(time_cost=1, memory_cost=8192, parallelism=4).hash(pw),
    "argon2i": lambda pw: low_level.hash_secret(pw, b"0123456789abcdef", time_cost=3, memory_cost=8192,
                                                parallelism=1, hash_len=32, type=low_level.Type.I).decode(),
}


def argon2_verify(stored, password):
    try:
        PasswordHasher().verify(stored, password)
    except exceptions.VerificationError as error:
        print(f"rejected: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "hash" and argv[2] in SCHEMES:
        print(SCHEMES[argv[2]](sys.stdin.buffer.read()))
        return 0
    if len(argv) == 3 and argv[1] == "argon2-verify":
        return argon2_verify(argv[2], sys.stdin.buffer.read())
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
