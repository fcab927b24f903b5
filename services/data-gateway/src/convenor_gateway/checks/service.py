"""The gateway check (``POST /v1/gateway-check``) and the facts it runs on.

The same function checks a request on submission, so what a partner is told before asking is
what the gateway applies when it asks.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway.agreements import service as agreements_service
from convenor_gateway.catalogue.service import Catalogue
from convenor_gateway.checks import rules
from convenor_gateway.checks.schemas import (
    GatewayCheckRequest,
    GatewayCheckResult,
    OrganisationRef,
)
from convenor_gateway.directory import Directory, Organisation
from convenor_gateway.models import Agreement
from convenor_gateway.problems import invalid
from convenor_gateway.vocabularies import ARTICLE_9_NEEDING_SCHEDULE_1
from convenor_shared.auth import Caller
from convenor_shared.db import utcnow


async def organisation(
    directory: Directory, organisation_id: uuid.UUID, field: str
) -> Organisation:
    """The organisation from the registry; a 422 naming ``field`` if there is none."""
    found = await directory.organisation(organisation_id)
    if found is None:
        raise invalid(["body", field], f"No organisation {organisation_id} in the registry.")
    return found


def facts(
    *,
    requester: Organisation,
    holder: Organisation,
    purpose: str,
    categories: Sequence[str],
    cited: Sequence[str] | None,
    statutory_function: str | None,
    agreement: Agreement | None,
    lawful_basis: dict[str, Any] | None,
    today: date,
) -> rules.Facts:
    basis = lawful_basis or {}
    present: set[str] = set()
    if statutory_function and statutory_function.strip():
        present.add("statutory_function")
    if agreement is not None:
        present.add("agreement")
        if agreements_service.is_active(agreement, today):
            present.add("active_agreement")
        gateways_covered = not cited or bool(set(cited) & set(agreement.legal_gateways))
        if purpose in agreement.purposes and gateways_covered:
            present.add("agreement_covers")
        if agreement.dpia_status in ("completed", "not_required"):
            present.add("dpia")
    article_9 = basis.get("article_9_condition")
    if article_9:
        present.add("article_9_condition")
        if basis.get("schedule_1_condition") or article_9 not in ARTICLE_9_NEEDING_SCHEDULE_1:
            present.add("schedule_1_condition")
    if basis.get("article_10_condition"):
        present.add("article_10_condition")
    return rules.Facts(
        requester=requester.classification,
        holder=holder.classification,
        purpose=purpose,
        categories=frozenset(categories),
        present=frozenset(present),
        agreement_status=agreement.status if agreement is not None else None,
    )


def result(
    catalogue: Catalogue,
    requester: Organisation,
    holder: Organisation,
    the_facts: rules.Facts,
    cited: Sequence[str] | None,
) -> GatewayCheckResult:
    """Run the rules and shape the answer."""
    outcome = rules.evaluate(catalogue, the_facts, cited)
    return GatewayCheckResult(
        catalogue_version=catalogue.version,
        permitted=outcome.ok,
        requester=OrganisationRef(
            id=requester.id, name=requester.name, classification=requester.classification
        ),
        holder=OrganisationRef(
            id=holder.id, name=holder.name, classification=holder.classification
        ),
        purpose=the_facts.purpose,
        data_categories=sorted(the_facts.categories),
        gateways=outcome.permitted,
        missing_conditions=list(outcome.conditions.values()),
        not_permitted=outcome.not_permitted,
        summary=rules.summary(catalogue, outcome, cited=bool(cited)),
    )


async def check(
    session: AsyncSession,
    directory: Directory,
    catalogue: Catalogue,
    body: GatewayCheckRequest,
    caller: Caller,
) -> GatewayCheckResult:
    if body.legal_gateways:
        agreements_service.check_gateways(catalogue, body.legal_gateways)
    requester = await organisation(
        directory, body.requester_organisation_id, "requester_organisation_id"
    )
    holder = await organisation(directory, body.holder_organisation_id, "holder_organisation_id")
    agreement = None
    if body.agreement_id is not None:
        agreement = await agreements_service.between(
            session, caller, body.agreement_id, [requester.id, holder.id]
        )
    the_facts = facts(
        requester=requester,
        holder=holder,
        purpose=body.purpose,
        categories=body.data_categories,
        cited=body.legal_gateways,
        statutory_function=body.statutory_function,
        agreement=agreement,
        lawful_basis=body.lawful_basis.model_dump() if body.lawful_basis else None,
        today=utcnow().date(),
    )
    return result(catalogue, requester, holder, the_facts, body.legal_gateways)


def refusal_text(check_result: GatewayCheckResult) -> str:
    """The explanation recorded when a request is refused for want of a lawful basis."""
    blocking = [c.explanation for c in check_result.missing_conditions if c.blocking]
    return " ".join([check_result.summary, *blocking])[:5000]
