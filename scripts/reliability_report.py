"""Render docs/reliability.md from what `make soak` collected in build/reliability/.

Inputs: JUnit XML of each pytest run (tests run, failed, skipped, time), and the JSON figures
the long runs write: ``schemathesis-<service>.json``, ``faults.json``, ``held_load.json``.
Prints Markdown on stdout; ``make soak`` writes it to docs/reliability.md.

    .venv/bin/python scripts/reliability_report.py [build/reliability]
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = """```sh
make soak   # CONVENOR_SOAK=1: schemathesis at {examples} examples per operation,
            # {rounds} fault rounds, the OWASP, idempotency and authorization-matrix
            # suites, the held-load benchmark
```"""


def load(folder: Path, name: str) -> Any:
    path = folder / name
    return json.loads(path.read_text()) if path.exists() else None


def junit(folder: Path) -> list[tuple[str, int, int, int, float]]:
    rows = []
    for path in sorted(folder.glob("*.xml")):
        root = ET.parse(path).getroot()  # noqa: S314
        suites = [root] if root.tag == "testsuite" else list(root)
        tests = sum(int(s.get("tests", 0)) for s in suites)
        failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
        skipped = sum(int(s.get("skipped", 0)) for s in suites)
        seconds = sum(float(s.get("time", 0)) for s in suites)
        rows.append((path.stem, tests, failed, skipped, seconds))
    return rows


def commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def render(folder: Path) -> str:
    fuzz = [load(folder, f"schemathesis-{s}.json") for s in ("registry", "gateway", "analytics")]
    fuzz = [f for f in fuzz if f]
    faults = load(folder, "faults.json")
    held = load(folder, "held_load.json")
    examples = fuzz[0]["examples_per_operation"] if fuzz else "?"
    rounds = faults.get("rounds", "?") if faults else "?"
    out = [
        "# Reliability: what the long runs found",
        "",
        "Written by `scripts/reliability_report.py` from the figures `make soak` collects; do not",
        "edit by hand. CI runs the short versions of the same tests on every change (see",
        "`docs/security.md` for what each security test claims).",
        "",
        COMMANDS.format(examples=examples, rounds=rounds),
        "",
        f"Run on {datetime.now(UTC):%Y-%m-%d} at commit `{commit()}`, Python "
        f"{platform.python_version()}, {platform.machine()}; a shared 2-core machine, so the "
        "timings move from run to run.",
        "",
        "## Test runs",
        "",
        "| run | tests | failed | skipped | seconds |",
        "|---|---|---|---|---|",
    ]
    for name, tests, failed, skipped, seconds in junit(folder):
        out.append(f"| {name} | {tests} | {failed} | {skipped} | {seconds:,.0f} |")
    out += ["", "## Property-based API tests (schemathesis)", ""]
    if fuzz:
        out += [
            "Every phase (examples, coverage, fuzzing, stateful) and every check, authenticated.",
            "",
            "| service | cases | by phase | failures | errors | excused (why) |",
            "|---|---|---|---|---|---|",
        ]
        for f in fuzz:
            phases = ", ".join(f"{k} {v:,}" for k, v in sorted(f["by_phase"].items()))
            excused = ", ".join(f"{k} {v}" for k, v in sorted(f["excused"].items())) or "none"
            out.append(
                f"| {f['service']} | {f['cases']:,} | {phases} | {f['failures']} | "
                f"{f['errors']} | {excused} |"
            )
        out += [
            "",
            f"Seed {fuzz[0]['seed']}. What may be excused, and only that, is listed and "
            "explained in `tests/fuzzing.py`: mostly a 422 for a rule of the domain that the "
            "schema cannot state, and a 400 for a cursor the service did not issue.",
        ]
    else:
        out.append("Not run.")
    out += ["", "## Faults between a service and PostgreSQL", ""]
    if faults:
        out += ["| figure | value |", "|---|---|"]
        out += [f"| {k.replace('_', ' ')} | {fmt(v, 2)} |" for k, v in faults.items()]
    else:
        out.append("Not run.")
    out += ["", "## Held load (open model)", ""]
    if held:
        out += held_section(held)
    else:
        out.append("Not run.")
    return "\n".join(out) + "\n"


def held_section(held: dict[str, Any]) -> list[str]:
    out = [
        f"Constant arrival rate at half of each endpoint's own saturation rate (closed loop,"
        f" {held.get('saturation', {}).get('clients', '?')} clients), held for"
        f" {fmt(held.get('duration_seconds'), 0)} s on {held.get('backend', '?')}; latency from"
        " the intended send time. The load generator runs on the same cores as the servers and"
        " the database.",
        "",
        "| endpoint | saturation /s | target /s | achieved /s | requests | errors | p50 ms |"
        " p99 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, row in held.get("endpoints", {}).items():
        out.append(
            f"| {name} | {fmt(row.get('saturation_rps'))} | {fmt(row.get('target_rate'))} | "
            f"{fmt(row.get('achieved_rate'))} | {fmt(row.get('requests'))} | "
            f"{fmt(row.get('errors'))} | {fmt(row.get('p50_ms'))} | {fmt(row.get('p99_ms'))} |"
        )
    signing = held.get("checkpoint_signing")
    if signing:
        out += [
            "",
            f"Submissions held at {fmt(signing.get('rate'))}/s with the gateway's checkpoint"
            f" signing off and on (every {signing.get('checkpoint_interval_seconds_on')} s),"
            " runs interleaved:",
            "",
            "| run | signing | achieved /s | errors | p50 ms | p99 ms |",
            "|---|---|---|---|---|---|",
        ]
        for run in signing.get("runs", []):
            out.append(
                f"| {run.get('pair')} | {run.get('signing')} | {fmt(run.get('achieved_rate'))} | "
                f"{fmt(run.get('errors'))} | {fmt(run.get('p50_ms'))} | {fmt(run.get('p99_ms'))} |"
            )
        out += [
            "",
            f"p99 with signing / without (medians): **{fmt(signing.get('p99_ratio_on_off'), 2)}**"
            f" (goal at most {fmt(signing.get('goal_p99_ratio_at_most'), 1)}).",
        ]
    return out


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "reliability"
    if not folder.is_dir():
        print(f"no figures in {folder}; run `make soak`", file=sys.stderr)
        return 1
    sys.stdout.write(render(folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
