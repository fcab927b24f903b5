"""Data requests: purpose-bound asks from a requester to a holder, each with its legal gateway
and lawful basis, moved through the state machine by the two parties (``transitions``).

Only the requester and the holder see a request (a draft only the requester); anyone else gets
404. Reading a request in full is a consultation and is logged (DPA 2018 s62). On submission
the gateway check runs again: a request that no cited gateway permits is refused at once with
reason code ``no_lawful_basis`` and the check's explanation.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway import changes, working_days
from convenor_gateway.agreements import service as agreements_service
from convenor_gateway.audit import service as audit_service
from convenor_gateway.audit.service import SYSTEM, Actor
from convenor_gateway.checks import service as checks_service
from convenor_gateway.checks.schemas import DataItem
from convenor_gateway.data_requests import repository, transitions
from convenor_gateway.data_requests.schemas import (
    RequestCreate,
    RequestRead,
    RequestUpdate,
    TransitionCreate,
    check_items,
)
from convenor_gateway.models import DataRequest, RequestTransition
from convenor_gateway.permissions import NoOrganisation, organisation_of
from convenor_gateway.problems import invalid
from convenor_gateway.runtime import Runtime
from convenor_gateway.webhooks import service as webhooks_service
from convenor_shared.auth import Caller
from convenor_shared.db import new_id, utcnow
from convenor_shared.pagination import PageParams, page_of
from convenor_shared.problems import Conflict, NotFound
from convenor_shared.transactions import insert_at_commit

EDITABLE = frozenset({"draft", "clarification_requested"})


class RequestNotFound(NotFound):
    """There is no data request with that id that your organisation is a party to."""

    slug = "request-not-found"


class NotEditable(Conflict):
    """A request can be changed only by its requester, and only as a draft or while the holder
    has asked for clarification."""

    slug, title = "request-not-editable", "Request not editable"


def is_visible(request: DataRequest, organisation_id: uuid.UUID | None) -> bool:
    """The requester always; the holder once the request has been submitted. A draft the
    requester withdrew (or that expired) was never sent, so it never reaches the holder."""
    if organisation_id is None:
        return False
    if organisation_id == request.requester_organisation_id:
        return True
    return organisation_id == request.holder_organisation_id and request.submitted_at is not None


async def get(
    session: AsyncSession, caller: Caller, request_id: uuid.UUID, *, for_change: bool = False
) -> DataRequest:
    """The request if the caller may see it. ``for_change`` locks its row until the commit, so
    two parties moving it at once are applied one after the other."""
    request = await session.get(DataRequest, request_id, with_for_update=for_change)
    if request is None or not is_visible(request, caller.organisation_id):
        raise RequestNotFound(f"No data request {request_id}.")
    return request


def to_read(request: DataRequest, caller: Caller) -> RequestRead:
    read = RequestRead.model_validate(request)
    read.allowed_transitions = transitions.allowed(request, transitions.roles(caller, request))
    return read


async def consult(
    session: AsyncSession, caller: Caller, request_id: uuid.UUID, view: str
) -> DataRequest:
    """The request, read by one of its parties, with the consultation logged."""
    await audit_service.will_append(session)
    request = await get(session, caller, request_id)
    audit_service.record(
        session,
        event="consultation",
        request=request,
        actor=Actor.of(caller),
        at=utcnow(),
        recipients=[caller.organisation_id] if caller.organisation_id else [],
        details={"view": view},
    )
    return request


async def list_requests(
    session: AsyncSession, caller: Caller, page: PageParams, role: str | None, status: str | None
) -> tuple[list[DataRequest], str | None]:
    query = repository.list_query(
        organisation_of(caller), role=role, status=status, after=page.after_id(), limit=page.limit
    )
    rows = list((await session.execute(query)).scalars())
    return page_of(rows, page.limit, lambda row: {"id": str(row.id)})


async def history(session: AsyncSession, request: DataRequest) -> list[RequestTransition]:
    return list((await session.execute(repository.history(request.id))).scalars())


def _check_fields(rt: Runtime, values: dict[str, Any]) -> None:
    if "legal_gateways" in values:
        agreements_service.check_gateways(rt.catalogue, values["legal_gateways"])
    retention = values.get("retention_days")
    if retention is not None and retention > rt.settings.max_retention_days:
        raise invalid(
            ["body", "retention_days"],
            f"retention_days may be at most {rt.settings.max_retention_days}.",
        )
    due = values.get("due_date")
    if due is not None and due < utcnow().date():
        raise invalid(["body", "due_date"], "due_date is in the past.")


async def create(
    session: AsyncSession, rt: Runtime, body: RequestCreate, caller: Caller
) -> DataRequest:
    requester_id = organisation_of(caller)
    if body.holder_organisation_id == requester_id:
        raise invalid(["body", "holder_organisation_id"], "An organisation cannot ask itself.")
    values = body.model_dump(exclude={"submit"})
    _check_fields(rt, values)
    requester = await rt.directory.organisation(requester_id)
    if requester is None:
        raise NoOrganisation("Your organisation is not in the registry.")
    holder = await checks_service.organisation(
        rt.directory, body.holder_organisation_id, "holder_organisation_id"
    )
    if body.agreement_id is not None:
        await agreements_service.between(
            session, caller, body.agreement_id, [requester.id, holder.id]
        )
    now = utcnow()
    request = DataRequest(
        **_columns(values),
        id=new_id(),
        version=1,
        created_at=now,
        updated_at=now,
        created_by=caller.client_id,
        requester_organisation_id=requester.id,
        requester_classification=requester.classification,
        holder_classification=holder.classification,
        status="draft",
        clarification_rounds=0,
        audit_salt=secrets.token_hex(16),
    )
    # Written at commit with the others raised meanwhile; nothing reads it back before then.
    insert_at_commit(session, request)
    await transitions.created(session, request, Actor.of(caller))
    if body.submit:
        await submit(session, rt, request, caller)
    return request


def _columns(values: dict[str, Any]) -> dict[str, Any]:
    """Request fields as the table keeps them (JSON columns hold plain JSON)."""
    columns = dict(values)
    if columns.get("lawful_basis") is None and "lawful_basis" in columns:
        columns["lawful_basis"] = {}
    if columns.get("area_ids") is None and "area_ids" in columns:
        columns["area_ids"] = []
    if columns.get("area_ids"):
        columns["area_ids"] = [str(a) for a in columns["area_ids"]]
    return columns


async def update(
    session: AsyncSession, rt: Runtime, request: DataRequest, body: RequestUpdate, caller: Caller
) -> DataRequest:
    if transitions.REQUESTER not in transitions.roles(caller, request):
        raise transitions.NotYourMove(
            "Only the requester can change a request.",
            extensions={"current_status": request.status, "allowed": []},
        )
    if request.status not in EDITABLE:
        raise NotEditable(f"A {request.status} request cannot be changed.")
    values = body.model_dump(exclude_unset=True)
    _check_fields(rt, values)
    items = body.data_items if body.data_items is not None else None
    identifiability = values.get("identifiability", request.identifiability)
    start = values.get("period_start", request.period_start)
    end = values.get("period_end", request.period_end)
    if start and end and end < start:
        raise invalid(["body", "period_end"], "period_end is before period_start.")
    try:
        check_items(
            items if items is not None else [DataItem(**i) for i in request.data_items],
            identifiability,
        )
    except ValueError as exc:
        raise invalid(["body", "data_items"], str(exc)) from exc
    if values.get("agreement_id") is not None:
        await agreements_service.between(
            session,
            caller,
            values["agreement_id"],
            [request.requester_organisation_id, request.holder_organisation_id],
        )
    columns = _columns(values)
    changed = {k: v for k, v in columns.items() if getattr(request, k) != v}
    if not changed:
        return request
    for key, value in changed.items():
        setattr(request, key, value)
    now = utcnow()
    request.version += 1
    request.updated_at = now
    actor = Actor.of(caller)
    await webhooks_service.notify(session, request, "request.updated", now)
    changes.publish(session, "data_request", request)
    audit_service.record(
        session,
        event="alteration",
        request=request,
        actor=actor,
        at=now,
        recipients=transitions.informed(request, actor),
        details={"fields": sorted(changed)},
        records_request=True,
    )
    return request


async def submit(
    session: AsyncSession,
    rt: Runtime,
    request: DataRequest,
    caller: Caller,
    reason: str | None = None,
) -> None:
    """Submit (or resubmit) and run the gateway check; refuse at once what no gateway permits."""
    now = utcnow()
    await transitions.move(session, request, "submitted", Actor.of(caller), now, reason=reason)
    if request.due_date is None:
        request.due_date = working_days.add(now.date(), rt.settings.service_level_working_days)
    requester = await checks_service.organisation(
        rt.directory, request.requester_organisation_id, "requester_organisation_id"
    )
    holder = await checks_service.organisation(
        rt.directory, request.holder_organisation_id, "holder_organisation_id"
    )
    agreement = None
    if request.agreement_id is not None:
        agreement = await agreements_service.between(
            session, caller, request.agreement_id, [requester.id, holder.id]
        )
    categories = sorted({item["category"] for item in request.data_items})
    facts = checks_service.facts(
        requester=requester,
        holder=holder,
        purpose=request.purpose,
        categories=categories,
        cited=request.legal_gateways,
        statutory_function=request.statutory_function,
        agreement=agreement,
        lawful_basis=request.lawful_basis,
        today=now.date(),
    )
    result = checks_service.result(rt.catalogue, requester, holder, facts, request.legal_gateways)
    request.check_result = result.model_dump(mode="json")
    request.catalogue_version = rt.catalogue.version
    request.requester_classification = requester.classification
    request.holder_classification = holder.classification
    if not result.permitted:
        await transitions.move(
            session,
            request,
            "refused",
            SYSTEM,
            utcnow(),
            reason_code="no_lawful_basis",
            reason=checks_service.refusal_text(result),
        )


def _approved_items(request: DataRequest, body: TransitionCreate) -> list[str] | None:
    names = [item["name"] for item in request.data_items]
    if body.to == "approved":
        if body.approved_items is not None and sorted(body.approved_items) != sorted(names):
            raise invalid(
                ["body", "approved_items"],
                "Approving grants every item; use partially_approved for fewer.",
            )
        return names
    if body.to == "partially_approved":
        chosen = list(dict.fromkeys(body.approved_items or []))
        unknown = [n for n in chosen if n not in names]
        if not chosen or unknown or len(chosen) == len(names):
            raise invalid(
                ["body", "approved_items"],
                "Name some, not all, of the requested items"
                + (f"; not requested: {', '.join(unknown)}." if unknown else "."),
            )
        return chosen
    if body.approved_items is not None:
        raise invalid(["body", "approved_items"], "approved_items goes with an approval.")
    return None


def _check_reasons(body: TransitionCreate) -> None:
    if body.to == "refused":
        if body.reason_code is None:
            raise invalid(["body", "reason_code"], "A refusal needs a reason code.")
        if not body.reason:
            raise invalid(["body", "reason"], "A refusal needs a reason in words.")
    elif body.reason_code is not None:
        raise invalid(["body", "reason_code"], "Reason codes are for refusals.")
    if body.to == "clarification_requested" and not body.reason:
        raise invalid(["body", "reason"], "Say what needs clarifying.")


async def transition(
    session: AsyncSession, rt: Runtime, request: DataRequest, body: TransitionCreate, caller: Caller
) -> DataRequest:
    transitions.ensure_allowed(request, body.to, transitions.roles(caller, request))
    _check_reasons(body)
    approved = _approved_items(request, body)
    if body.to == "submitted":
        await submit(session, rt, request, caller, reason=body.reason)
        return request
    await transitions.move(
        session,
        request,
        body.to,
        Actor.of(caller),
        utcnow(),
        reason_code=body.reason_code,
        reason=body.reason,
        approved_items=approved,
    )
    return request


async def deliver(
    session: AsyncSession,
    request: DataRequest,
    actor: Actor,
    at: datetime | None = None,
    audit_details: dict[str, Any] | None = None,
) -> None:
    """Mark an approved request delivered (called by the delivery upload, not by a client)."""
    await transitions.move(
        session, request, "delivered", actor, at or utcnow(), audit_details=audit_details
    )
