"""Small builders for the evidence tests: audit entries, logs, keys and checkpoints."""

from __future__ import annotations

import json
import uuid
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from convenor_gateway.evidence.canonical import AuditRow, seal
from convenor_gateway.evidence.merkle import root_hash
from convenor_gateway.evidence.signed_note import sign_checkpoint, verifier_key_string

ORIGIN = "gateway.convenor.example/audit"
REQUEST_ID = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"


def entry(n: int, **extra: Any) -> dict[str, Any]:
    """An audit entry like the gateway's: identifiers and hashes only."""
    return {
        "v": 1,
        "event": "request.viewed",
        "request_id": str(uuid.UUID(int=n % 7)),
        "actor": {"client_id": f"client-{n % 3}", "organisation_id": str(uuid.UUID(int=n))},
        "at": f"2025-01-{1 + n % 28:02d}T10:00:{n % 60:02d}Z",
        "n": n,
        **extra,
    }


def log(size: int) -> list[AuditRow]:
    """A genuine log of ``size`` rows."""
    return list(seal(entry(n) for n in range(size)))


def rows_as_dicts(rows: list[AuditRow]) -> list[dict[str, Any]]:
    return [row.as_dict() for row in rows]


def export_lines(rows: list[dict[str, Any]]) -> list[str]:
    return [json.dumps(row) + "\n" for row in rows]


class Signer:
    """A checkpoint signing key with its name and verifier key string."""

    def __init__(self, name: str = ORIGIN, seed: int = 1) -> None:
        self.name = name
        self.key = Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)
        self.verifier = verifier_key_string(name, self.key.public_key())

    def checkpoint(self, rows: list[dict[str, Any]], size: int | None = None) -> str:
        """A signed checkpoint over the first ``size`` rows' leaf hashes."""
        size = len(rows) if size is None else size
        root = root_hash(bytes.fromhex(row["leaf_hash"]) for row in rows[:size])
        return sign_checkpoint(ORIGIN, size, root, self.key, self.name, timestamp=1_736_000_000)
