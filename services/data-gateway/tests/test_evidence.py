"""A request's evidence bundle: served once its events are checkpointed, verified offline by
the CLI with nothing else, and refused by it when one byte is changed."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path

import pytest

from convenor_gateway import cli

from .factories import approved_request, deliver, download, partner, ward_csv


async def verify_offline(
    bundle: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str], keys: str | None = None
) -> tuple[int, dict[str, object]]:
    path = tmp_path / "bundle.json"
    path.write_bytes(bundle)
    argv = ["evidence", "verify", str(path)]
    if keys is not None:
        (tmp_path / "keys.txt").write_text(keys)
        argv += ["--keys", str(tmp_path / "keys.txt")]
    code = await asyncio.to_thread(cli.main, argv)
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
async def story(client, registry, issuer):
    """A request approved, delivered and downloaded: (requester, holder, request, bytes)."""
    opcc = partner(client, registry, issuer, "local_policing_body")
    council = partner(client, registry, issuer, "local_authority")
    created = await approved_request(opcc, council)
    body = ward_csv("E05V")
    assert (await deliver(council, created["id"], body)).status_code == 201
    assert (await download(opcc, created["id"], "crime_and_disorder_reduction")).status_code == 200
    return opcc, council, created, body


class TestEvidenceBundles:
    async def test_until_a_checkpoint_covers_the_request_the_answer_is_retry_later(self, story):
        opcc, _, created, _ = story
        response = await opcc.get(f"/v1/requests/{created['id']}/evidence")
        assert response.status_code == 409
        problem = response.json()
        assert problem["type"] == "/problems/evidence-not-checkpointed"
        assert problem["needed_tree_size"] > (problem["checkpoint_tree_size"] or 0)
        assert int(response.headers["retry-after"]) >= 1

    async def test_a_bundle_verifies_offline_with_the_cli_and_nothing_else(
        self, story, checkpoint, client, tmp_path, capsys
    ):
        opcc, council, created, body = story
        await checkpoint()
        response = await council.get(f"/v1/requests/{created['id']}/evidence")
        assert response.status_code == 200, response.text
        bundle = response.content
        parsed = json.loads(bundle)
        assert parsed["delivery_hash"] == hashlib.sha256(body).hexdigest()
        assert parsed["request"]["id"] == created["id"]
        assert parsed["request"]["status"] == "delivered"
        assert [t["to"] for t in parsed["transitions"]] == [
            "draft",
            "submitted",
            "approved",
            "delivered",
        ]
        assert "justification" not in parsed["request"]  # only its salted hash
        events = [e["entry"]["event"] for e in parsed["entries"]]
        assert {"collection", "disclosure", "consultation"} <= set(events)
        code, report = await verify_offline(bundle, tmp_path, capsys)
        assert code == 0 and report["ok"] is True, report
        assert report["entries_checked"] == len(parsed["entries"])
        keys = (await client.get("/v1/audit/keys")).text
        code, pinned = await verify_offline(bundle, tmp_path, capsys, keys=keys)
        assert code == 0 and pinned["keys_pinned"] is True
        # The same bundle from the other party, after another checkpoint, still verifies.
        await checkpoint()
        other = await opcc.get(f"/v1/requests/{created['id']}/evidence")
        assert (await verify_offline(other.content, tmp_path, capsys))[0] == 0

    @pytest.mark.parametrize("where", [0.1, 0.35, 0.5, 0.8, 0.97])
    async def test_the_same_bundle_with_one_byte_changed_does_not_verify(
        self, story, checkpoint, tmp_path, capsys, where
    ):
        _, council, created, _ = story
        await checkpoint()
        bundle = bytearray((await council.get(f"/v1/requests/{created['id']}/evidence")).content)
        position = int(len(bundle) * where)
        bundle[position] = ord("0") if bundle[position] != ord("0") else ord("1")
        code, report = await verify_offline(bytes(bundle), tmp_path, capsys)
        assert code == 1 and report["ok"] is False

    async def test_only_the_parties_get_a_bundle(self, story, checkpoint, client, registry, issuer):
        _, _, created, _ = story
        await checkpoint()
        stranger = partner(client, registry, issuer, "local_authority")
        assert (await stranger.get(f"/v1/requests/{created['id']}/evidence")).status_code == 404
