"""Information sharing agreements: who shares what with whom, for which purposes, under which
gateways, kept for how long, with which DPIA. Only the parties see an agreement."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway import changes
from convenor_gateway.agreements import repository
from convenor_gateway.agreements.schemas import AgreementCreate, AgreementUpdate
from convenor_gateway.catalogue.service import Catalogue
from convenor_gateway.directory import Directory
from convenor_gateway.models import Agreement
from convenor_gateway.permissions import organisation_of
from convenor_gateway.problems import invalid
from convenor_shared.auth import Caller
from convenor_shared.db import new_id, utcnow
from convenor_shared.pagination import PageParams, page_of
from convenor_shared.problems import Conflict, NotFound


class AgreementNotFound(NotFound):
    """There is no agreement with that id that your organisation is a party to."""

    slug = "agreement-not-found"


def check_gateways(catalogue: Catalogue, ids: Sequence[str], field: str = "legal_gateways") -> None:
    for index, gateway_id in enumerate(ids):
        if gateway_id not in catalogue.by_id:
            raise invalid(["body", field, index], f"'{gateway_id}' is not in the catalogue.")


async def check_organisations(directory: Directory, ids: Sequence[uuid.UUID], field: str) -> None:
    for index, organisation_id in enumerate(ids):
        if await directory.organisation(organisation_id) is None:
            raise invalid(
                ["body", field, index], f"No organisation {organisation_id} in the registry."
            )


def is_party(agreement: Agreement, organisation_id: uuid.UUID | None) -> bool:
    return organisation_id is not None and str(organisation_id) in agreement.party_organisation_ids


def is_active(agreement: Agreement, today: date) -> bool:
    if agreement.status != "active":
        return False
    if agreement.start_date and today < agreement.start_date:
        return False
    return not (agreement.end_date and today > agreement.end_date)


async def get(
    session: AsyncSession, caller: Caller, agreement_id: uuid.UUID, *, for_change: bool = False
) -> Agreement:
    """The agreement, if the caller's organisation is a party to it; 404 otherwise.
    ``for_change`` locks its row until the commit."""
    agreement = await session.get(Agreement, agreement_id, with_for_update=for_change)
    if agreement is None or agreement.deleted_at is not None:
        raise AgreementNotFound(f"No agreement {agreement_id}.")
    if not is_party(agreement, caller.organisation_id):
        raise AgreementNotFound(f"No agreement {agreement_id}.")
    return agreement


async def between(
    session: AsyncSession,
    caller: Caller,
    agreement_id: uuid.UUID,
    parties: Sequence[uuid.UUID],
    field: str = "agreement_id",
) -> Agreement:
    """The agreement a request or check cites: visible to the caller, binding every party."""
    agreement = await session.get(Agreement, agreement_id)
    if (
        agreement is None
        or agreement.deleted_at is not None
        or not is_party(agreement, caller.organisation_id)
        or not all(is_party(agreement, p) for p in parties)
    ):
        raise invalid(["body", field], "No agreement with that id between these organisations.")
    return agreement


async def list_agreements(
    session: AsyncSession, caller: Caller, page: PageParams, status: str | None
) -> tuple[list[Agreement], str | None]:
    organisation_id = organisation_of(caller)
    query = repository.of_party(
        organisation_id,
        dialect=session.get_bind().dialect.name,
        status=status,
        after=page.after_id(),
        limit=page.limit,
    )
    rows = list((await session.execute(query)).scalars())
    return page_of(rows, page.limit, lambda row: {"id": str(row.id)})


def _values(body: AgreementCreate | AgreementUpdate, unset: bool) -> dict[str, Any]:
    values = body.model_dump(mode="json", exclude_unset=unset)
    for key in ("start_date", "end_date", "review_date"):
        value = getattr(body, key)
        if key in values:
            values[key] = value
    return values


async def create(
    session: AsyncSession,
    directory: Directory,
    catalogue: Catalogue,
    body: AgreementCreate,
    caller: Caller,
) -> Agreement:
    owner = organisation_of(caller)
    check_gateways(catalogue, body.legal_gateways)
    parties = list(dict.fromkeys([*body.party_organisation_ids, owner]))
    await check_organisations(directory, body.party_organisation_ids, "party_organisation_ids")
    values = _values(body, unset=False)
    values["party_organisation_ids"] = [str(p) for p in parties]
    now = utcnow()
    agreement = Agreement(
        id=new_id(),
        version=1,
        created_at=now,
        updated_at=now,
        created_by=caller.client_id,
        owner_organisation_id=owner,
        **values,
    )
    session.add(agreement)
    await session.flush()
    changes.publish(session, "agreement", agreement)
    return agreement


async def update(
    session: AsyncSession,
    directory: Directory,
    catalogue: Catalogue,
    agreement: Agreement,
    body: AgreementUpdate,
    caller: Caller,
) -> Agreement:
    own = organisation_of(caller)
    values = _values(body, unset=True)
    if body.legal_gateways is not None:
        check_gateways(catalogue, body.legal_gateways)
    if body.party_organisation_ids is not None:
        if own not in body.party_organisation_ids:
            raise invalid(
                ["body", "party_organisation_ids"],
                "Your organisation cannot remove itself; ask another party to do it.",
            )
        await check_organisations(directory, body.party_organisation_ids, "party_organisation_ids")
        values["party_organisation_ids"] = [
            str(p) for p in dict.fromkeys(body.party_organisation_ids)
        ]
    start = values.get("start_date", agreement.start_date)
    end = values.get("end_date", agreement.end_date)
    if start and end and end < start:
        raise invalid(["body", "end_date"], "end_date is before start_date.")
    changed = {k: v for k, v in values.items() if getattr(agreement, k) != v}
    if not changed:
        return agreement
    for key, value in changed.items():
        setattr(agreement, key, value)
    agreement.version += 1
    agreement.updated_at = utcnow()
    await session.flush()
    changes.publish(session, "agreement", agreement)
    return agreement


async def delete(session: AsyncSession, agreement: Agreement, caller: Caller) -> None:
    organisation_of(caller)
    if agreement.status != "draft":
        raise Conflict(
            "Only a draft agreement can be deleted; set its status to terminated instead, so "
            "the requests that cited it keep their record."
        )
    agreement.deleted_at = utcnow()
    agreement.version += 1
    agreement.updated_at = agreement.deleted_at
    await session.flush()
    changes.publish_deleted(session, "agreement", agreement.id)
