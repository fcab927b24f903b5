"""Hashes of the audit log, shared by writers and verifiers (the rules themselves live in
:mod:`convenor_gateway.evidence.canonical`, which an offline verifier uses alone).

* ``canonical`` is the entry's RFC 8785 bytes; they are stored as they are and never rebuilt.
* ``leaf_hash = SHA-256(0x00 || canonical)``: RFC 9162's leaf hash, so the log is a Merkle tree.
* ``chain_hash = SHA-256(previous chain_hash || leaf_hash)``, starting from 32 zero bytes: any
  edit to an entry, or to a hash, breaks the chain at that entry.
* Free text (a justification, a reason) never enters the log: only a salted hash of it. The
  salt lives with the request; erase the salt and the hash no longer links to the text.
"""

from __future__ import annotations

import hashlib

from convenor_gateway.evidence.canonical import (
    GENESIS_CHAIN_HASH,
    canonical_bytes,
    chain_step,
    record_hash,
)
from convenor_gateway.evidence.merkle import leaf_hash

GENESIS = GENESIS_CHAIN_HASH

__all__ = ["GENESIS", "canonical_bytes", "chain_step", "leaf_hash", "record_hash", "text_digest"]


def text_digest(salt_hex: str, text: str) -> str:
    """A salted SHA-256 of free text, hex."""
    return hashlib.sha256(bytes.fromhex(salt_hex) + text.encode("utf-8")).hexdigest()
