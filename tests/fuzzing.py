"""Schemathesis driven from Python against a service under uvicorn.

Why this shape: the schemathesis pytest plugin is off for the whole repository (it costs
seconds at every suite start), and its ASGI transport would run a second event loop beside
pytest-asyncio's. So each service runs under uvicorn (``live.py``) and schemathesis's own
engine, the one behind ``st run``, is driven here: every phase (examples, coverage, fuzzing,
stateful), every check, a bounded number of examples per operation, a fixed seed.

Who calls: each case carries the token of the caller who can make it mean something
(:class:`Roles`): in the gateway the requester raises and withdraws requests, the holder
answers and delivers, the administrator reads the audit log; so a generated flow (create,
transition, read back) runs as the two parties would run it. ``prepare`` points generated
bodies at organisations that exist, or every request would stop at "no such holder".

What is excused, and only that (:func:`excuse`): a ``positive_data_acceptance`` failure whose
answer is a rule the schema cannot state: a 422 of a ``RuleBroken`` problem type, a validation
error of a cross-field rule (``cross_field``), of a decimal's digits, of a bound on a number
written as a string, of U+0000 in text, of an email address at a special-use domain (RFC 6761);
a 400 ``invalid-cursor`` (a cursor is opaque: only the service knows which cursors it
issued); and a ``negative_data_rejection`` answered 413, the body refused for its size before
it was validated (the check does not count 413 as a rejection). Everything else the checks
report is a failure of the test.
"""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure
from schemathesis.engine import events
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER

from convenor_shared import problems
from convenor_shared.problems import RuleBroken

# Validation errors that answer a request the schema allows, where JSON Schema cannot say
# the rule: a rule across fields (``cross_field``, see convenor_shared.schemas), a URL that
# normalising makes too long for its column (``url_too_long``), U+0000 in text
# (PostgreSQL cannot store it; a pattern on every string would say so, at the cost of every
# generated client's readability), a decimal's digits (JSON Schema has no decimal places), and
# a bound on a number written as a string.
CROSS_FIELD_ERRORS = frozenset({"cross_field", "string_nul", "url_too_long"})
# JSON Schema's "email" format is syntax only; an address at a special-use domain (RFC 6761:
# .test, .invalid, .localhost, ...) cannot be anyone's, and email-validator refuses it.
RESERVED_EMAIL_DOMAIN = "special-use or reserved name"
DECIMAL_ERRORS = frozenset({"decimal_max_digits", "decimal_max_places", "decimal_whole_digits"})
RANGE_ERRORS = frozenset({"greater_than", "greater_than_equal", "less_than", "less_than_equal"})


def rule_slugs() -> frozenset[str]:
    """The problem types of domain rules (RuleBroken and its subclasses in every service):
    a 422 of one of these is, by its type, a rule beyond what the schema can state."""
    return frozenset(
        slug for slug, cls in problems.problem_types().items() if issubclass(cls, RuleBroken)
    )


def _sent(body: Any, loc: list[Any]) -> Any:
    value = body
    for part in loc[1:]:  # loc starts with "body"
        if isinstance(value, dict):
            value = value.get(str(part))
        elif isinstance(value, list) and str(part).isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def excuse(check: str, status: int, answer: Any, body: Any, rules: frozenset[str]) -> str | None:
    """Why a failure of ``check`` is the API being right, or None."""
    if check == "negative_data_rejection" and status == 413:
        return "too-large"  # refused before validation: the body is over the size limit
    if check != "positive_data_acceptance" or not isinstance(answer, dict):
        return None
    slug = str(answer.get("type", "")).rsplit("/", 1)[-1]
    if status == 400 and slug == "invalid-cursor":
        return "cursor"
    if status != 422:
        return None
    if slug in rules:
        return "rule"
    errors = answer.get("errors")
    if slug != "validation-error" or not isinstance(errors, list) or not errors:
        return None
    for error in errors:
        kind, loc = error.get("type"), error.get("loc", [])
        if kind in CROSS_FIELD_ERRORS or kind in DECIMAL_ERRORS:
            continue
        if kind == "value_error" and RESERVED_EMAIL_DOMAIN in str(error.get("msg", "")):
            continue
        if kind in RANGE_ERRORS and isinstance(_sent(body, loc), str):
            continue
        return None
    return "cross-field"


@dataclass
class Roles:
    """Which token each case is sent with: ``pick(operation_id, body)`` names a role."""

    tokens: dict[str, str]
    pick: Callable[[str, Any], str] = lambda operation, body: "admin"

    def token_for(self, operation_id: str, body: Any) -> str:
        return self.tokens[self.pick(operation_id, body)]


@dataclass
class Found:
    """One distinct failure: where, which check, what came back, and how to reproduce it."""

    operation: str
    check: str
    title: str
    message: str
    curl: str
    response: str = ""

    def __str__(self) -> str:
        return (
            f"{self.operation} [{self.check}] {self.title}: {self.message}\n"
            f"  {self.response}\n  {self.curl}"
        )


