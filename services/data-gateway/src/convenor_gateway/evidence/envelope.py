"""Envelope encryption of delivered datasets: a fresh AES-256-GCM data key per request, wrapped
by a key-encryption key (KEK).

Payload format (streamable; nothing needs the whole payload in memory)::

    header   "CNVE" | version 1 | chunk size (u32) | nonce prefix (8 random bytes)
    chunk i  AES-256-GCM(data key, nonce = prefix || i (u32),
                         plaintext = chunk_size bytes (the last chunk 0..chunk_size),
                         aad = header || len(associated data) (u64) || associated data
                               || i (u64) || final flag (1 byte))

Binding the index and the final flag into every chunk means chunks cannot be reordered,
dropped, repeated or truncated (the last chunk of a cut-short payload was not sealed as final),
and binding the header means its fields cannot be changed. Pass the request id as associated
data so a payload cannot be moved to another request. :class:`Encryptor` also computes the
SHA-256 of the plaintext: the payload hash the audit log records.

The data key is stored only wrapped by a KEK (:mod:`convenor_gateway.evidence.key_ring`).
Crypto-shredding: destroying a request's wrapped data key makes its payload unreadable wherever
copies of the ciphertext survive (replicas, backups).
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterable, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

DATA_KEY_SIZE = 32
DEFAULT_CHUNK_SIZE = 64 * 1024
MAX_CHUNK_SIZE = 16 * 1024 * 1024
_HEADER = struct.Struct(">4sBI8s")
_MAGIC, _VERSION, _TAG = b"CNVE", 1, 16
_MAX_CHUNKS = 2**32  # the counter in the nonce is 32 bits


class EnvelopeError(Exception):
    """Encryption or decryption cannot go on."""


class TamperedError(EnvelopeError):
    """Ciphertext or a wrapped key was altered, truncated, reordered or used with the wrong key."""


def new_data_key() -> bytes:
    """A fresh random 256-bit data key."""
    return AESGCM.generate_key(bit_length=256)


def _aad(header: bytes, associated_data: bytes, index: int, final: bool) -> bytes:
    return b"".join(
        (
            header,
            struct.pack(">Q", len(associated_data)),
            associated_data,
            struct.pack(">QB", index, final),
        )
    )


class _Stream:
    def __init__(self, data_key: bytes, associated_data: bytes) -> None:
        if len(data_key) != DATA_KEY_SIZE:
            raise EnvelopeError("a data key is 32 bytes")
        self._aead = AESGCM(data_key)
        self._associated_data = associated_data
        self._sha256 = hashlib.sha256()
        self._index = 0
        self._finished = False

    @property
    def plaintext_sha256(self) -> bytes:
        """SHA-256 of the whole plaintext; available once the stream is finalized."""
        if not self._finished:
            raise EnvelopeError("the plaintext hash is known only after finalize()")
        return self._sha256.digest()

    def _next_index(self) -> int:
        if self._finished:
            raise EnvelopeError("the stream is already finalized")
        if self._index >= _MAX_CHUNKS:
            raise EnvelopeError("a payload holds at most 2**32 chunks")
        index, self._index = self._index, self._index + 1
        return index


class Encryptor(_Stream):
    """Encrypts a payload piece by piece: ``update()`` as plaintext arrives, then ``finalize()``.

    Each call returns the ciphertext ready so far (possibly empty); no I/O, so it suits an async
    request handler as well as a loop over a file.
    """

    def __init__(
        self,
        data_key: bytes,
        *,
        associated_data: bytes = b"",
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> None:
        super().__init__(data_key, associated_data)
        if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
            raise EnvelopeError(f"chunk size must be 1..{MAX_CHUNK_SIZE}")
        self._chunk_size = chunk_size
        self._header = _HEADER.pack(_MAGIC, _VERSION, chunk_size, os.urandom(8))
        self._pending = b""
        self._header_sent = False
        self.plaintext_size = 0

    def update(self, data: bytes) -> bytes:
        """Take more plaintext; return the ciphertext of every chunk now known not to be last."""
        if self._finished:
            raise EnvelopeError("the stream is already finalized")
        self._sha256.update(data)
        self.plaintext_size += len(data)
        buffer = self._pending + data if self._pending else bytes(data)
        view, size, start, out = memoryview(buffer), self._chunk_size, 0, [self._start()]
        # Keep back at least one byte: only finalize() knows which chunk is the last.
        while len(buffer) - start > size:
            out.append(self._seal(view[start : start + size], final=False))
            start += size
        self._pending = buffer[start:]
        return b"".join(out)

    def finalize(self) -> bytes:
        """Seal the last chunk (possibly empty) and return the remaining ciphertext."""
        out = self._start() + self._seal(self._pending, final=True)
        self._pending, self._finished = b"", True
        return out

    def _start(self) -> bytes:
        if self._header_sent:
            return b""
        self._header_sent = True
        return self._header

    def _seal(self, chunk: bytes | memoryview, *, final: bool) -> bytes:
        index = self._next_index()
        nonce = self._header[9:17] + struct.pack(">I", index)
        aad = _aad(self._header, self._associated_data, index, final)
        return self._aead.encrypt(nonce, chunk, aad)


class Decryptor(_Stream):
    """Decrypts what :class:`Encryptor` wrote, raising :class:`TamperedError` on any change.

    Every chunk is authenticated before its plaintext is returned, but a payload cut short is
    noticed only by ``finalize()``: a streamed download must be aborted, not completed, when
    ``finalize()`` raises, and the plaintext hash should be compared with the audit log's.
    """

    def __init__(self, data_key: bytes, *, associated_data: bytes = b"") -> None:
        super().__init__(data_key, associated_data)
        self._buffer = b""
        self._header: bytes | None = None
        self._chunk_size = 0
        self._failed = False

    def update(self, data: bytes) -> bytes:
        """Take more ciphertext; return the plaintext of every complete non-final chunk."""
        self._check_usable()
        buffer = self._buffer + data if self._buffer else bytes(data)
        start = self._read_header(buffer)
        out = []
        if self._header is not None:
            sealed, view = self._chunk_size + _TAG, memoryview(buffer)
            while len(buffer) - start > sealed:
                out.append(self._open(view[start : start + sealed], final=False))
                start += sealed
        self._buffer = buffer[start:]
        return b"".join(out)

    def finalize(self) -> bytes:
        """Open the last chunk; raise :class:`TamperedError` if the payload is cut short."""
        self._check_usable()
        if self._header is None or not _TAG <= len(self._buffer) <= self._chunk_size + _TAG:
            self._failed = True
            raise TamperedError("the payload is truncated or has trailing bytes")
        out = self._open(self._buffer, final=True)
        self._buffer, self._finished = b"", True
        return out

    def _check_usable(self) -> None:
        if self._failed:
            raise TamperedError("the payload already failed to decrypt")
        if self._finished:
            raise EnvelopeError("the stream is already finalized")

    def _read_header(self, buffer: bytes) -> int:
        if self._header is not None:
            return 0
        if len(buffer) < _HEADER.size:
            return 0
        magic, version, chunk_size, _ = _HEADER.unpack_from(buffer)
        if magic != _MAGIC or version != _VERSION or not 1 <= chunk_size <= MAX_CHUNK_SIZE:
            self._failed = True
            raise TamperedError("the payload header is not a Convenor envelope header")
        self._header, self._chunk_size = buffer[: _HEADER.size], chunk_size
        return _HEADER.size

    def _open(self, sealed: bytes | memoryview, *, final: bool) -> bytes:
        assert self._header is not None
        index = self._next_index()
        nonce = self._header[9:17] + struct.pack(">I", index)
        try:
            chunk = self._aead.decrypt(
                nonce, sealed, _aad(self._header, self._associated_data, index, final)
            )
        except InvalidTag:
            self._failed = True
            raise TamperedError(f"chunk {index} fails authentication") from None
        self._sha256.update(chunk)
        return chunk


def encrypt_stream(
    data_key: bytes,
    plaintext: Iterable[bytes],
    *,
    associated_data: bytes = b"",
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Iterator[bytes]:
    """Ciphertext pieces for plaintext pieces (a generator over an :class:`Encryptor`)."""
    encryptor = Encryptor(data_key, associated_data=associated_data, chunk_size=chunk_size)
    for piece in plaintext:
        if out := encryptor.update(piece):
            yield out
    yield encryptor.finalize()


def decrypt_stream(
    data_key: bytes, ciphertext: Iterable[bytes], *, associated_data: bytes = b""
) -> Iterator[bytes]:
    """Plaintext pieces for ciphertext pieces; raises :class:`TamperedError` on any change."""
    decryptor = Decryptor(data_key, associated_data=associated_data)
    for piece in ciphertext:
        if out := decryptor.update(piece):
            yield out
    if out := decryptor.finalize():
        yield out
