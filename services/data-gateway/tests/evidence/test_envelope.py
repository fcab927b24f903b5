from __future__ import annotations

import hashlib
import itertools
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convenor_gateway.evidence.envelope import (
    Decryptor,
    Encryptor,
    EnvelopeError,
    TamperedError,
    decrypt_stream,
    encrypt_stream,
    new_data_key,
)

KEY = bytes(range(32))
AD = b"request 0190a1b2"
CHUNK = 16
HEADER = 17
SEALED = CHUNK + 16


def encrypt(plaintext: bytes, *, chunk_size: int = CHUNK, ad: bytes = AD) -> bytes:
    return b"".join(encrypt_stream(KEY, [plaintext], associated_data=ad, chunk_size=chunk_size))


def decrypt(ciphertext: bytes, *, key: bytes = KEY, ad: bytes = AD) -> bytes:
    return b"".join(decrypt_stream(key, [ciphertext], associated_data=ad))


def pieces(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


class TestRoundTrip:
    @pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 5])
    def test_every_size_around_chunk_boundaries_decrypts_to_the_same_bytes(self, size: int) -> None:
        plaintext = os.urandom(size)
        ciphertext = encrypt(plaintext)
        chunks = max(1, -(-size // CHUNK))
        assert len(ciphertext) == HEADER + size + 16 * chunks
        assert decrypt(ciphertext) == plaintext

    @settings(max_examples=150, deadline=None)
    @given(
        plaintext=st.binary(max_size=200),
        chunk_size=st.integers(1, 40),
        cuts=st.lists(st.integers(0, 400), max_size=8),
        cipher_cuts=st.lists(st.integers(0, 2000), max_size=8),
    )
    def test_any_split_of_the_input_gives_the_same_plaintext_back(
        self, plaintext: bytes, chunk_size: int, cuts: list[int], cipher_cuts: list[int]
    ) -> None:
        encryptor = Encryptor(KEY, associated_data=AD, chunk_size=chunk_size)
        ciphertext = b"".join(encryptor.update(p) for p in pieces(plaintext, cuts))
        ciphertext += encryptor.finalize()
        assert encryptor.plaintext_sha256 == hashlib.sha256(plaintext).digest()
        assert encryptor.plaintext_size == len(plaintext)
        decryptor = Decryptor(KEY, associated_data=AD)
        out = b"".join(decryptor.update(p) for p in pieces(ciphertext, cipher_cuts))
        assert out + decryptor.finalize() == plaintext
        assert decryptor.plaintext_sha256 == hashlib.sha256(plaintext).digest()

    def test_a_large_single_update_is_streamed_in_chunks(self) -> None:
        plaintext = os.urandom(5 * 1024 * 1024 + 3)
        encryptor = Encryptor(KEY)
        first = encryptor.update(plaintext)
        assert len(first) == HEADER + 80 * (64 * 1024 + 16)  # all but the last chunk is out
        ciphertext = first + encryptor.finalize()
        assert b"".join(decrypt_stream(KEY, [ciphertext])) == plaintext

    def test_the_same_plaintext_encrypts_differently_each_time(self) -> None:
        assert encrypt(b"same") != encrypt(b"same")

    def test_a_fresh_data_key_is_256_random_bits(self) -> None:
        assert len(new_data_key()) == 32
        assert new_data_key() != new_data_key()


class TestTampering:
    plaintext = bytes(range(100))  # seven chunks of 16, the last one of 4

    @settings(max_examples=200, deadline=None)
    @given(data=st.data())
    def test_any_changed_byte_fails(self, data: st.DataObject) -> None:
        ciphertext = bytearray(encrypt(self.plaintext))
        position = data.draw(st.integers(0, len(ciphertext) - 1))
        ciphertext[position] ^= data.draw(st.integers(1, 255))
        with pytest.raises(TamperedError):
            decrypt(bytes(ciphertext))

    def test_a_payload_cut_short_anywhere_fails(self) -> None:
        ciphertext = encrypt(self.plaintext)
        for length in range(len(ciphertext)):
            with pytest.raises(TamperedError):
                decrypt(ciphertext[:length])

    def test_chunks_dropped_repeated_or_reordered_fail(self) -> None:
        ciphertext = encrypt(self.plaintext)
        header, body = ciphertext[:HEADER], ciphertext[HEADER:]
        chunks = [body[i : i + SEALED] for i in range(0, len(body), SEALED)]
        variants = [
            chunks[:-1],  # the last chunk dropped: the one before was not sealed as final
            chunks[1:],
            [*chunks[:2], *chunks[3:]],
            [chunks[1], chunks[0], *chunks[2:]],
            [*chunks[:3], chunks[2], *chunks[3:]],
            [*chunks, chunks[-1]],
        ]
        for variant in variants:
            with pytest.raises(TamperedError):
                decrypt(header + b"".join(variant))

    def test_trailing_bytes_fail(self) -> None:
        with pytest.raises(TamperedError):
            decrypt(encrypt(self.plaintext) + b"\x00")

    def test_the_wrong_key_or_another_requests_associated_data_fails(self) -> None:
        ciphertext = encrypt(self.plaintext)
        with pytest.raises(TamperedError):
            decrypt(ciphertext, key=bytes(32))
        with pytest.raises(TamperedError):
            decrypt(ciphertext, ad=b"request 0190a1b3")

    def test_a_header_with_another_chunk_size_fails(self) -> None:
        ciphertext = bytearray(encrypt(self.plaintext))
        ciphertext[8] = CHUNK * 2  # the low byte of the chunk size
        with pytest.raises(TamperedError):
            decrypt(bytes(ciphertext))

    def test_a_failed_decryptor_refuses_to_go_on(self) -> None:
        decryptor = Decryptor(KEY, associated_data=AD)
        with pytest.raises(TamperedError):
            decryptor.update(b"XXXX" + bytes(100))
        with pytest.raises(TamperedError):
            decryptor.update(b"more")
        with pytest.raises(TamperedError):
            decryptor.finalize()


class TestMisuse:
    def test_the_hash_is_known_only_once_finalized(self) -> None:
        encryptor = Encryptor(KEY)
        encryptor.update(b"abc")
        with pytest.raises(EnvelopeError):
            _ = encryptor.plaintext_sha256
        encryptor.finalize()
        with pytest.raises(EnvelopeError):
            encryptor.update(b"more")
        with pytest.raises(EnvelopeError):
            encryptor.finalize()

    @pytest.mark.parametrize("key", [b"", bytes(16), bytes(33)])
    def test_a_data_key_is_32_bytes(self, key: bytes) -> None:
        with pytest.raises(EnvelopeError):
            Encryptor(key)

    @pytest.mark.parametrize("chunk_size", [0, -1, 16 * 1024 * 1024 + 1])
    def test_the_chunk_size_is_bounded(self, chunk_size: int) -> None:
        with pytest.raises(EnvelopeError):
            Encryptor(KEY, chunk_size=chunk_size)
