"""Password hashing with scrypt (memory-hard), parameters stored with each hash."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# 16 MiB of memory per hash (128 * r * n): costly for a GPU farm, cheap enough per login.
_N, _R, _P = 2**14, 8, 1
_MAX_MEMORY = 64 * 1024 * 1024
MIN_LENGTH = 12
MAX_LENGTH = 1024


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=_MAX_MEMORY, dklen=32)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, _N, _R, _P)
    encode = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${encode(salt).decode()}${encode(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, base64.b64decode(digest))


# Verified against when the e-mail is unknown, so a login takes as long either way.
DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
