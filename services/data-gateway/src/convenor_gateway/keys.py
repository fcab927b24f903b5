"""The gateway's keys, and how each rotates.

- **Key-encryption keys** (``GATEWAY_KEY_ENCRYPTION_KEY``): a comma-separated list, newest
  first. The first wraps each new delivery's data key; every one unwraps. Rotate by putting a
  new key first and keeping the old ones until nothing they wrapped remains (deliveries are
  erased at the end of their retention, so an old key can go once the longest retention since
  it was replaced has passed). In development, when unset, one key is generated into
  ``GATEWAY_KEY_ENCRYPTION_KEY_FILE`` and reused; production refuses to start without it.
- **Checkpoint signing keys**: Ed25519 PEM files in ``GATEWAY_SIGNING_KEY_DIR``. The newest
  signs (or ``GATEWAY_SIGNING_KEY`` names the one that does); every key present is published at
  ``GET /v1/audit/keys``, so checkpoints signed by a previous key still verify for as long as
  its file is kept. ``convenor-gateway audit rotate-key`` adds a new key; replicas see it on
  their next reload. In development a first key is generated; production insists on
  ``GATEWAY_SIGNING_KEY``.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from convenor_gateway.config import GatewaySettings
from convenor_gateway.evidence.key_ring import KeyRing, new_kek_entry
from convenor_gateway.evidence.signed_note import verifier_key_string

log = logging.getLogger("convenor.gateway.keys")


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def key_ring(settings: GatewaySettings) -> KeyRing:
    """The configured key-encryption keys; in development, a generated one if none is set."""
    if settings.key_encryption_key is not None:
        return KeyRing.from_config(settings.key_encryption_key.get_secret_value())
    if settings.environment == "production":
        raise RuntimeError("GATEWAY_KEY_ENCRYPTION_KEY must be set in production")
    path = Path(settings.key_encryption_key_file)
    if not path.exists():
        _write_private(path, new_kek_entry(f"dev-{time.strftime('%Y%m%d')}").encode())
        log.info("generated a key-encryption key", extra={"path": str(path)})
    return KeyRing.from_config(path.read_text().strip())


def generate_signing_key(directory: Path) -> Path:
    """Write a new Ed25519 private key as PEM, named so that newer sorts later."""
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path = directory / f"checkpoint-{time.time_ns():020d}-{secrets.token_hex(3)}.pem"
    _write_private(path, pem)
    return path


def _load(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path.name} is not an Ed25519 private key")
    return key


@dataclass(frozen=True)
class Signer:
    """The key that signs checkpoints now, under the log's name."""

    name: str
    private_key: Ed25519PrivateKey
    verifier_key: str


class SigningKeys:
    """The checkpoint signing key and every verifier key, reloaded from disk periodically."""

    def __init__(
        self,
        directory: Path,
        name: str,
        active: Path | None = None,
        *,
        reload_seconds: float = 30.0,
    ) -> None:
        self.directory = directory
        self.name = name
        self.active_path = active
        self.reload_seconds = reload_seconds
        self._loaded_at = 0.0
        self._signer: Signer | None = None
        self._verifiers: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> SigningKeys:
        keys = cls(
            Path(settings.signing_key_dir),
            settings.checkpoint_origin,
            Path(settings.signing_key) if settings.signing_key else None,
        )
        keys.ensure(generate=settings.environment != "production")
        return keys

    def ensure(self, *, generate: bool = True) -> None:
        """Load the keys, creating a first one if there is none and ``generate`` allows."""
        if (
            generate
            and self.active_path is None
            and not (self.directory.is_dir() and any(self.directory.glob("*.pem")))
        ):
            path = generate_signing_key(self.directory)
            log.info("generated a checkpoint signing key", extra={"path": str(path)})
        self.reload()

    def reload(self) -> None:
        paths = sorted(self.directory.glob("*.pem")) if self.directory.is_dir() else []
        if self.active_path is not None and self.active_path not in paths:
            paths.append(self.active_path)
        if not paths:
            raise RuntimeError(f"no checkpoint signing key in {self.directory}")
        keys = {path: _load(path) for path in paths}
        active = keys[self.active_path] if self.active_path else keys[paths[-1]]
        verifier = verifier_key_string(self.name, active.public_key())
        self._signer = Signer(self.name, active, verifier)
        # The signing key first, then the others, newest first.
        others = [
            verifier_key_string(self.name, key.public_key())
            for path, key in sorted(keys.items(), reverse=True)
            if key is not active
        ]
        self._verifiers = (verifier, *dict.fromkeys(o for o in others if o != verifier))
        self._loaded_at = time.monotonic()

    def _fresh(self) -> None:
        if time.monotonic() - self._loaded_at > self.reload_seconds:
            try:
                self.reload()
            except (OSError, ValueError, RuntimeError):
                log.exception("could not reload the signing keys; keeping the previous set")

    @property
    def signer(self) -> Signer:
        self._fresh()
        assert self._signer is not None
        return self._signer

    def verifier_keys(self) -> tuple[str, ...]:
        """Every key that may have signed a checkpoint, as signed-note verifier keys."""
        self._fresh()
        return self._verifiers