@dataclass
class Report:
    service: str
    cases: int = 0
    by_phase: Counter[str] = field(default_factory=Counter)
    failures: list[Found] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    excused: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        phases = ", ".join(f"{k} {v}" for k, v in sorted(self.by_phase.items()))
        return (
            f"{self.service}: {self.cases} cases ({phases}), {len(self.failures)} failures, "
            f"{len(self.errors)} errors; excused: {dict(self.excused)}"
        )


def _config(base_url: str, max_examples: int, seed: int, workers: int) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": seed,
            "base-url": base_url,
            "workers": workers,
            "suppress-health-check": ["all"],
            "request-timeout": 30,
            "generation": {"max-examples": max_examples, "mode": "all"},
            # Every check, as ``st run`` runs them; max_response_time has no limit to hold
            # (timing belongs to the benchmarks).
            "checks": {"enabled": True},
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": True, "max-steps": 20},
            },
        }
    )


def _operation_id(case: Any) -> str:
    return str(case.operation.definition.raw.get("operationId", ""))


def run(
    service: str,
    base_url: str,
    roles: Roles,
    *,
    max_examples: int,
    seed: int,
    workers: int = 1,
    prepare: Callable[[str, Any], None] | None = None,
) -> Report:
    """Run every phase and check against ``service`` at ``base_url``; collect what fails."""
    config = _config(base_url, max_examples, seed, workers)
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json", config=config)
    report = Report(service)
    rules = rule_slugs()

    @schema.auth(refresh_interval=None)
    class PerCaseToken:
        def get(self, case: Any, ctx: Any) -> str:
            return roles.token_for(_operation_id(case), case.body)

        def set(self, case: Any, data: str, ctx: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    @schema.hook("filter_failure")
    def _excused(context: Any, failure: Failure, case: Any, response: Any) -> bool:
        if response is None:
            return True
        try:
            answer = json.loads(response.content)
        except ValueError:
            return True
        for check in type(failure).checks:
            reason = excuse(check, response.status_code, answer, case.body, rules)
            if reason is not None:
                report.excused[reason] += 1
                return False
        return True

    def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
        # Only this run's cases (the hook is global to schemathesis, not to one schema).
        if case.operation.schema is not schema:
            return
        headers = case.headers or {}
        key = next((k for k in headers if k.lower() == "idempotency-key"), None)
        if key is not None and isinstance(headers[key], str) and headers[key].isprintable():
            # The generator draws keys from a small space and sends one key with many bodies;
            # a client never does (a key names one intended effect), and every case after the
            # first would stop at the key's 422 without reaching the operation. A fresh key
            # per case keeps the key's syntax as generated.
            headers[key] = f"{headers[key][:200]}-{uuid.uuid4().hex}"
        if prepare is not None:
            prepare(_operation_id(case), case)

    schemathesis.hook("before_call")(before_call)
    try:
        _collect(schema, report)
    finally:
        GLOBAL_HOOK_DISPATCHER.unregister(before_call)
    return report


def _collect(schema: Any, report: Report) -> None:
    seen: set[tuple[str, str, str]] = set()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            report.cases += len(recorder.cases)
            report.by_phase[event.phase.value] += len(recorder.cases)
            for case_id, checks in recorder.checks.items():
                for check in checks:
                    info = check.failure_info
                    if info is None:
                        continue
                    failure = info.failure
                    key = (failure.operation or recorder.label, check.name, failure.title)
                    if key in seen:
                        continue
                    seen.add(key)
                    report.failures.append(
                        Found(
                            key[0],
                            check.name,
                            failure.title,
                            failure.message,
                            info.code_sample,
                            _answer(recorder, failure.case_id or case_id),
                        )
                    )
        elif isinstance(event, events.NonFatalError):
            report.errors.append(f"{event.label}: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            report.errors.append(f"fatal: {event.exception!r}")


def _answer(recorder: Any, case_id: str) -> str:
    interaction = recorder.interactions.get(case_id)
    response = getattr(interaction, "response", None)
    if response is None:
        return "(no response)"
    return f"{response.status_code} {response.content[:400]!r}"


def real_uuid(value: Any, choices: list[str]) -> Any:
    """A generated UUID replaced by one of ``choices``; anything else (a negative case's
    malformed value) left alone."""
    if not isinstance(value, str):
        return value
    try:
        uuid.UUID(value)
    except ValueError:
        return value
    return random.choice(choices)


def replace_fields(body: Any, fields: Mapping[str, list[str]]) -> Any:
    """``body`` with each of ``fields`` that holds a UUID pointed at an existing record."""
    if not isinstance(body, dict):
        return body
    out = dict(body)
    for name, choices in fields.items():
        if name in out:
            out[name] = real_uuid(out[name], choices)
    return out
