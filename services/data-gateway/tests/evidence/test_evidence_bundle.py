from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convenor_gateway.evidence.canonical import canonical_bytes, record_hash, seal
from convenor_gateway.evidence.evidence_bundle import build_bundle, bundle_bytes, verify_bundle
from convenor_gateway.evidence.merkle import MerkleTree
from convenor_gateway.evidence.signed_note import cosign

from .factories import REQUEST_ID, Signer, entry

SIGNER = Signer()
REQUEST = {"id": REQUEST_ID, "purpose": "serious_violence_prevention", "status": "submitted"}
TRANSITIONS = [
    {"from": "submitted", "to": "approved", "at": "2025-01-03T09:00:00Z"},
    {"from": "approved", "to": "delivered", "at": "2025-01-05T09:00:00Z"},
]
PAYLOAD_HASH = hashlib.sha256(b"area,count\nL1,12\n").hexdigest()


def story() -> list[dict[str, Any]]:
    """A log where the request's entries sit among other requests' entries."""
    about = {"request_id": REQUEST_ID}
    ours = {
        2: {"event": "request.submitted", **about, "request_hash": record_hash(REQUEST)},
        5: {"event": "request.transition", **about, "transition_hash": record_hash(TRANSITIONS[0])},
        8: {"event": "delivery.accepted", **about, "payload_hash": PAYLOAD_HASH},
        9: {"event": "request.transition", **about, "transition_hash": record_hash(TRANSITIONS[1])},
    }
    return [ours.get(n, entry(n)) for n in range(13)]


def make(
    *,
    request: dict[str, Any] = REQUEST,
    transitions: list[dict[str, Any]] = TRANSITIONS,
    delivery_hash: str | None = PAYLOAD_HASH,
    indices: tuple[int, ...] = (2, 5, 8, 9),
    note: str | None = None,
    keys: list[str] | None = None,
) -> dict[str, Any]:
    rows = list(seal(story()))
    tree = MerkleTree(bytes.fromhex(row.leaf_hash) for row in rows)
    if note is None:
        note = SIGNER.checkpoint([row.as_dict() for row in rows])
    chosen = [(rows[i].index, rows[i].entry, rows[i].leaf_hash) for i in indices]
    return build_bundle(
        request, transitions, delivery_hash, chosen, tree, note, keys or [SIGNER.verifier]
    )


GENUINE = bundle_bytes(make())


def resealed(change: Any) -> bytes:
    """The genuine bundle with a change made to its content, written canonically again."""
    bundle = json.loads(GENUINE)
    change(bundle)
    return canonical_bytes(bundle)


class TestGenuineBundles:
    def test_a_bundle_verifies_offline(self) -> None:
        report = verify_bundle(GENUINE)
        assert report.ok, report.reason
        assert (report.entries_checked, report.tree_size, report.keys_pinned) == (4, 13, False)

    def test_with_the_gateways_keys_the_signature_is_pinned(self) -> None:
        report = verify_bundle(GENUINE, trusted_keys=[SIGNER.verifier, Signer(seed=5).verifier])
        assert report.ok
        assert report.keys_pinned

    def test_a_trailing_newline_is_tolerated_and_text_is_accepted(self) -> None:
        assert verify_bundle(GENUINE + b"\n").ok
        assert verify_bundle(GENUINE.decode()).ok

    def test_a_request_not_yet_delivered_verifies_with_a_null_delivery_hash(self) -> None:
        bundle = make(transitions=TRANSITIONS[:1], delivery_hash=None, indices=(2, 5))
        assert verify_bundle(bundle_bytes(bundle)).ok


class TestOneByteChanges:
    def test_flipping_any_bit_of_any_byte_fails(self) -> None:
        for position in range(len(GENUINE)):
            changed = bytearray(GENUINE)
            changed[position] ^= 1 << (position % 8)
            assert not verify_bundle(bytes(changed)).ok, position

    @settings(max_examples=200, deadline=None)
    @given(data=st.data())
    def test_any_one_byte_replaced_fails(self, data: st.DataObject) -> None:
        position = data.draw(st.integers(0, len(GENUINE) - 1))
        value = data.draw(st.integers(0, 255).filter(lambda v: v != GENUINE[position]))
        changed = GENUINE[:position] + bytes([value]) + GENUINE[position + 1 :]
        assert not verify_bundle(changed).ok


