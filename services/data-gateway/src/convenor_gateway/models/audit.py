"""The append-only audit log: a hash chain today, the leaves of a Merkle tree tomorrow.

``leaf_hash`` is RFC 9162's leaf hash of the entry's RFC 8785 canonical bytes, so signed tree
heads and inclusion proofs can be computed over this table as it stands.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from convenor_gateway.models.base import Base
from convenor_shared.db import JSONType, UTCDateTime


class AuditEntry(Base):
    __tablename__ = "audit_log"

    # 0-based, assigned under the service write lock: index order is commit order.
    index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entry: Mapped[dict[str, Any]] = mapped_column(JSONType)
    leaf_hash: Mapped[str] = mapped_column(String(64))
    chain_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
