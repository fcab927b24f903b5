"""Cursor pagination: ``?limit=&cursor=`` in, ``{"items": [...], "next_cursor": ...}`` out.

A cursor is opaque to clients: base64url of a small JSON object (usually the last id seen).
Keyset pagination by a time-ordered id is stable while rows are added.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel

from convenor_shared.problems import BadRequest, Unprocessable

T = TypeVar("T")
# A cursor is base64url without padding.
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"
_CURSOR = re.compile(CURSOR_PATTERN)


class InvalidCursor(BadRequest):
    """The ``cursor`` is not one this service issued (a cursor from another list, or one that
    was edited). Start again without a cursor and follow each page's ``next_cursor``."""

    slug, title = "invalid-cursor", "Invalid cursor"


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    next_cursor: str | None = None


def encode_cursor(position: dict[str, Any]) -> str:
    """Opaque cursor for a position."""
    raw = json.dumps(position, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    """The position behind a cursor; a malformed cursor is a 400."""
    if not _CURSOR.match(cursor):
        raise InvalidCursor("The cursor is not one this service issued.")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor("The cursor is not one this service issued.") from exc
    if not isinstance(value, dict):
        raise InvalidCursor("The cursor is not one this service issued.")
    return value


class PageParams:
    """The validated ``limit`` and decoded ``cursor`` of a list request."""

    def __init__(self, limit: int, cursor: dict[str, Any] | None) -> None:
        self.limit = limit
        self.cursor = cursor

    def after(self, key: str = "id") -> Any:
        """The value of ``key`` in the cursor, if any."""
        return None if self.cursor is None else self.cursor.get(key)

    def after_id(self, key: str = "id") -> uuid.UUID | None:
        """The id in the cursor, if any; a cursor holding something else is a 400."""
        value = self.after(key)
        if value is None:
            return None
        try:
            return uuid.UUID(str(value))
        except ValueError as exc:
            raise InvalidCursor("The cursor is not one this service issued.") from exc


async def page_params(
    request: Request,
    limit: Annotated[int | None, Query(ge=1, description="Page size (at most the maximum)")] = None,
    cursor: Annotated[
        str | None,
        # Opaque to clients: any cursor this service did not issue is a 400 invalid-cursor.
        Query(max_length=512, description="From next_cursor"),
    ] = None,
) -> PageParams:
    settings = request.app.state.settings
    if limit is not None and limit > settings.max_page_limit:
        raise Unprocessable(
            f"limit may be at most {settings.max_page_limit}.",
            extensions={
                "errors": [
                    {"loc": ["query", "limit"], "msg": "too large", "type": "less_than_equal"}
                ]
            },
        )
    return PageParams(
        limit or settings.default_page_limit, decode_cursor(cursor) if cursor else None
    )


PageDep = Annotated[PageParams, Depends(page_params)]


def page_of(items: list[T], limit: int, key: Any) -> tuple[list[T], str | None]:
    """Split ``limit + 1`` fetched rows into a page and the cursor after it.

    ``key`` maps the last item to its cursor position.
    """
    if len(items) > limit:
        items = items[:limit]
        return items, encode_cursor(key(items[-1]))
    return items, None
