"""Lenient readers of change-feed fields: a value of the wrong shape reads as missing rather
than failing the whole landscape (the feed is another service's, and is checked there)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any


def text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if type(value) is str:  # the common case first: this runs millions of times
        return value or None
    return None if value is None else str(value)


def ids(data: dict[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list):
        return ()
    if None in value:
        return tuple(str(v) for v in value if v is not None)
    return tuple(map(str, value))


def day(data: dict[str, Any], key: str) -> date | None:
    value = data.get(key)
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def moment(data: dict[str, Any], key: str) -> datetime | None:
    value = data.get(key)
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def number(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def money(data: dict[str, Any], key: str) -> Decimal | None:
    value = data.get(key)
    if value is None or isinstance(value, bool):
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def flag(data: dict[str, Any], key: str) -> bool:
    return data.get(key) is True
