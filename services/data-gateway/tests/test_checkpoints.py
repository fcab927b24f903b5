"""The audit log as a signed Merkle tree: checkpoints, keys, proofs, and rotating the key."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from convenor_gateway.audit import checkpoints
from convenor_gateway.evidence.merkle import verify_consistency, verify_inclusion
from convenor_gateway.evidence.signed_note import parse_verifier_key, verify_note
from convenor_gateway.keys import generate_signing_key

from .factories import Api, admin, asb_request, partner

AUDIT = ("gateway:audit",)


async def keys_of(api: Api) -> list[str]:
    response = await api.client.get("/v1/audit/keys")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return response.text.splitlines()


async def note_of(api: Api, url: str = "/v1/audit/checkpoints/latest") -> str:
    response = await api.client.get(url)
    assert response.status_code == 200, response.text
    return response.text


@pytest.fixture
def auditor(client, registry, issuer) -> Api:
    return partner(
        client, registry, issuer, "local_policing_body", scopes=(*AUDIT, "gateway:request")
    )


class TestCheckpoints:
    async def test_the_latest_checkpoint_is_a_signed_note_anyone_can_check(
        self, auditor, registry, client, issuer, checkpoint
    ):
        council = partner(client, registry, issuer, "local_authority")
        await auditor.created("/v1/requests", asb_request(council, submit=True))
        size = await checkpoint()
        note = await note_of(auditor)
        signed = verify_note(note, await keys_of(auditor))
        assert (signed.origin, signed.size) == ("convenor-gateway/test", size)
        assert signed.timestamp is not None
        as_json = await client.get(
            "/v1/audit/checkpoints/latest", headers={"Accept": "application/json"}
        )
        body = as_json.json()
        assert body["tree_size"] == size and body["note"] == note
        assert body["root_hash"] == signed.root_hash.hex()
        assert body["origin"] == "convenor-gateway/test" and body["timestamp"].endswith("Z")

    async def test_no_checkpoint_is_made_when_the_log_has_not_grown(self, app: FastAPI, checkpoint):
        size = await checkpoint()
        rt = app.state.runtime
        assert await checkpoints.make_checkpoint(rt.database, rt.signing_keys) is None
        assert await checkpoint() == size

    async def test_an_inclusion_proof_leads_to_the_signed_root(
        self, auditor, registry, client, issuer, checkpoint
    ):
        council = partner(client, registry, issuer, "local_authority")
        created = await auditor.created("/v1/requests", asb_request(council, submit=True))
        size = await checkpoint()
        signed = verify_note(await note_of(auditor), await keys_of(auditor))
        entries = (
            await auditor.get("/v1/audit/entries", params={"request_id": created["id"]})
        ).json()["items"]
        for item in entries:
            response = await auditor.get(
                "/v1/audit/proofs/inclusion", params={"index": item["index"]}
            )
            assert response.status_code == 200, response.text
            proof = response.json()
            assert proof["tree_size"] == size and proof["leaf_hash"] == item["leaf_hash"]
            path = [bytes.fromhex(h) for h in proof["audit_path"]]
            leaf = bytes.fromhex(proof["leaf_hash"])
            assert verify_inclusion(leaf, item["index"], size, path, signed.root_hash)

    async def test_a_consistency_proof_shows_the_log_only_grew(
        self, auditor, registry, client, issuer, checkpoint
    ):
        council = partner(client, registry, issuer, "local_authority")
        first = await checkpoint()
        old = verify_note(await note_of(auditor), await keys_of(auditor))
        await auditor.created("/v1/requests", asb_request(council, submit=True))
        second = await checkpoint()
        new = verify_note(await note_of(auditor), await keys_of(auditor))
        response = await auditor.get(
            "/v1/audit/proofs/consistency", params={"first": first, "second": second}
        )
        assert response.status_code == 200, response.text
        proof = [bytes.fromhex(h) for h in response.json()["proof"]]
        assert verify_consistency(first, second, old.root_hash, new.root_hash, proof)
        earlier = await note_of(auditor, f"/v1/audit/checkpoints/{first}")
        assert verify_note(earlier, await keys_of(auditor)).root_hash == old.root_hash

    async def test_proofs_stop_at_the_latest_checkpoint_and_need_the_audit_scope(
        self, auditor, client, registry, issuer, checkpoint
    ):
        size = await checkpoint()
        beyond = await auditor.get(
            "/v1/audit/proofs/inclusion", params={"index": 0, "tree_size": size + 1}
        )
        assert beyond.status_code == 422
        assert str(size) in beyond.json()["detail"]
        outside = await auditor.get("/v1/audit/proofs/inclusion", params={"index": size})
        assert outside.status_code == 422
        plain = partner(client, registry, issuer, "local_authority")
        assert (
            await plain.get("/v1/audit/proofs/inclusion", params={"index": 0})
        ).status_code == 403

    async def test_the_stored_log_verifies_against_the_latest_checkpoint(
        self, client, issuer, checkpoint
    ):
        size = await checkpoint()
        report = (await admin(client, issuer).post("/v1/audit/verify")).json()
        assert report["ok"] is True, report
        assert report["tree_size"] == size and report["checked"] >= size
        assert report["first_bad_index"] is None


class TestSigningKeyRotation:
    async def test_old_checkpoints_still_verify_and_new_ones_use_the_new_key(
        self, app: FastAPI, auditor, registry, client, issuer, checkpoint, key_dir
    ):
        council = partner(client, registry, issuer, "local_authority")
        await auditor.created("/v1/requests", asb_request(council, submit=True))
        old_size = await checkpoint()
        old_note = await note_of(auditor)
        old_signer = verify_note(old_note, await keys_of(auditor)).verified_by
        generate_signing_key(key_dir)
        app.state.runtime.signing_keys.reload()  # replicas reload on their own within 30 s
        await auditor.created("/v1/requests", asb_request(council, submit=True))
        await checkpoint()
        keys = await keys_of(auditor)
        assert len(keys) >= 2
        new_signer = verify_note(await note_of(auditor), keys).verified_by
        assert new_signer != old_signer
        assert new_signer == (
            f"{parse_verifier_key(keys[0]).name}+{parse_verifier_key(keys[0]).key_id.hex()}",
        )
        again = await note_of(auditor, f"/v1/audit/checkpoints/{old_size}")
        assert again == old_note and verify_note(again, keys).verified_by == old_signer
        report = (await admin(client, issuer).post("/v1/audit/verify")).json()
        assert report["ok"] is True, report
