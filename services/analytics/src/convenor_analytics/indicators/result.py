"""The shape of every indicator answer, and small-number suppression.

A breakdown row (or the headline value) that describes the behaviour of fewer than the
suppression threshold of distinct people (5 by default) is suppressed: its value, ``n`` and
interval become null, ``suppressed`` is true, and the answer's ``suppressed`` list names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from convenor_analytics.intervals import Interval, wilson

Value = float | int | str | Decimal | dict[str, Any] | list[Any] | None


@dataclass
class Row:
    key: str
    label: str
    value: Value
    n: int | None = None
    interval: Interval | None = None
    people: int | None = None  # distinct people behind the row, when it describes people
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Answer:
    value: Value
    n: int
    n_of: str
    interval: Interval | None = None
    people: int | None = None
    breakdowns: dict[str, list[Row]] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    parameters: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def rate(successes: int, n: int, confidence: float) -> tuple[float | None, Interval | None]:
    """A proportion and its Wilson interval (None, None when there is nothing to divide)."""
    if n <= 0:
        return None, None
    return successes / n, wilson(successes, n, confidence)


def rate_row(
    key: str, label: str, successes: int, n: int, confidence: float, people: int | None = None
) -> Row:
    value, interval = rate(successes, n, confidence)
    return Row(key, label, value, n, interval, people)


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def render(answer: Answer, threshold: int) -> dict[str, Any]:
    """The answer as JSON, with rows about fewer than ``threshold`` people suppressed."""
    suppressed: list[str] = []
    headline_hidden = answer.people is not None and answer.people < threshold
    if headline_hidden:
        suppressed.append("value")
    breakdowns: dict[str, list[dict[str, Any]]] = {}
    for name, rows in answer.breakdowns.items():
        shown = []
        for row in rows:
            hidden = row.people is not None and row.people < threshold
            if hidden:
                suppressed.append(f"breakdowns.{name}[{row.key}]")
            shown.append(
                {
                    "key": row.key,
                    "label": row.label,
                    "value": None if hidden else jsonable(row.value),
                    "n": None if hidden else row.n,
                    "interval": None if hidden or row.interval is None else row.interval.as_dict(),
                    "suppressed": hidden,
                    **({} if hidden else jsonable(row.extra)),
                }
            )
        breakdowns[name] = shown
    return {
        "value": None if headline_hidden else jsonable(answer.value),
        "n": None if headline_hidden else answer.n,
        "n_of": answer.n_of,
        "interval": None
        if headline_hidden or answer.interval is None
        else answer.interval.as_dict(),
        "breakdowns": breakdowns,
        "suppressed": suppressed,
        "flags": answer.flags,
        "notes": answer.notes,
        "extra": {} if headline_hidden else jsonable(answer.extra),
    }
