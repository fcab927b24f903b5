"""The request state machine, as data, and the one function that moves a request.

::

    draft -> submitted -> acknowledged -> (clarification_requested <-> submitted)
          -> approved | partially_approved | refused -> delivered -> closed
    withdrawn (by the requester) and expired (by the gateway) from any open state

Each move names who may make it: the requester, the holder, or the gateway itself (a refusal
on submission, delivery, expiry). Every move is recorded with actor, organisation, time, reason
and reason code, appended to the audit log, put on the change feed and notified to the parties'
webhooks, all in the transaction that makes it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway import changes
from convenor_gateway.audit import records
from convenor_gateway.audit import service as audit_service
from convenor_gateway.audit.service import Actor
from convenor_gateway.models import DataRequest, RequestTransition
from convenor_gateway.webhooks import service as webhooks_service
from convenor_shared.auth import Caller
from convenor_shared.db import new_id
from convenor_shared.problems import Conflict, Forbidden
from convenor_shared.transactions import insert_at_commit

REQUESTER, HOLDER, SYSTEM = "requester", "holder", "system"
_R, _H, _S = frozenset({REQUESTER}), frozenset({HOLDER}), frozenset({SYSTEM})
_DECIDE = {"approved": _H, "partially_approved": _H, "refused": _H | _S}
_ENDS = {"withdrawn": _R, "expired": _S}

MOVES: dict[str, dict[str, frozenset[str]]] = {
    "draft": {"submitted": _R, **_ENDS},
    "submitted": {"acknowledged": _H, "clarification_requested": _H, **_DECIDE, **_ENDS},
    "acknowledged": {"clarification_requested": _H, **_DECIDE, **_ENDS},
    "clarification_requested": {"submitted": _R, **_ENDS},
    "approved": {"delivered": _S, **_ENDS},
    "partially_approved": {"delivered": _S, **_ENDS},
    "refused": {"closed": _R | _H},
    "delivered": {"closed": _R | _H, "expired": _S},
    "closed": {},
    "withdrawn": {},
    "expired": {},
}
OPEN = frozenset(s for s, moves in MOVES.items() if "withdrawn" in moves)
TERMINAL = frozenset(s for s, moves in MOVES.items() if not moves)
DECISIONS = frozenset(_DECIDE)
# The audit log's name for the event of entering each state (DPA 2018 s62 words where they fit).
EVENTS = {
    "draft": "collection",
    "submitted": "submission",
    "acknowledged": "acknowledgement",
    "clarification_requested": "clarification_request",
    "approved": "approval",
    "partially_approved": "partial_approval",
    "refused": "refusal",
    "delivered": "disclosure",
    "closed": "closure",
    "withdrawn": "withdrawal",
    "expired": "expiry",
}


class IllegalTransition(Conflict):
    """A request cannot move from its current state to the one asked for. ``allowed`` lists
    the moves you can make now."""

    slug, title = "illegal-transition", "Illegal transition"


class NotYourMove(Forbidden):
    """The move exists but belongs to the other party (only the holder decides, only the
    requester withdraws) or to the gateway itself. ``allowed`` lists the moves you can make."""

    slug, title = "not-your-move", "Not your move"


def roles(caller: Caller, request: DataRequest) -> frozenset[str]:
    found = set()
    if caller.organisation_id == request.requester_organisation_id and caller.has(
        "gateway:request"
    ):
        found.add(REQUESTER)
    if caller.organisation_id == request.holder_organisation_id and caller.has("gateway:respond"):
        found.add(HOLDER)
    return frozenset(found)


def allowed(request: DataRequest, who: frozenset[str]) -> list[str]:
    return [to for to, movers in MOVES[request.status].items() if movers & who]


def ensure_allowed(request: DataRequest, to: str, who: frozenset[str]) -> None:
    moves = MOVES[request.status]
    mine = allowed(request, who)
    extensions: dict[str, Any] = {"current_status": request.status, "allowed": mine}
    if to not in moves:
        raise IllegalTransition(
            f"A {request.status} request cannot become {to}. "
            + (f"You can move it to: {', '.join(mine)}." if mine else "You cannot move it now."),
            extensions=extensions,
        )
    if not moves[to] & who:
        movers = " or ".join(sorted(moves[to]))
        raise NotYourMove(
            f"Moving a {request.status} request to {to} is for the {movers}.",
            extensions=extensions,
        )


def informed(request: DataRequest, actor: Actor) -> list[uuid.UUID]:
    """The parties an event tells something to: the other party once the request has reached
    the holder, nobody while it is the requester's draft."""
    if request.submitted_at is None:
        return []
    parties = [request.requester_organisation_id, request.holder_organisation_id]
    return [p for p in parties if p != actor.organisation_id]


