"""The issuer's signing keys: Ed25519 PEM files in a directory.

The newest key signs (or the one named by ``REGISTRY_SIGNING_KEY``); every key present is
published in the JWKS, so tokens signed by a previous key stay valid until its file is removed.
Rotation without downtime: ``convenor-registry keys rotate`` adds a new key; replicas see it on
their next reload (every ``reload_seconds``); remove the old file once its tokens have expired.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc.jwk import KeySet, OKPKey

log = logging.getLogger("convenor.registry.keys")
SIGNING_ALG = "Ed25519"  # RFC 9864's name for EdDSA over Ed25519


def generate_key_file(directory: Path) -> Path:
    """Write a new Ed25519 private key as PEM, named so that newer sorts later."""
    directory.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Microseconds in the name: two keys made within one second must still sort by age.
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = directory / f"signing-{stamp}-{os.urandom(3).hex()}.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return path


def _load(path: Path) -> OKPKey:
    key = OKPKey.import_key(path.read_bytes())
    key.ensure_kid()
    return key


class SigningKeys:
    """The current signing key and every verification key, reloaded from disk periodically."""

    def __init__(
        self, directory: Path, active: Path | None = None, *, reload_seconds: float = 30.0
    ) -> None:
        self.directory = directory
        self.active_path = active
        self.reload_seconds = reload_seconds
        self._loaded_at = 0.0
        self._signing: OKPKey | None = None
        self._all: KeySet = KeySet([])

    def ensure(self) -> None:
        """Create a first key if none exists (development)."""
        if self.active_path is None and not list(self.directory.glob("*.pem")):
            path = generate_key_file(self.directory)
            log.info("generated a signing key", extra={"path": str(path)})
        self.reload()

    def reload(self) -> None:
        paths = sorted(self.directory.glob("*.pem")) if self.directory.is_dir() else []
        if self.active_path is not None and self.active_path not in paths:
            paths.append(self.active_path)
        if not paths:
            raise RuntimeError(f"no signing key in {self.directory}")
        keys = {path: _load(path) for path in paths}
        self._signing = keys[self.active_path] if self.active_path else keys[paths[-1]]
        self._all = KeySet(list(keys.values()))
        self._loaded_at = time.monotonic()

    def _fresh(self) -> None:
        if time.monotonic() - self._loaded_at > self.reload_seconds:
            try:
                self.reload()
            except (OSError, ValueError, RuntimeError):
                log.exception("could not reload signing keys; keeping the previous set")

    @property
    def signing_key(self) -> OKPKey:
        self._fresh()
        assert self._signing is not None
        return self._signing

    def verification_keys(self) -> KeySet:
        self._fresh()
        return self._all

    def public_jwks(self) -> dict[str, object]:
        keys = []
        for key in self.verification_keys().keys:
            public: dict[str, Any] = dict(key.as_dict(private=False))
            public.update({"use": "sig", "alg": SIGNING_ALG, "kid": key.kid})
            keys.append(public)
        return {"keys": keys}
