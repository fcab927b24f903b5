from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from convenor_gateway.evidence.signed_note import (
    NoteError,
    NoteVerificationError,
    checkpoint_text,
    cosign,
    key_id,
    parse_checkpoint,
    parse_verifier_key,
    sign_checkpoint,
    sign_note,
    verifier_key_string,
    verify_note,
)

from .factories import ORIGIN, Signer

# golang.org/x/mod/sumdb/note's example: the same key and text must give the same bytes.
GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n\u2014 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
ROOT = bytes(range(32))


def go_key() -> Ed25519PrivateKey:
    seed = base64.b64decode(GO_SIGNER.split("+", 4)[4])[1:]
    return Ed25519PrivateKey.from_private_bytes(seed)


class TestInteroperability:
    def test_signing_reproduces_the_go_note_byte_for_byte(self) -> None:
        assert sign_note(GO_TEXT, go_key(), "PeterNeumann") == GO_NOTE

    def test_the_verifier_key_string_is_the_one_go_prints(self) -> None:
        assert verifier_key_string("PeterNeumann", go_key().public_key()) == GO_VERIFIER
        assert key_id("PeterNeumann", go_key().public_key()).hex() == "c74f20a3"

    def test_the_go_verifier_key_parses_to_the_same_key(self) -> None:
        key = parse_verifier_key(GO_VERIFIER)
        assert (key.name, key.key_id.hex(), str(key)) == ("PeterNeumann", "c74f20a3", GO_VERIFIER)


class TestCheckpoints:
    def test_a_signed_checkpoint_verifies_and_reads_back(self) -> None:
        signer = Signer()
        note = sign_checkpoint(
            ORIGIN, 42, ROOT, signer.key, signer.name, ["extra thing"], timestamp=1_736_000_000
        )
        checkpoint = verify_note(note, [signer.verifier])
        assert (checkpoint.origin, checkpoint.size, checkpoint.root_hash) == (ORIGIN, 42, ROOT)
        assert checkpoint.extensions == ("timestamp 1736000000", "extra thing")
        assert checkpoint.timestamp == 1_736_000_000
        assert checkpoint.verified_by == (
            f"{signer.name}+{parse_verifier_key(signer.verifier).key_id.hex()}",
        )

    def test_the_note_is_the_c2sp_layout(self) -> None:
        signer = Signer()
        note = sign_checkpoint(ORIGIN, 0, ROOT, signer.key, signer.name)
        lines = note.split("\n")
        assert lines[:4] == [ORIGIN, "0", base64.b64encode(ROOT).decode(), ""]
        assert lines[4].startswith(f"\u2014 {signer.name} ")
        assert lines[5:] == [""]
        assert parse_checkpoint(note).timestamp is None

    def test_any_changed_line_of_the_text_fails(self) -> None:
        signer = Signer()
        note = sign_checkpoint(ORIGIN, 7, ROOT, signer.key, signer.name, timestamp=5)
        for old, new in [
            ("\n7\n", "\n8\n"),
            ("timestamp 5", "timestamp 6"),
            ("audit\n", "audiT\n"),
        ]:
            with pytest.raises(NoteVerificationError):
                verify_note(note.replace(old, new, 1), [signer.verifier])


