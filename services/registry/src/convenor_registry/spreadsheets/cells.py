"""Reading and writing spreadsheet cells: what a person types in Excel, made typed and strict.

Empty cells are ``None``. Dates may be ISO (``2026-03-10``) or UK style (``10/03/2026``).
Date-times with an offset are taken as given; without one (what Excel holds) they are UK local
time, as an OPCC reads its diary. Lists are separated by ``;`` (or ``,``). Booleans are
``yes/no``, ``true/false``, ``y/n`` or ``1/0``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/London")
TRUE = {"yes", "y", "true", "t", "1"}
FALSE = {"no", "n", "false", "f", "0"}


class CellError(ValueError):
    """A cell that cannot be read as its column's type."""


def text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number or a code typed as a number
    if isinstance(value, datetime):
        value = value.isoformat()
    out = str(value).strip()
    return out or None


def integer(value: Any) -> int | None:
    if isinstance(value, bool):
        raise CellError("expected a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError("expected a whole number")
        return int(value)
    raw = text(value)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise CellError("expected a whole number") from exc


def decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        raise CellError("expected a number")
    raw = text(value) if not isinstance(value, int | float) else str(value)
    if raw is None:
        return None
    try:
        return Decimal(raw.replace(",", "").removeprefix("£"))
    except InvalidOperation as exc:
        raise CellError("expected a number") from exc


def number(value: Any) -> float | None:
    result = decimal(value)
    return None if result is None else float(result)


def boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    raw = text(value)
    if raw is None:
        return None
    lowered = raw.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise CellError("expected yes or no")


def day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw[:10]) if "-" in raw else _uk_date(raw)
    except ValueError as exc:
        raise CellError("expected a date (2026-03-10 or 10/03/2026)") from exc


def _uk_date(raw: str) -> date:
    return datetime.strptime(raw, "%d/%m/%Y").date()


def instant(value: Any) -> datetime | None:
    """A UTC date-time; naive values are UK local time."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    else:
        raw = text(value)
        if raw is None:
            return None
        try:
            parsed = (
                datetime.fromisoformat(raw)
                if "-" in raw[:10]
                else datetime.strptime(raw, "%d/%m/%Y %H:%M")
            )
        except ValueError as exc:
            raise CellError("expected a date and time (2026-03-10 10:00)") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LOCAL)
    return parsed.astimezone(UTC)


def items(value: Any) -> list[str]:
    raw = text(value)
    if raw is None:
        return []
    separator = ";" if ";" in raw else ","
    return [part.strip() for part in raw.split(separator) if part.strip()]


def code(value: Any) -> str | None:
    """A vocabulary value as people type it: "Local authority" reads as local_authority."""
    raw = text(value)
    return None if raw is None else "_".join(raw.lower().replace("-", " ").split())


def codes(value: Any) -> list[str]:
    return [c for c in (code(v) for v in items(value)) if c]


def identifier(value: Any) -> uuid.UUID | None:
    raw = text(value)
    if raw is None:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError as exc:
        raise CellError("expected an id (a UUID, as exported)") from exc


def as_uuid(raw: str) -> uuid.UUID | None:
    """The UUID a reference cell holds, or None if it holds a name."""
    if len(raw) != 36 or raw[8] != "-":  # a name: skip the costly parse (most cells)
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def local_time(value: datetime) -> datetime:
    """A UTC instant as the naive UK local time a spreadsheet shows."""
    return value.astimezone(LOCAL).replace(tzinfo=None)


def joined(values: list[str]) -> str | None:
    return "; ".join(values) if values else None
