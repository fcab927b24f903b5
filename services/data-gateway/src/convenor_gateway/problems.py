"""Problems the gateway's domains share."""

from __future__ import annotations

from collections.abc import Sequence

from convenor_shared.problems import RuleBroken


def invalid(loc: Sequence[str | int], message: str) -> RuleBroken:
    """A 422 that names the field at fault, shaped like a validation error: a rule about the
    request's values or the records held that the schema cannot state."""
    return RuleBroken(
        message,
        extensions={"errors": [{"loc": [str(p) for p in loc], "msg": message, "type": "value"}]},
    )
