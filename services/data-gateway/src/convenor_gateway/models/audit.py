"""The append-only audit log, the Merkle tree over it, and the signed checkpoints of that tree.

``canonical`` holds each entry's RFC 8785 bytes exactly as they were hashed, so verification
hashes what is stored and the entry shown to a reader is parsed from those same bytes: there is
no second copy to drift from the first. ``leaf_hash`` is RFC 9162's leaf hash of those bytes;
``request_id`` repeats the entry's own ``request_id`` so an organisation's view of the log is an
index lookup (it decides visibility, never what is verified).

``merkle_nodes`` keeps every complete subtree of two or more leaves that a checkpoint has
covered (level ``h``, index ``i``: leaves ``[i * 2**h, (i + 1) * 2**h)``); level 0 is the log's own
``leaf_hash``. A proof reads ``O(log n)`` of them. ``audit_checkpoints`` keeps each signed tree
head with the compact frontier and chain hash it was made from, so the next one continues
from there without reading older entries.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Integer, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from convenor_gateway.models.base import Base
from convenor_shared.db import UTCDateTime


class AuditEntry(Base):
    __tablename__ = "audit_log"

    # 0-based, assigned under the service write lock: index order is commit order.
    index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    canonical: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[str] = mapped_column(String(64))
    chain_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    request_id: Mapped[uuid.UUID | None] = mapped_column(Uuid(), nullable=True, index=True)


class MerkleNode(Base):
    __tablename__ = "merkle_nodes"

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary)


class Checkpoint(Base):
    __tablename__ = "audit_checkpoints"

    tree_size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[str] = mapped_column(String(64))
    # The chain hash of entry tree_size - 1, as verified when the checkpoint was made.
    chain_hash: Mapped[str] = mapped_column(String(64))
    # The complete subtrees of the tree's right edge, largest first, 32 bytes each.
    frontier: Mapped[bytes] = mapped_column(LargeBinary)
    timestamp: Mapped[int] = mapped_column(BigInteger)  # Unix seconds, as signed
    note: Mapped[str] = mapped_column(Text)
    verifier_key: Mapped[str] = mapped_column(String(200))  # of the key that signed it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
