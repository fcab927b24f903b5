"""The registry's history of changes, its change-feed outbox and its idempotency keys."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from convenor_registry.models.base import Base
from convenor_shared.db import JSONType, UTCDateTime, new_id
from convenor_shared.idempotency import IdempotencyKeyMixin
from convenor_shared.outbox import ChangeMixin


class HistoryEntry(Base):
    """Who changed what, when: one row per create, update or delete of a record."""

    __tablename__ = "history"

    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True, default=new_id)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid(), index=True)
    version: Mapped[int] = mapped_column(Integer)
    op: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str | None] = mapped_column(String(255), nullable=True)
    actor_organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid(), nullable=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class Change(ChangeMixin, Base):
    pass


class IdempotencyKey(IdempotencyKeyMixin, Base):
    pass
