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

Ownership = Literal[
    "public",  # no token needed
    "any",  # any token holding the scope
    "admin",  # administrators only
    "manager",  # the organisation that manages the record (or stewards its partnership)
    "own_organisation",  # the caller's own organisation only
    "party",  # a party to the record (requester or holder); others get 404
]
HTTP_METHODS = ("get", "put", "post", "delete", "patch")


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
