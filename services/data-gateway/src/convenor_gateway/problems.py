"""Problems the gateway's domains share."""

from __future__ import annotations

from collections.abc import Sequence

from convenor_shared.problems import Unprocessable


def invalid(loc: Sequence[str | int], message: str) -> Unprocessable:
    """A 422 that names the field at fault, shaped like a validation error."""
    return Unprocessable(
        message,
        extensions={"errors": [{"loc": [str(p) for p in loc], "msg": message, "type": "value"}]},
    )
