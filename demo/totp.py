"""Demo authenticator codes, kept free of Django imports so `make run` can print how to get them.

Demo accounts whose role needs two-factor sign-in get an authenticator with a key made from
their username (load_demo). `python -m demo.totp supervisor` prints the code an app would show
now; the key can also be typed into a real authenticator app. Demo only: load_demo refuses to
run unless demo data is allowed.
"""

import hashlib
import hmac
import struct
import sys
import time
from base64 import b32encode

# Demo accounts that need a code (supervisors, data admin, system admin).
NEEDS_CODE = ["supervisor", "supervisor-river", "data-admin", "admin"]
STEP = 30


def demo_key(username: str) -> bytes:
    return hashlib.sha1(f"alongside-demo-totp:{username}".encode(), usedforsecurity=False).digest()  # a demo key


def demo_key_hex(username: str) -> str:
    return demo_key(username).hex()


def demo_key_text(username: str) -> str:
    return b32encode(demo_key(username)).decode()


def code(username: str, at: float | None = None) -> str:
    """RFC 6238 TOTP (SHA-1, 6 digits, 30 s), as authenticator apps compute it."""
    counter = int(time.time() if at is None else at) // STEP
    digest = hmac.new(demo_key(username), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def main(argv: list[str]) -> int:
    names = argv or NEEDS_CODE
    seconds_left = STEP - int(time.time()) % STEP
    for name in names:
        print(f"{name:<18} {code(name)}  (next {code(name, time.time() + STEP)} in {seconds_left} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
