"""Published figures with small numbers suppressed."""

from __future__ import annotations

from typing import Any

from .factories import asb_request, partner


def courts_request(holder, **overrides: Any) -> dict[str, Any]:
    return asb_request(
        holder,
        purpose="victims_code_compliance",
        legal_gateways=["vpa-2024-s6"],
        statutory_function="VPA 2024 s8: reviewing compliance with the Victims' Code",
        **overrides,
    )


class TestTransparency:
    async def test_groups_of_five_or_more_are_shown_and_smaller_ones_suppressed(
        self, client, registry, issuer
    ):
        # Only this test asks courts and the CPS, so their groups are this test's alone.
        opcc = partner(client, registry, issuer, "local_policing_body")
        courts = partner(client, registry, issuer, "courts")
        cps = partner(client, registry, issuer, "cps")
        for n in range(6):
            created = await opcc.created("/v1/requests", courts_request(courts, submit=True))
            if n < 5:
                await courts.move(created["id"], "approved")
        for _ in range(2):
            await opcc.created("/v1/requests", courts_request(cps, submit=True))
        report = (await client.get("/v1/transparency")).json()
        groups = {g["key"]: g for g in report["by_partner_classification"]}
        assert groups["courts"]["requests"] == 6
        assert groups["courts"]["outcomes"]["approved"] == 5
        assert groups["courts"]["outcomes"]["open"] is None  # 1 is suppressed
        assert groups["courts"]["median_turnaround_working_days"] == 0.0
        assert groups["cps"]["suppressed"] is True and groups["cps"]["requests"] is None
        assert report["suppression_threshold"] == 5 and report["catalogue_version"]

    async def test_drafts_are_not_counted_and_no_token_is_needed(self, client, registry, issuer):
        before = (await client.get("/v1/transparency")).json()["totals"]["requests"]
        opcc = partner(client, registry, issuer, "local_policing_body")
        council = partner(client, registry, issuer, "local_authority")
        await opcc.created("/v1/requests", asb_request(council))
        after = (await client.get("/v1/transparency")).json()["totals"]["requests"]
        assert after == before