class TestFacts:
    @pytest.mark.parametrize(
        ("change", "reason"),
        [
            (lambda b: b["request"].update(status="approved"), "last recorded"),
            (lambda b: b["transitions"].pop(), "transitions are not"),
            (lambda b: b["transitions"].reverse(), "transitions are not"),
            (lambda b: b.update(delivery_hash="0" * 64), "delivery hash is not"),
            (lambda b: b.update(delivery_hash=None), "does not state"),
            (lambda b: b.update(delivery_hash="ABC"), "hex SHA-256"),
            (lambda b: b["request"].update(id="another"), "another request"),
            (lambda b: b.update(extra=1), "exactly"),
            (lambda b: b["entries"][0].update(leaf_hash="0" * 64), "does not hash"),
            (lambda b: b["entries"].reverse(), "out of order"),
            (lambda b: b["inclusion_proofs"].pop(), "one inclusion proof per entry"),
            (lambda b: b["inclusion_proofs"][1].update(tree_size=12), "tree size"),
            (lambda b: b["inclusion_proofs"][1].update(leaf_index=2), "another leaf"),
            (lambda b: b["inclusion_proofs"][1]["audit_path"].pop(), "hashes where"),
            (lambda b: b["inclusion_proofs"][1]["audit_path"].reverse(), "does not lead"),
            (lambda b: b.update(entries=[], inclusion_proofs=[]), "at least one entry"),
        ],
    )
    def test_a_bundle_whose_facts_do_not_match_its_entries_fails(
        self, change: Any, reason: str
    ) -> None:
        report = verify_bundle(resealed(change))
        assert not report.ok
        assert reason in report.reason

    def test_leaving_out_an_entry_with_its_proof_drops_its_fact_too(self) -> None:
        # Without the delivery entry the log no longer vouches for the delivery hash.
        bundle = make(indices=(2, 5, 9))
        assert "delivery hash is not" in verify_bundle(bundle_bytes(bundle)).reason

    def test_an_entry_about_another_request_fails_even_with_a_valid_proof(self) -> None:
        bundle = make(indices=(2, 3, 5, 8, 9))
        assert "another request" in verify_bundle(bundle_bytes(bundle)).reason

    def test_a_bundle_not_in_canonical_form_fails(self) -> None:
        pretty = json.dumps(json.loads(GENUINE), indent=1).encode()
        assert "canonical" in verify_bundle(pretty).reason


class TestKeys:
    def test_a_key_the_caller_does_not_trust_fails(self) -> None:
        report = verify_bundle(GENUINE, trusted_keys=[Signer(seed=5).verifier])
        assert not report.ok
        assert report.keys_pinned
        assert "do not trust" in report.reason

    def test_a_listed_key_that_did_not_sign_fails(self) -> None:
        bundle = make(keys=[SIGNER.verifier, Signer(seed=5).verifier])
        assert "did not sign" in verify_bundle(bundle_bytes(bundle)).reason

    def test_a_signature_by_a_key_the_bundle_does_not_list_fails(self) -> None:
        rows = [row.as_dict() for row in seal(story())]
        note = cosign(SIGNER.checkpoint(rows), Signer(seed=5).key, "witness.example")
        assert "unknown key" in verify_bundle(bundle_bytes(make(note=note))).reason

    def test_a_bundle_signed_by_its_own_forged_key_verifies_only_unpinned(self) -> None:
        forger = Signer(seed=7)
        rows = [row.as_dict() for row in seal(story())]
        forged = make(note=forger.checkpoint(rows), keys=[forger.verifier])
        assert verify_bundle(bundle_bytes(forged)).ok  # self-consistent, proves nothing alone
        assert not verify_bundle(bundle_bytes(forged), trusted_keys=[SIGNER.verifier]).ok

    def test_copies_are_not_shared_with_the_caller(self) -> None:
        bundle = make()
        snapshot = copy.deepcopy(bundle)
        verify_bundle(bundle_bytes(bundle))
        assert bundle == snapshot
