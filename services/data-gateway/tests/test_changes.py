"""The gateway's change feed, exactly as docs/change-feeds.md describes it."""

from __future__ import annotations

from typing import Any

from .factories import Api, admin, asb_request, partner
from .test_agreements import agreement_body

DATA_REQUEST_FIELDS = {
    "requester_organisation_id",
    "holder_organisation_id",
    "purpose",
    "legal_gateways",
    "identifiability",
    "data_categories",
    "agreement_id",
    "status",
    "reason_code",
    "due_date",
    "retention_days",
    "created_at",
    "submitted_at",
    "acknowledged_at",
    "decided_at",
    "delivered_at",
    "closed_at",
    "clarification_rounds",
}
TRANSITION_FIELDS = {
    "request_id",
    "from_status",
    "to_status",
    "at",
    "actor_organisation_id",
    "reason_code",
}
AGREEMENT_FIELDS = {
    "party_organisation_ids",
    "purposes",
    "legal_gateways",
    "status",
    "dpia_status",
    "review_date",
    "start_date",
    "end_date",
}


async def feed_after(api: Api, cursor: str | None) -> list[dict[str, Any]]:
    params = {"limit": 1000} | ({"after": cursor} if cursor else {})
    response = await api.get("/v1/changes", params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


class TestChangeFeed:
    async def test_requests_transitions_and_agreements_carry_exactly_the_documented_fields(
        self, client, registry, issuer
    ):
        reader = admin(client, issuer)
        start = (await reader.get("/v1/changes", params={"limit": 1})).json()
        cursor = None
        while start["has_more"] or start["items"]:
            page = await feed_after(reader, cursor)
            if not page:
                break
            cursor = page[-1]["cursor"]
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        created = await opcc.created("/v1/requests", asb_request(council, submit=True))
        await council.move(created["id"], "refused", reason_code="not_held", reason="None held.")
        await opcc.created("/v1/agreements", agreement_body(council))
        items = await feed_after(reader, cursor)
        requests = [i for i in items if i["entity"] == "data_request"]
        transitions = [i for i in items if i["entity"] == "request_transition"]
        agreements = [i for i in items if i["entity"] == "agreement"]
        assert len(requests) == 2  # once per transaction, as it finally was
        assert set(requests[-1]["data"]) == DATA_REQUEST_FIELDS
        assert requests[-1]["data"]["status"] == "refused"
        assert requests[-1]["data"]["reason_code"] == "not_held"
        assert requests[-1]["data"]["data_categories"] == ["aggregate"]
        assert [t["data"]["to_status"] for t in transitions] == ["draft", "submitted", "refused"]
        assert all(set(t["data"]) == TRANSITION_FIELDS for t in transitions)
        assert set(agreements[0]["data"]) == AGREEMENT_FIELDS
        assert "justification" not in str(items)

    async def test_the_feed_needs_the_audit_scope(self, client, registry, issuer):
        council = partner(client, registry, issuer, "local_authority")
        assert (await council.get("/v1/changes")).status_code == 403
