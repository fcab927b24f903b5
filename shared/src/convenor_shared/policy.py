"""Authorization policy as data: who may call each route of a service.

Each service declares a table ``(METHOD, path template) -> Rule``. The table is the contract
the authorization-matrix tests drive cell by cell against the real app, and they fail the
build when a route has no row (or a row names no route), so a new endpoint cannot ship
without someone deciding who may call it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

Ownership = Literal[
    "public",  # no token needed
    "any",  # any token holding the scope
    "admin",  # administrators only
    "manager",  # the organisation that manages the record (or stewards its partnership)
    "own_organisation",  # the caller's own organisation only
    "party",  # a party to the record (requester or holder); others get 404
]
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
# Routes deliberately outside the OpenAPI documents: the documentation itself, and the pages
# explaining each problem type (the ``type`` URI of every error, RFC 9457 section 3.1.1).
UNDOCUMENTED = frozenset(
    {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/problems/{slug}"}
)


@dataclass(frozen=True)
class Rule:
    """The scope a route needs and whose records it may touch."""

    scope: str | None
    ownership: Ownership = "any"
    note: str = ""


Policy = Mapping[tuple[str, str], Rule]


def public(note: str = "") -> Rule:
    return Rule(None, "public", note)


def operations(openapi: Mapping[str, Any]) -> set[tuple[str, str]]:
    """Every (METHOD, path) the OpenAPI document describes."""
    found = set()
    for path, entries in openapi.get("paths", {}).items():
        for method in entries:
            if method in HTTP_METHODS:
                found.add((method.upper(), path))
    return found


def served_routes(app: FastAPI) -> tuple[set[tuple[str, str]], set[str]]:
    """(METHOD, path) of every route ``app`` serves and documents, and the paths of those it
    serves without documenting (which should be exactly :data:`UNDOCUMENTED`)."""
    documented: set[tuple[str, str]] = set()
    hidden: set[str] = set()
    for context in iter_route_contexts(app.routes):
        path = context.path_format
        if path is None:
            raise ValueError(f"a route without a path: {context.original_route!r}")
        if getattr(context.original_route, "include_in_schema", True):
            documented |= {(m, path) for m in context.methods or () if m != "HEAD"}
        else:
            hidden.add(path)
    return documented, hidden


def coverage(
    policy: Policy, routes: Iterable[tuple[str, str]]
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """Routes without a rule, and rules without a route."""
    declared, present = set(policy), set(routes)
    return present - declared, declared - present


def as_markdown(title: str, policy: Policy) -> str:
    """The table for the documentation."""
    lines = [f"### {title}", "", "| method | path | scope | who |", "|---|---|---|---|"]
    for (method, path), rule in sorted(policy.items(), key=lambda item: (item[0][1], item[0][0])):
        who = rule.ownership + (f" ({rule.note})" if rule.note else "")
        lines.append(f"| {method} | `{path}` | {rule.scope or 'none'} | {who} |")
    return "\n".join(lines) + "\n"
