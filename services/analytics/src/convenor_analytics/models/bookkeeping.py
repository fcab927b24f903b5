"""Idempotency keys (the shared mechanism needs one table per service)."""

from __future__ import annotations

from convenor_analytics.models.base import Base
from convenor_shared.idempotency import IdempotencyKeyMixin


class IdempotencyKey(IdempotencyKeyMixin, Base):
    pass
