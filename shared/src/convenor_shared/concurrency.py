"""Optimistic concurrency: ``ETag`` on single resources, ``If-Match`` on writes (412)."""

from __future__ import annotations

from fastapi import Request, Response

from convenor_shared.problems import PreconditionFailed


def etag_of(version: int, resource_id: object) -> str:
    """A strong ETag from a resource's id and its version counter."""
    return f'"{resource_id}-{version}"'


def set_etag(response: Response, etag: str) -> None:
    response.headers["ETag"] = etag


def check_if_match(request: Request, current: str) -> None:
    """Refuse the write (412) if ``If-Match`` is present and names another version.

    ``If-Match`` is optional: a client that sends none accepts last-writer-wins.
    """
    header = request.headers.get("if-match")
    if header is None:
        return
    candidates = [tag.strip() for tag in header.split(",")]
    if "*" in candidates:
        return
    normalised = {tag[2:] if tag.startswith("W/") else tag for tag in candidates}
    if current not in normalised:
        raise PreconditionFailed(
            "The resource has changed since you read it.", extensions={"current_etag": current}
        )
