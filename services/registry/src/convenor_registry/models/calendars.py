"""Calendar subscriptions: revocable tokens that let a calendar client fetch an iCalendar feed
without a bearer token (calendar clients cannot send one)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from convenor_registry.models.base import Base
from convenor_shared.db import UTCDateTime, new_id


class CalendarSubscription(Base):
    """One subscription URL. Only a hash of its token is kept, as for client secrets."""

    __tablename__ = "calendar_subscriptions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True, default=new_id)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # What the feed is of: partnership, person, organisation or area, and which one.
    subject: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[uuid.UUID] = mapped_column(Uuid())
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # Who made it: a subscription dies with the API client that created it.
    client_id: Mapped[str] = mapped_column(String(100), index=True)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid(), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
