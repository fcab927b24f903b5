"""Key-encryption keys (KEKs): wrapping each request's data key, and rotating the KEKs.

A data key is stored only wrapped: ``nonce || AES-256-GCM(KEK, data key)`` with the KEK id and
the caller's context (the request id) bound in as associated data, so a wrapped key cannot be
relabelled or moved to another request. :class:`WrappedKey` records which KEK wrapped it.

A :class:`KeyRing` holds several KEKs: the first wraps new data keys, all unwrap. Rotate a KEK by
putting a new one first; retire the old one by removing it once nothing it wrapped remains
(re-wrap those data keys first). Crypto-shredding is destroying a request's wrapped data key;
copies of wrapped keys in backups are shredded by retiring the KEK that wrapped them.

Configuration (``GATEWAY_KEY_ENCRYPTION_KEY``) is a comma-separated list, newest first, of
``<id>:<base64 32-byte key>``, a bare base64 key, or ``kms:<reference>``. A ``kms:`` entry is an
interface point only: :class:`KmsKek` raises ``NotImplementedError`` until a client for the KMS
is written against the :class:`KeyEncryptionKey` protocol and put in the ring in its place.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from convenor_gateway.evidence.envelope import (
    DATA_KEY_SIZE,
    EnvelopeError,
    TamperedError,
    new_data_key,
)

_WRAP_LABEL = b"convenor-data-key-v1\x00"
_KEK_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class UnknownKekError(EnvelopeError):
    """A wrapped key names a KEK that is not loaded (retired, or another deployment's)."""


class KeyConfigError(ValueError):
    """The KEK configuration cannot be read. The message never contains key material."""


@dataclass(frozen=True, slots=True)
class WrappedKey:
    """A data key encrypted under the KEK named ``kek_id``: what the database keeps."""

    kek_id: str
    blob: bytes

    def to_text(self) -> str:
        """``v1:<kek id>:<base64 blob>``, for a text column."""
        return f"v1:{self.kek_id}:{base64.b64encode(self.blob).decode('ascii')}"

    @classmethod
    def from_text(cls, text: str) -> WrappedKey:
        """Read what :meth:`to_text` wrote."""
        version, _, rest = text.partition(":")
        kek_id, _, encoded = rest.rpartition(":")  # a kms: id holds colons, base64 never does
        try:
            blob = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            blob = b""
        if version != "v1" or not kek_id or not blob:
            raise TamperedError("not a wrapped data key")
        return cls(kek_id, blob)


class KeyEncryptionKey(Protocol):
    """What a KEK does; implement this for a KMS and put it in a :class:`KeyRing`."""

    @property
    def kek_id(self) -> str: ...

    def wrap(self, data_key: bytes, context: bytes) -> bytes: ...

    def unwrap(self, blob: bytes, context: bytes) -> bytes: ...


@dataclass(frozen=True, slots=True)
class LocalKek:
    """A 256-bit KEK held in configuration, wrapping with AES-256-GCM."""

    kek_id: str
    key: bytes

    def __repr__(self) -> str:  # never print key material
        return f"LocalKek({self.kek_id!r})"

    def _aad(self, context: bytes) -> bytes:
        return _WRAP_LABEL + self.kek_id.encode() + b"\x00" + context

    def wrap(self, data_key: bytes, context: bytes) -> bytes:
        """``nonce || AES-256-GCM(kek, data key, aad = label, kek id, context)``."""
        nonce = os.urandom(12)
        return nonce + AESGCM(self.key).encrypt(nonce, data_key, self._aad(context))

    def unwrap(self, blob: bytes, context: bytes) -> bytes:
        """The data key, or :class:`TamperedError` if the blob or context differ."""
        try:
            return AESGCM(self.key).decrypt(blob[:12], blob[12:], self._aad(context))
        except (InvalidTag, ValueError):
            raise TamperedError(f"the data key wrapped by {self.kek_id} fails to unwrap") from None


@dataclass(frozen=True, slots=True)
class KmsKek:
    """A KEK held in a key-management service, named ``kms:<reference>``: not implemented yet.

    This is the interface point for a KMS: write a class with this shape that calls the KMS's
    encrypt and decrypt (binding ``context``) and build the :class:`KeyRing` with it.
    """

    kek_id: str

    def wrap(self, data_key: bytes, context: bytes) -> bytes:
        """Not implemented: the KMS client is an interface point."""
        raise NotImplementedError(f"{self.kek_id}: wrapping through a KMS is not implemented")

    def unwrap(self, blob: bytes, context: bytes) -> bytes:
        """Not implemented: the KMS client is an interface point."""
        raise NotImplementedError(f"{self.kek_id}: unwrapping through a KMS is not implemented")


class KeyRing:
    """The loaded KEKs: the first wraps new data keys, every one unwraps."""

    def __init__(self, keks: Sequence[KeyEncryptionKey]) -> None:
        if not keks:
            raise KeyConfigError("a key ring needs at least one key-encryption key")
        ids = [k.kek_id for k in keks]
        if len(set(ids)) != len(ids):
            raise KeyConfigError("key-encryption key ids must be unique")
        self._keks = {k.kek_id: k for k in keks}
        self.primary_id = ids[0]

    @property
    def ids(self) -> tuple[str, ...]:
        """The loaded KEK ids, the wrapping one first."""
        return tuple(self._keks)

    @classmethod
    def from_config(cls, value: str) -> KeyRing:
        """Read ``GATEWAY_KEY_ENCRYPTION_KEY``: comma-separated entries, the newest first.

        An entry is ``<id>:<base64 32-byte key>``, a bare base64 key (its id is ``kek-`` and the
        first 8 hex digits of the key's SHA-256, stable across restarts) or ``kms:<reference>``.
        """
        keks: list[KeyEncryptionKey] = []
        for entry in (e.strip() for e in value.split(",")):
            if entry.startswith("kms:"):
                keks.append(KmsKek(entry))
                continue
            kek_id, _, encoded = entry.rpartition(":")
            if kek_id and not _KEK_ID.fullmatch(kek_id):
                raise KeyConfigError(f"key-encryption key id {kek_id!r} is not [A-Za-z0-9._-]")
            try:
                key = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                key = b""
            if len(key) != DATA_KEY_SIZE:
                raise KeyConfigError(
                    f"key-encryption key {kek_id or '#' + str(len(keks) + 1)} "
                    "is not base64 of 32 bytes"
                )
            keks.append(LocalKek(kek_id or "kek-" + hashlib.sha256(key).hexdigest()[:8], key))
        return cls(keks)

    def wrap(self, data_key: bytes, *, context: bytes = b"") -> WrappedKey:
        """Wrap ``data_key`` under the newest KEK; ``context`` (the request id) must match later."""
        kek = self._keks[self.primary_id]
        return WrappedKey(kek.kek_id, kek.wrap(data_key, context))

    def unwrap(self, wrapped: WrappedKey, *, context: bytes = b"") -> bytes:
        """The data key, if its KEK is loaded and nothing was changed."""
        kek = self._keks.get(wrapped.kek_id)
        if kek is None:
            raise UnknownKekError(f"key-encryption key {wrapped.kek_id!r} is not loaded")
        return kek.unwrap(wrapped.blob, context)


def new_kek_entry(kek_id: str) -> str:
    """A fresh ``<id>:<base64 key>`` configuration entry (for generating a development key)."""
    if not _KEK_ID.fullmatch(kek_id):
        raise KeyConfigError(f"key-encryption key id {kek_id!r} is not [A-Za-z0-9._-]")
    return f"{kek_id}:{base64.b64encode(new_data_key()).decode('ascii')}"