def _stamp(request: DataRequest, to: str, at: datetime) -> None:
    if to == "submitted" and request.submitted_at is None:
        request.submitted_at = at
    elif to == "acknowledged" and request.acknowledged_at is None:
        request.acknowledged_at = at
    elif to == "clarification_requested":
        request.clarification_rounds += 1
    elif to in DECISIONS:
        request.decided_at = at
    elif to == "delivered":
        request.delivered_at = at
    if to in TERMINAL:
        request.closed_at = at


async def created(session: AsyncSession, request: DataRequest, actor: Actor) -> None:
    """Record the creation of ``request`` (as a draft) like a move from nowhere."""
    await _record(session, request, None, actor, request.created_at)


async def move(
    session: AsyncSession,
    request: DataRequest,
    to: str,
    actor: Actor,
    at: datetime,
    *,
    reason_code: str | None = None,
    reason: str | None = None,
    approved_items: list[str] | None = None,
    audit_details: dict[str, Any] | None = None,
) -> RequestTransition:
    """Move ``request`` to ``to`` (the state machine must allow it; who may is the caller's
    business) and record the move everywhere it must be recorded. ``audit_details`` adds
    facts to the move's audit entry (a delivery's payload hash)."""
    if to not in MOVES[request.status]:
        raise IllegalTransition(f"A {request.status} request cannot become {to}.")
    from_status = request.status
    request.status = to
    if to == "refused":
        request.reason_code = reason_code
    if approved_items is not None:
        request.approved_items = approved_items
    _stamp(request, to, at)
    request.version += 1
    request.updated_at = at
    return await _record(
        session,
        request,
        from_status,
        actor,
        at,
        reason_code=reason_code,
        reason=reason,
        approved_items=approved_items,
        audit_details=audit_details,
    )


async def _record(
    session: AsyncSession,
    request: DataRequest,
    from_status: str | None,
    actor: Actor,
    at: datetime,
    *,
    reason_code: str | None = None,
    reason: str | None = None,
    approved_items: list[str] | None = None,
    audit_details: dict[str, Any] | None = None,
) -> RequestTransition:
    to = request.status
    transition = RequestTransition(
        id=new_id(),
        request_id=request.id,
        from_status=from_status,
        to_status=to,
        at=at,
        actor_client_id=actor.client_id,
        actor_organisation_id=actor.organisation_id,
        reason_code=reason_code,
        reason=reason,
        approved_items=approved_items,
    )
    insert_at_commit(session, transition)  # nothing reads it back before the commit
    # Registered in this order so that the hooks run in it at commit: the webhook queue and
    # the change feed first, the audit append (which takes the write lock) last.
    if from_status is not None:
        await webhooks_service.notify(session, request, f"request.{to}", at)
    changes.publish(session, "data_request", request)
    changes.publish_transition(session, transition)
    audit_service.record(
        session,
        event=EVENTS[to],
        request=request,
        actor=actor,
        at=at,
        recipients=informed(request, actor),
        text=reason,
        details={
            "transition": {"from": from_status, "to": to},
            "reason_code": reason_code,
            "transition_hash": records.transition_hash(transition, request.audit_salt),
            **(audit_details or {}),
        },
        records_request=True,
    )
    return transition
