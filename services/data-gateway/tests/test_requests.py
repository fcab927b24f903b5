"""Data requests through their state machine, as the two parties see them."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from convenor_shared.testing import LocalIssuer

from .conftest import FakeRegistry
from .factories import Api, asb_request, health_request, partner


def opcc_and(client, registry, issuer, classification: str) -> tuple[Api, Api]:
    opcc = partner(client, registry, issuer, "local_policing_body", kind="pcc")
    return opcc, partner(client, registry, issuer, classification)


async def history_of(api: Api, request_id: str) -> list[dict[str, Any]]:
    response = await api.get(f"/v1/requests/{request_id}/history")
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    return rows


class TestCrimeAndDisorderScenario:
    async def test_asb_data_is_checked_submitted_acknowledged_clarified_and_approved(
        self, client: httpx.AsyncClient, registry: FakeRegistry, issuer: LocalIssuer
    ):
        opcc, council = opcc_and(client, registry, issuer, "local_authority")
        draft = await opcc.created("/v1/requests", asb_request(council))
        assert draft["status"] == "draft"
        assert draft["allowed_transitions"] == ["submitted", "withdrawn"]
        rid = draft["id"]

        submitted = (await opcc.move(rid, "submitted")).json()
        assert submitted["status"] == "submitted"
        assert submitted["check_result"]["permitted"] is True
        assert submitted["due_date"] is not None

        assert (await council.move(rid, "acknowledged")).json()["status"] == "acknowledged"
        asked = await council.move(
            rid, "clarification_requested", reason="Which wards: the whole district or two?"
        )
        assert asked.json()["clarification_rounds"] == 1
        changed = await opcc.patch(
            f"/v1/requests/{rid}", json={"necessity": "Only the two town-centre wards."}
        )
        assert changed.status_code == 200, changed.text
        resubmitted = await opcc.move(rid, "submitted", reason="Two wards: Central and Riverside.")
        assert resubmitted.json()["status"] == "submitted"
        approved = (await council.move(rid, "approved")).json()
        assert approved["status"] == "approved"
        assert approved["approved_items"] == ["ward_code", "month", "asb_incidents"]

        moves = [(h["from_status"], h["to_status"]) for h in await history_of(council, rid)]
        assert moves == [
            (None, "draft"),
            ("draft", "submitted"),
            ("submitted", "acknowledged"),
            ("acknowledged", "clarification_requested"),
            ("clarification_requested", "submitted"),
            ("submitted", "approved"),
        ]
        last = (await history_of(opcc, rid))[-1]
        assert last["actor_client_id"] == council.client_id
        assert last["actor_organisation_id"] == council.id


class TestHealthExclusionScenario:
    async def test_identifiable_health_data_under_s16_is_refused_naming_s16_4(
        self, client, registry, issuer
    ):
        opcc, icb = opcc_and(client, registry, issuer, "health")
        refused = await opcc.created("/v1/requests", health_request(icb, submit=True))
        assert refused["status"] == "refused"
        assert refused["reason_code"] == "no_lawful_basis"
        history = await history_of(opcc, refused["id"])
        assert [h["to_status"] for h in history] == ["draft", "submitted", "refused"]
        assert history[-1]["actor_client_id"] == "convenor-gateway"
        assert "s16(4)" in history[-1]["reason"]
        assert history[-1]["reason_code"] == "no_lawful_basis"


class TestRecognisedLegitimateInterestsScenario:
    async def test_a_request_to_a_charity_that_omits_the_public_task_is_refused(
        self, client, registry, issuer
    ):
        opcc, charity = opcc_and(client, registry, issuer, "vcse")
        body = asb_request(
            charity, legal_gateways=["duaa-2025-art6-1-ea"], statutory_function=None, submit=True
        )
        refused = await opcc.created("/v1/requests", body)
        assert refused["status"] == "refused"
        explanation = (await history_of(opcc, refused["id"]))[-1]["reason"]
        assert "must state the requester's public task" in explanation

    async def test_one_that_states_it_reaches_the_charity(self, client, registry, issuer):
        opcc, charity = opcc_and(client, registry, issuer, "vcse")
        body = asb_request(charity, legal_gateways=["duaa-2025-art6-1-ea"], submit=True)
        submitted = await opcc.created("/v1/requests", body)
        assert submitted["status"] == "submitted"
        listed = (await charity.get("/v1/requests", params={"role": "holder"})).json()["items"]
        assert [r["id"] for r in listed] == [submitted["id"]]


class TestVisibility:
    async def test_a_partner_never_sees_another_partners_request(self, client, registry, issuer):
        opcc, council = opcc_and(client, registry, issuer, "local_authority")
        other = partner(client, registry, issuer, "local_authority")
        created = await opcc.created("/v1/requests", asb_request(council, submit=True))
        for path in ("", "/history", "/decision-record"):
            response = await other.get(f"/v1/requests/{created['id']}{path}")
            assert response.status_code == 404, path
            assert response.json()["type"] == "/problems/request-not-found"
        assert (await other.move(created["id"], "approved")).status_code == 404
        for role in ("requester", "holder", None):
            params = {"role": role} if role else {}
            items = (await other.get("/v1/requests", params=params)).json()["items"]
            assert created["id"] not in [r["id"] for r in items]

    async def test_a_draft_has_not_reached_the_holder(self, client, registry, issuer):
        opcc, council = opcc_and(client, registry, issuer, "local_authority")
        draft = await opcc.created("/v1/requests", asb_request(council))
        assert (await council.get(f"/v1/requests/{draft['id']}")).status_code == 404
        await opcc.move(draft["id"], "submitted")
        assert (await council.get(f"/v1/requests/{draft['id']}")).status_code == 200

    async def test_lists_filter_by_role_and_status(self, client, registry, issuer):
        opcc, council = opcc_and(client, registry, issuer, "local_authority")
        first = await opcc.created("/v1/requests", asb_request(council, submit=True))
        await opcc.created("/v1/requests", asb_request(council))
        mine = (await opcc.get("/v1/requests", params={"role": "requester"})).json()["items"]
        assert len(mine) == 2
        theirs = (await council.get("/v1/requests", params={"role": "holder"})).json()["items"]
        assert [r["id"] for r in theirs] == [first["id"]]
        drafts = (await opcc.get("/v1/requests", params={"status": "draft"})).json()["items"]
        assert len(drafts) == 1 and "justification" not in drafts[0]


class TestMoves:
    async def test_an_illegal_transition_is_409_naming_the_allowed_ones(
        self, client, registry, issuer
    ):
        opcc, council = opcc_and(client, registry, issuer, "local_authority")
        created = await opcc.created("/v1/requests", asb_request(council, submit=True))
        response = await council.move(created["id"], "closed")
        assert response.status_code == 409
        problem = response.json()
        assert problem["type"] == "/problems/illegal-transition"
        assert problem["allowed"] == [
            "acknowledged",
            "clarification_requested",
            "approved",
            "partially_approved",
            "refused",
        ]

    async def test_the_requester_cannot_approve_and_the_holder_cannot_withdraw(
        self, client, registry, issuer
    ):
        opcc, council = opcc_and(client, registry, issuer, "local_authority")
        created = await opcc.created("/v1/requests", asb_request(council, submit=True))
        approve = await opcc.move(created["id"], "approved")
        assert approve.status_code == 403
        assert approve.json()["type"] == "/problems/not-your-move"
        assert approve.json()["allowed"] == ["withdrawn"]
        withdraw = await council.move(created["id"], "withdrawn")
        assert withdraw.status_code == 403
        assert "withdrawn" not in withdraw.json()["allowed"]

    async def test_a_refusal_needs_a_reason_code_and_words(self, client, registry, issuer):
        opcc, council = opcc_and(client, registry, issuer, "local_authority")
        created = await opcc.created("/v1/requests", asb_request(council, submit=True))
        response = await council.move(created["id"], "refused", reason="Not held.")
        assert response.status_code == 422
        refused = await council.move(
            created["id"], "refused", reason_code="not_held", reason="We hold no ASB data."
        )
        assert refused.json()["reason_code"] == "not_held"

    async def test_partial_approval_names_some_but_not_all_items(self, client, registry, issuer):
        opcc, council = opcc_and(client, registry, issuer, "local_authority")
        created = await opcc.created("/v1/requests", asb_request(council, submit=True))
        everything = ["ward_code", "month", "asb_incidents"]
        for wrong in ([], everything, ["ward_code", "postcode"]):
            response = await council.move(created["id"], "partially_approved", approved_items=wrong)
            assert response.status_code == 422, wrong
        partly = await council.move(
            created["id"], "partially_approved", approved_items=["ward_code", "asb_incidents"]
        )
        assert partly.json()["approved_items"] == ["ward_code", "asb_incidents"]

    async def test_a_request_is_not_editable_once_it_is_with_the_holder(
        self, client, registry, issuer
    ):
        opcc, council = opcc_and(client, registry, issuer, "local_authority")
        created = await opcc.created("/v1/requests", asb_request(council, submit=True))
        response = await opcc.patch(f"/v1/requests/{created['id']}", json={"necessity": "x"})
        assert response.status_code == 409
        assert response.json()["type"] == "/problems/request-not-editable"

    async def test_a_stale_etag_is_refused(self, client, registry, issuer):
        opcc, council = opcc_and(client, registry, issuer, "local_authority")
        draft = await opcc.created("/v1/requests", asb_request(council))
        etag = (await opcc.get(f"/v1/requests/{draft['id']}")).headers["etag"]
        ok = await opcc.patch(
            f"/v1/requests/{draft['id']}", json={"retention_days": 90}, headers={"If-Match": etag}
        )
        assert ok.status_code == 200
        stale = await opcc.patch(
            f"/v1/requests/{draft['id']}", json={"retention_days": 30}, headers={"If-Match": etag}
        )
        assert stale.status_code == 412


class TestConcurrentMoves:
    async def test_two_approvals_at_once_make_one_approval_and_one_409(
        self, client, registry, issuer
    ):
        opcc, council = opcc_and(client, registry, issuer, "local_authority")
        created = await opcc.created("/v1/requests", asb_request(council, submit=True))
        first, second = await asyncio.gather(
            council.move(created["id"], "approved"), council.move(created["id"], "approved")
        )
        assert sorted([first.status_code, second.status_code]) == [200, 409]
        moves = [h["to_status"] for h in await history_of(opcc, created["id"])]
        assert moves.count("approved") == 1


class TestIdempotency:
    async def test_the_same_key_and_body_replays_and_another_body_is_422(
        self, client, registry, issuer
    ):
        opcc, council = opcc_and(client, registry, issuer, "local_authority")
        body = asb_request(council)
        key = {"Idempotency-Key": "raise-asb-request-1"}
        first = await opcc.post("/v1/requests", json=body, headers=key)
        again = await opcc.post("/v1/requests", json=body, headers=key)
        assert first.status_code == again.status_code == 201
        assert again.json()["id"] == first.json()["id"]
        assert again.headers["idempotent-replayed"] == "true"
        other = await opcc.post("/v1/requests", json=body | {"retention_days": 30}, headers=key)
        assert other.status_code == 422
        mine = (await opcc.get("/v1/requests", params={"role": "requester"})).json()["items"]
        assert len(mine) == 1

    async def test_a_creating_post_without_a_key_is_refused(self, client, registry, issuer):
        opcc, council = opcc_and(client, registry, issuer, "local_authority")
        response = await client.post(
            "/v1/requests", json=asb_request(council), headers=opcc.headers()
        )
        assert response.status_code == 400
        assert "Idempotency-Key" in response.json()["detail"]


class TestDecisionRecord:
    async def test_the_record_says_who_what_why_under_which_law_and_who_decided(
        self, client, registry, issuer
    ):
        opcc, council = opcc_and(client, registry, issuer, "local_authority")
        created = await opcc.created("/v1/requests", asb_request(council, submit=True))
        await council.move(created["id"], "approved")
        record = (await opcc.get(f"/v1/requests/{created['id']}/decision-record")).json()
        assert record["who"]["holder"]["name"] == council.org["name"]
        assert record["why"]["purpose"]["id"] == "crime_and_disorder_reduction"
        assert {g["id"] for g in record["legal_gateways"]} == {"cda-1998-s115", "cda-1998-s17a"}
        assert record["decision"]["outcome"] == "approved"
        assert record["decision"]["decided_by"]["organisation_id"] == council.id
        assert record["agreement"]["one_off"] is True
        assert record["retention"]["retention_days"] == 365
        assert record["necessity_and_proportionality"].startswith("Aggregate counts")
        assert record["security"] and record["audit"]["entries"]

    async def test_markdown_is_served_on_request(self, client, registry, issuer):
        opcc, council = opcc_and(client, registry, issuer, "local_authority")
        created = await opcc.created("/v1/requests", asb_request(council, submit=True))
        response = await opcc.get(
            f"/v1/requests/{created['id']}/decision-record", headers={"Accept": "text/markdown"}
        )
        assert response.headers["content-type"].startswith("text/markdown")
        assert response.text.startswith("# Data sharing decision")
        assert "## Necessity and proportionality" in response.text
