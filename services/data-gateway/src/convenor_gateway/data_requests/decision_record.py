"""The record of a sharing decision, as the ICO's data sharing code expects one to be kept:
who asked whom, for what and why, under which lawful basis and gateway, why it is necessary
and proportionate, what was decided, by whom and when, how long the data is kept and how it is
protected. Generated from the request, its transitions and its audit entries; JSON by default,
Markdown on ``Accept: text/markdown``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_gateway.audit import service as audit_service
from convenor_gateway.data_requests import transitions
from convenor_gateway.directory import Organisation
from convenor_gateway.models import Agreement, DataRequest, RequestTransition
from convenor_gateway.runtime import Runtime
from convenor_shared.db import utcnow
from convenor_shared.problems import Problem

UNAVAILABLE = "(not available: the registry did not answer)"


async def _organisation(rt: Runtime, request: DataRequest, side: str) -> dict[str, Any]:
    organisation_id = getattr(request, f"{side}_organisation_id")
    found: Organisation | None = None
    try:
        found = await rt.directory.organisation(organisation_id)
    except Problem:  # the record must still be readable when the registry is not
        found = None
    return {
        "id": str(organisation_id),
        "name": found.name if found else None,
        "classification": getattr(request, f"{side}_classification"),
    }


def _agreement(agreement: Agreement | None) -> dict[str, Any]:
    if agreement is None:
        return {
            "one_off": True,
            "note": "No information sharing agreement is cited: this is the record of a one-off "
            "decision.",
        }
    return {
        "one_off": False,
        "id": str(agreement.id),
        "title": agreement.title,
        "status": agreement.status,
        "dpia_reference": agreement.dpia_reference,
        "dpia_status": agreement.dpia_status,
        "review_date": agreement.review_date.isoformat() if agreement.review_date else None,
    }


def _decision(request: DataRequest, history: list[RequestTransition]) -> dict[str, Any]:
    decided = next((t for t in reversed(history) if t.to_status in transitions.DECISIONS), None)
    if decided is None:
        return {"outcome": request.status, "decided": False}
    return {
        "outcome": decided.to_status,
        "decided": True,
        "decided_at": decided.at.isoformat(),
        "decided_by": {
            "client_id": decided.actor_client_id,
            "organisation_id": str(decided.actor_organisation_id)
            if decided.actor_organisation_id
            else None,
            "by_gateway_rules": decided.actor_organisation_id is None,
        },
        "reason_code": decided.reason_code,
        "reason": decided.reason,
        "approved_items": decided.approved_items,
    }


def _security(request: DataRequest) -> list[str]:
    delivered = (
        f"Data was delivered through the gateway on {request.delivered_at.date().isoformat()}."
        if request.delivered_at
        else "No data has been delivered through the gateway for this request."
    )
    return [
        "Only the requesting and the holding organisation can read this request, each with an "
        "access token of its own client; any other organisation is told it does not exist.",
        "Every read and every change of the request is appended to the gateway's audit log in the "
        "same transaction; the log is hash-chained and holds identifiers and salted hashes, "
        "never the data or the free text of the request.",
        delivered,
    ]


async def build(
    session: AsyncSession, rt: Runtime, request: DataRequest, history: list[RequestTransition]
) -> dict[str, Any]:
    catalogue = rt.catalogue
    agreement = await session.get(Agreement, request.agreement_id) if request.agreement_id else None
    purpose = catalogue.purpose(request.purpose)
    retention_ends = (
        (request.delivered_at + timedelta(days=request.retention_days)).date().isoformat()
        if request.delivered_at
        else None
    )
    check = request.check_result or {}
    return {
        "record": "Data sharing decision",
        "request_id": str(request.id),
        "status": request.status,
        "generated_at": utcnow().isoformat(),
        "catalogue_version": request.catalogue_version or catalogue.version,
        "who": {
            "requester": await _organisation(rt, request, "requester"),
            "requesting_officer": request.requesting_officer,
            "holder": await _organisation(rt, request, "holder"),
        },
        "what": {
            "data_items": request.data_items,
            "identifiability": request.identifiability,
            "data_categories": sorted({i["category"] for i in request.data_items}),
            "period": {
                "start": request.period_start.isoformat() if request.period_start else None,
                "end": request.period_end.isoformat() if request.period_end else None,
            },
            "area_ids": request.area_ids,
        },
        "why": {
            "purpose": {"id": purpose.id, "label": purpose.label, "dpv": purpose.dpv},
            "statutory_function": request.statutory_function,
            "justification": request.justification,
        },
        "lawful_basis": request.lawful_basis,
        "legal_gateways": [
            {
                "id": gateway.id,
                "short_name": gateway.short_name,
                "citation": gateway.citation,
                "kind": gateway.kind,
                "legislation_url": str(gateway.legislation_url),
                "overrides_confidence": gateway.overrides_confidence,
                "confirmed": gateway.confirmed,
                "in_force": gateway.in_force,
            }
            for gateway in (catalogue.by_id.get(g) for g in request.legal_gateways)
            if gateway is not None
        ],
        "gateway_check": {
            "permitted": check.get("permitted"),
            "summary": check.get("summary"),
            "missing_conditions": check.get("missing_conditions", []),
            "not_permitted": check.get("not_permitted", []),
        },
        "necessity_and_proportionality": request.necessity,
        "agreement": _agreement(agreement),
        "decision": _decision(request, history),
        "timeline": [
            {
                "at": t.at.isoformat(),
                "from": t.from_status,
                "to": t.to_status,
                "actor_client_id": t.actor_client_id,
                "actor_organisation_id": str(t.actor_organisation_id)
                if t.actor_organisation_id
                else None,
                "reason_code": t.reason_code,
            }
            for t in history
        ],
        "retention": {
            "retention_days": request.retention_days,
            "delivered_at": request.delivered_at.isoformat() if request.delivered_at else None,
            "retention_ends": retention_ends,
        },
        "security": _security(request),
        "audit": {
            "entries": await audit_service.leaves_of(session, request.id),
            "note": "Each entry's leaf hash is SHA-256(0x00 || RFC 8785 bytes of the entry); "
            "GET /v1/audit/entries?request_id= returns the entries.",
        },
    }


def _line(label: str, value: Any) -> str:
    return f"- **{label}:** {value if value not in (None, '', []) else 'not stated'}"


def markdown(record: dict[str, Any]) -> str:
    """The record as a Markdown document a person can file."""
    who, what, why, decision = record["who"], record["what"], record["why"], record["decision"]
    items = what["data_items"]
    out = [
        f"# {record['record']}",
        "",
        _line("Request", record["request_id"]),
        _line("Status", record["status"]),
        _line("Generated", record["generated_at"]),
        _line("Catalogue version", record["catalogue_version"]),
        "",
        "## Who",
        _line("Requester", f"{who['requester']['name'] or UNAVAILABLE} ({who['requester']['id']})"),
        _line("Requesting officer", who["requesting_officer"]),
        _line("Holder", f"{who['holder']['name'] or UNAVAILABLE} ({who['holder']['id']})"),
        "",
        "## What",
        *[f"- {i['name']} ({i['category']}): {i.get('description') or ''}" for i in items],
        _line("Identifiability", what["identifiability"]),
        _line("Period", f"{what['period']['start']} to {what['period']['end']}"),
        "",
        "## Why",
        _line("Purpose", why["purpose"]["label"]),
        _line("Statutory function", why["statutory_function"]),
        _line("Justification", why["justification"]),
        "",
        "## Lawful basis and legal gateway",
        *[_line(k.replace("_", " ").capitalize(), v) for k, v in record["lawful_basis"].items()],
        *[f"- {g['short_name']} ({g['kind']}): {g['citation']}" for g in record["legal_gateways"]],
        _line("Gateway check", record["gateway_check"]["summary"]),
        "",
        "## Necessity and proportionality",
        record["necessity_and_proportionality"],
        "",
        "## Agreement",
        record["agreement"].get("note")
        or f"{record['agreement']['title']} ({record['agreement']['status']}), DPIA "
        f"{record['agreement']['dpia_reference'] or 'no reference'} "
        f"({record['agreement']['dpia_status']})",
        "",
        "## Decision",
        _line("Outcome", decision["outcome"]),
        _line("Decided at", decision.get("decided_at")),
        _line("Decided by", (decision.get("decided_by") or {}).get("client_id")),
        _line("Reason code", decision.get("reason_code")),
        _line("Reason", decision.get("reason")),
        _line("Approved items", ", ".join(decision.get("approved_items") or [])),
        "",
        "## Retention",
        _line("Retention (days)", record["retention"]["retention_days"]),
        _line("Retention ends", record["retention"]["retention_ends"]),
        "",
        "## Security",
        *[f"- {s}" for s in record["security"]],
        "",
        "## Timeline",
        *[
            f"- {t['at']}: {t['from'] or 'created'} -> {t['to']} by {t['actor_client_id']}"
            for t in record["timeline"]
        ],
        "",
        "## Audit log entries",
        *[f"- {e['index']}: {e['event']} {e['leaf_hash']}" for e in record["audit"]["entries"]],
        "",
    ]
    return "\n".join(out)
