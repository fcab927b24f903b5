"""Hashes of the audit log, shared by writers and verifiers.

* ``leaf_hash = SHA-256(0x00 || JCS(entry))``: RFC 9162's leaf hash of the entry's RFC 8785
  canonical JSON, so a Merkle tree (signed tree heads, inclusion and consistency proofs) can be
  built over the same leaves later without touching the table.
* ``chain_hash = SHA-256(previous chain_hash || leaf_hash)``, starting from 32 zero bytes: any
  edit to an entry, or to a hash, breaks the chain at that entry.
* Free text (a justification, a reason) never enters the log: only a salted hash of it. The
  salt lives with the request; erase the salt and the hash no longer links to the text.
"""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785

GENESIS = bytes(32)


def canonical(entry: dict[str, Any]) -> bytes:
    return rfc8785.dumps(entry)


def leaf_hash(entry: dict[str, Any]) -> bytes:
    return hashlib.sha256(b"\x00" + canonical(entry)).digest()


def chain_hash(previous: bytes, leaf: bytes) -> bytes:
    return hashlib.sha256(previous + leaf).digest()


def text_digest(salt_hex: str, text: str) -> str:
    """A salted SHA-256 of free text, hex."""
    return hashlib.sha256(bytes.fromhex(salt_hex) + text.encode("utf-8")).hexdigest()
