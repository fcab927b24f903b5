"""Client secrets: generated with 256 bits of entropy, stored only as a salted SHA-256.

A slow password hash buys nothing for a random 256-bit secret (it cannot be guessed), and
would make every token request pay tens of milliseconds.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_client_id() -> str:
    return "cnv_" + secrets.token_hex(12)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    salt = secrets.token_hex(16)
    digest = hashlib.sha256((salt + secret).encode()).hexdigest()
    return f"sha256${salt}${digest}"


def verify_secret(secret: str, stored: str | None) -> bool:
    if not stored or stored.count("$") != 2:
        return False
    scheme, salt, digest = stored.split("$")
    if scheme != "sha256":
        return False
    candidate = hashlib.sha256((salt + secret).encode()).hexdigest()
    return hmac.compare_digest(candidate, digest)