class TestKeys:
    def test_old_keys_still_verify_old_checkpoints_after_rotation(self) -> None:
        old, new = Signer(seed=1), Signer(seed=2)
        before = sign_checkpoint(ORIGIN, 5, ROOT, old.key, old.name)
        after = sign_checkpoint(ORIGIN, 9, ROOT, new.key, new.name)
        keys = [new.verifier, old.verifier]
        assert verify_note(before, keys).size == 5
        assert verify_note(after, keys).size == 9
        with pytest.raises(NoteVerificationError, match="no signature from a known key"):
            verify_note(before, [new.verifier])

    def test_a_note_cosigned_during_rotation_verifies_with_either_key(self) -> None:
        old, new = Signer(seed=1), Signer(seed=2)
        note = cosign(sign_checkpoint(ORIGIN, 5, ROOT, old.key, old.name), new.key, new.name)
        assert len(verify_note(note, [old.verifier, new.verifier]).verified_by) == 2
        assert verify_note(note, [new.verifier]).size == 5

    def test_signatures_by_unknown_keys_are_ignored_unless_strict(self) -> None:
        ours, witness = Signer(seed=1), Signer("witness.example/w1", seed=3)
        note = cosign(
            sign_checkpoint(ORIGIN, 5, ROOT, ours.key, ours.name), witness.key, "witness.example/w1"
        )
        assert verify_note(note, [ours.verifier]).size == 5
        with pytest.raises(NoteVerificationError, match="unknown key"):
            verify_note(note, [ours.verifier], strict=True)

    def test_a_bad_signature_from_a_known_key_rejects_the_whole_note(self) -> None:
        ours, impostor = Signer(seed=1), Signer(seed=4)
        good = sign_checkpoint(ORIGIN, 5, ROOT, ours.key, ours.name)
        forged_line = sign_checkpoint(ORIGIN, 5, ROOT, impostor.key, ours.name).split("\n\n")[1]
        # Same name and key id as ours, signature by another key.
        name, blob = forged_line[2:-1].split(" ")
        ours_id = parse_verifier_key(ours.verifier).key_id
        forged = base64.b64encode(ours_id + base64.b64decode(blob)[4:]).decode()
        note = good.split("\n\n")[0] + f"\n\n\u2014 {name} {forged}\n"
        with pytest.raises(NoteVerificationError, match="does not verify"):
            verify_note(note, [ours.verifier])

    def test_the_same_key_signing_twice_is_refused(self) -> None:
        ours = Signer()
        note = sign_checkpoint(ORIGIN, 5, ROOT, ours.key, ours.name)
        with pytest.raises(NoteVerificationError, match="more than once"):
            verify_note(cosign(note, ours.key, ours.name), [ours.verifier])

    @pytest.mark.parametrize(
        "key",
        [
            GO_VERIFIER.replace("c74f20a3", "C74F20A3"),
            GO_VERIFIER.replace("c74f20a3", "c74f20a4"),
            GO_VERIFIER.replace("PeterNeumann", "PeterNeumanm"),
            GO_VERIFIER.replace("+ARpc", "+AhpC"),
            GO_VERIFIER[:-1],
            GO_VERIFIER + "=",
            "PeterNeumann+c74f20a3",
            "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "",
        ],
    )
    def test_a_mangled_verifier_key_is_refused(self, key: str) -> None:
        with pytest.raises(NoteError):
            parse_verifier_key(key)

    @settings(max_examples=100)
    @given(data=st.data())
    def test_any_one_character_change_to_a_verifier_key_is_refused(
        self, data: st.DataObject
    ) -> None:
        position = data.draw(st.integers(0, len(GO_VERIFIER) - 1))
        replacement = data.draw(
            st.characters(codec="ascii").filter(lambda c: c != GO_VERIFIER[position])
        )
        with pytest.raises(NoteError):
            parse_verifier_key(GO_VERIFIER[:position] + replacement + GO_VERIFIER[position + 1 :])

    def test_a_key_name_with_a_space_or_plus_cannot_sign(self) -> None:
        for name in ("two words", "a+b", "", "tab\tname"):
            with pytest.raises(NoteError):
                sign_note(GO_TEXT, go_key(), name)


class TestMalformedNotes:
    signer = Signer()
    note = sign_checkpoint(ORIGIN, 12, ROOT, signer.key, signer.name, timestamp=1)

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            ("\n\n\u2014", "\n\u2014"),  # no blank line
            ("\n\u2014 ", "\n- "),  # a hyphen, not an em dash
            ("=\n", "\n"),  # base64 without its padding
            ("\n12\n", "\n012\n"),  # a leading zero
            ("\n12\n", "\n-12\n"),
            ("\n12\n", "\n\n"),  # an empty size line
            ("timestamp 1\n", "\n"),  # an empty extension line
            ("\n12\n", "\n12\x01\n"),  # a control character
        ],
    )
    def test_a_malformed_note_is_refused_before_any_signature_check(
        self, old: str, new: str
    ) -> None:
        with pytest.raises(NoteError):
            verify_note(self.note.replace(old, new, 1), [self.signer.verifier])

    def test_a_note_without_a_final_newline_or_signature_is_refused(self) -> None:
        for note in (self.note[:-1], self.note.split("\u2014")[0], "", "\n\n"):
            with pytest.raises(NoteError):
                parse_checkpoint(note)

    def test_a_signature_in_non_canonical_base64_is_refused(self) -> None:
        # The last base64 character before "=" carries two unused bits; setting them spells the
        # same bytes differently, and a note must have one spelling.
        line = self.note.split("\n\n")[1]
        blob = line.rsplit(" ", 1)[1].rstrip("\n")
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        last = blob[-2]
        sibling = alphabet[alphabet.index(last) ^ 1]
        assert base64.b64decode(blob[:-2] + sibling + "=") == base64.b64decode(blob)
        with pytest.raises(NoteError, match="canonical"):
            verify_note(self.note.replace(blob, blob[:-2] + sibling + "="), [self.signer.verifier])

    def test_a_root_that_is_not_32_bytes_is_refused(self) -> None:
        text = f"{ORIGIN}\n1\n{base64.b64encode(bytes(31)).decode()}\n"
        with pytest.raises(NoteError, match="32 bytes"):
            parse_checkpoint(sign_note(text, self.signer.key, self.signer.name))

    def test_checkpoint_text_refuses_what_it_cannot_write(self) -> None:
        for args in [("", 1, ROOT), (ORIGIN, -1, ROOT), (ORIGIN, 1, ROOT[:5])]:
            with pytest.raises(NoteError):
                checkpoint_text(*args)
        with pytest.raises(NoteError):
            checkpoint_text(ORIGIN, 1, ROOT, ["two\nlines"])

    @settings(max_examples=200)
    @given(data=st.data())
    def test_any_one_character_change_to_a_note_fails(self, data: st.DataObject) -> None:
        position = data.draw(st.integers(0, len(self.note) - 1))
        replacement = data.draw(
            st.characters(codec="utf-8").filter(lambda c: c != self.note[position])
        )
        changed = self.note[:position] + replacement + self.note[position + 1 :]
        with pytest.raises(NoteError):
            verify_note(changed, [self.signer.verifier])
