"""Delivered datasets: one per request, encrypted under its own data key, stored in chunks.

The database holds ciphertext only. ``wrapped_key`` is the data key wrapped by a key-encryption
key (named by ``kek_id``) with the request id bound in; erasing a delivery sets it to NULL and
deletes the chunks, and from then on the payload cannot be read from any copy that survives
(crypto-shredding). What stays is what the audit log needs: the payload's hash and size.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from convenor_gateway.models.base import Base
from convenor_shared.db import UTCDateTime


class Delivery(Base):
    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_retain_until", "erased_at", "retain_until"),)

    request_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("data_requests.id"), primary_key=True
    )
    media_type: Mapped[str] = mapped_column(String(20))  # csv or json
    payload_sha256: Mapped[str] = mapped_column(String(64))
    payload_size: Mapped[int] = mapped_column(BigInteger)
    rows: Mapped[int] = mapped_column(BigInteger)
    chunk_count: Mapped[int] = mapped_column(Integer)
    kek_id: Mapped[str] = mapped_column(String(200))
    wrapped_key: Mapped[str | None] = mapped_column(Text, nullable=True)  # NULL once erased
    delivered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_by: Mapped[str] = mapped_column(String(255))
    retain_until: Mapped[datetime] = mapped_column(UTCDateTime())
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    erasure_reason_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    erased_by: Mapped[str | None] = mapped_column(String(255), nullable=True)


class DeliveryChunk(Base):
    """A piece of a delivery's ciphertext, in order; the envelope authenticates the order."""

    __tablename__ = "delivery_chunks"

    request_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(), ForeignKey("deliveries.request_id"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
