"""Property-based API tests: schemathesis against each service's own OpenAPI document, every
phase (examples, coverage, fuzzing, stateful) and every check, authenticated as the caller who
can make each operation mean something, against the three services under uvicorn.

CI runs a bounded number of examples per operation with a fixed seed (``CONVENOR_FUZZ_EXAMPLES``
and ``CONVENOR_FUZZ_SEED`` change them); ``make soak`` runs many more. A failure prints each
distinct problem with a curl command that reproduces it. What is excused, and why, is in
``fuzzing.excuse``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from . import fuzzing
from .live import LiveStack

SOAK = bool(os.environ.get("CONVENOR_SOAK"))
EXAMPLES = int(os.environ.get("CONVENOR_FUZZ_EXAMPLES", "100" if SOAK else "8"))
SEED = int(os.environ.get("CONVENOR_FUZZ_SEED", "20261126"))
# Where `make soak` collects figures for docs/reliability.md (unset: none written).
FIGURES = os.environ.get("CONVENOR_RELIABILITY_FIGURES")

# Operations of the data gateway and who calls them: the requester raises, changes and
# withdraws a request and downloads its data; the holder answers and delivers; the audit log
# and erasure are the administrator's.
HOLDER_MOVES = {"approved", "partially_approved", "refused", "clarification_requested"}
ADMIN_OPERATIONS = {"request_erasure_create"}
HOLDER_OPERATIONS = {"request_delivery_put"}


def gateway_role(operation: str, body: Any) -> str:
    if operation.startswith("audit_") or operation in ADMIN_OPERATIONS:
        return "admin"
    if operation in HOLDER_OPERATIONS:
        return "holder"
    if operation == "request_transitions_create" and isinstance(body, dict):
        move = body.get("to")  # a negative case may send any JSON here
        return "holder" if isinstance(move, str) and move in HOLDER_MOVES else "requester"
    return "requester"


@pytest.fixture(scope="module")
def live() -> Iterator[LiveStack]:
    with LiveStack() as stack:
        yield stack


def record(report: fuzzing.Report) -> None:
    if not FIGURES:
        return
    folder = Path(FIGURES)
    folder.mkdir(parents=True, exist_ok=True)
    figures = {
        "service": report.service,
        "examples_per_operation": EXAMPLES,
        "seed": SEED,
        "cases": report.cases,
        "by_phase": dict(report.by_phase),
        "failures": len(report.failures),
        "errors": len(report.errors),
        "excused": dict(report.excused),
    }
    (folder / f"schemathesis-{report.service}.json").write_text(json.dumps(figures, indent=2))


def assert_clean(report: fuzzing.Report, *, stateful: bool = True) -> None:
    record(report)
    print(report.summary())
    found = "\n".join(str(f) for f in report.failures) + "\n".join(report.errors)
    assert not report.failures and not report.errors, f"{report.summary()}\n{found}"
    assert report.cases > 0
    if stateful:  # analytics only reads: its spec has no links for a stateful phase to follow
        assert report.by_phase.get("stateful", 0) > 0, "the stateful phase ran no case"


class TestSchemathesis:
    def test_registry(self, live: LiveStack):
        roles = fuzzing.Roles({"admin": live.admin_token()})
        report = fuzzing.run(
            "registry", live.urls["registry"], roles, max_examples=EXAMPLES, seed=SEED
        )
        assert_clean(report)

    def test_gateway(self, live: LiveStack):
        opcc = live.organisation(
            "Office of the Fuzzing Commissioner",
            "local_policing_body",
            ["gateway:request", "gateway:respond", "registry:read"],
        )
        holder = live.organisation(
            "Fuzzing Borough Council",
            "local_authority",
            ["gateway:request", "gateway:respond", "registry:read"],
        )
        parties = [opcc.id, holder.id]
        roles = fuzzing.Roles(
            {"admin": live.admin_token(), "requester": opcc.token, "holder": holder.token},
            gateway_role,
        )

        def prepare(operation: str, case: Any) -> None:
            if operation == "requests_create":
                case.body = fuzzing.replace_fields(
                    case.body, {"holder_organisation_id": [holder.id]}
                )
            elif operation in ("agreements_create", "agreements_update"):
                body = case.body
                if isinstance(body, dict) and isinstance(body.get("party_organisation_ids"), list):
                    case.body = {**body, "party_organisation_ids": parties}

        report = fuzzing.run(
            "gateway",
            live.urls["gateway"],
            roles,
            max_examples=EXAMPLES,
            seed=SEED,
            prepare=prepare,
        )
        assert_clean(report)

    def test_analytics(self, live: LiveStack):
        roles = fuzzing.Roles({"admin": live.admin_token()})
        report = fuzzing.run(
            "analytics", live.urls["analytics"], roles, max_examples=EXAMPLES, seed=SEED
        )
        assert_clean(report, stateful=False)
