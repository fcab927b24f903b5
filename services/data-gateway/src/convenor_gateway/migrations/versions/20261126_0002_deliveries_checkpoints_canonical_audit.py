"""gateway: encrypted deliveries, the audit log's canonical bytes, Merkle nodes and checkpoints

The audit log keeps each entry as the RFC 8785 bytes it was hashed from (``canonical``) in place
of a JSON copy, and the entry's request id as a column for lookups. Existing entries are
converted: their canonical bytes are recomputed from the stored JSON (the hashes stay valid,
since they were computed over exactly those bytes).

Revision ID: 20261126_0002
Revises: 20261126_0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence

import rfc8785
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "20261126_0002"
down_revision: str | None = "20261126_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BATCH = 5000


def _audit_table(*columns: sa.ColumnClause[object]) -> sa.TableClause:
    return sa.table("audit_log", sa.column("index", sa.BigInteger()), *columns)


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("media_type", sa.String(length=20), nullable=False),
        sa.Column("payload_sha256", sa.String(length=64), nullable=False),
        sa.Column("payload_size", sa.BigInteger(), nullable=False),
        sa.Column("rows", sa.BigInteger(), nullable=False),
        sa.Column("chunk_count", sa.Integer(), nullable=False),
        sa.Column("kek_id", sa.String(length=200), nullable=False),
        sa.Column("wrapped_key", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_by", sa.String(length=255), nullable=False),
        sa.Column("retain_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("erasure_reason_code", sa.String(length=40), nullable=True),
        sa.Column("erased_by", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["data_requests.id"],
            name=op.f("fk_deliveries_request_id_data_requests"),
        ),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_deliveries")),
    )
    op.create_index(
        "ix_deliveries_retain_until", "deliveries", ["erased_at", "retain_until"], unique=False
    )
    op.create_table(
        "delivery_chunks",
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["deliveries.request_id"],
            name=op.f("fk_delivery_chunks_request_id_deliveries"),
        ),
        sa.PrimaryKeyConstraint("request_id", "seq", name=op.f("pk_delivery_chunks")),
    )
    op.create_table(
        "merkle_nodes",
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx", name=op.f("pk_merkle_nodes")),
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("tree_size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("chain_hash", sa.String(length=64), nullable=False),
        sa.Column("frontier", sa.LargeBinary(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("verifier_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tree_size", name=op.f("pk_audit_checkpoints")),
    )

    op.execute("DROP INDEX ix_audit_log_request_id")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("canonical", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("request_id", sa.Uuid(), nullable=True))
    _entries_to_canonical()
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("canonical", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column("entry")
        batch_op.create_index(batch_op.f("ix_audit_log_request_id"), ["request_id"], unique=False)


def _entries_to_canonical() -> None:
    bind = op.get_bind()
    source = _audit_table(sa.column("entry", JSON_TYPE))
    target = _audit_table(
        sa.column("canonical", sa.LargeBinary()), sa.column("request_id", sa.Uuid())
    )
    after = -1
    while True:
        rows = bind.execute(
            sa.select(source.c.index, source.c.entry)
            .where(source.c.index > after)
            .order_by(source.c.index)
            .limit(BATCH)
        ).all()
        for index, entry in rows:
            value = json.loads(entry) if isinstance(entry, str) else entry
            request_id = value.get("request_id")
            bind.execute(
                sa.update(target)
                .where(target.c.index == index)
                .values(
                    canonical=rfc8785.dumps(value),
                    request_id=uuid.UUID(request_id) if request_id else None,
                )
            )
        if len(rows) < BATCH:
            return
        after = rows[-1][0]


def _canonical_to_entries() -> None:
    bind = op.get_bind()
    source = _audit_table(sa.column("canonical", sa.LargeBinary()))
    target = _audit_table(sa.column("entry", JSON_TYPE))
    after = -1
    while True:
        rows = bind.execute(
            sa.select(source.c.index, source.c.canonical)
            .where(source.c.index > after)
            .order_by(source.c.index)
            .limit(BATCH)
        ).all()
        for index, canonical in rows:
            bind.execute(
                sa.update(target)
                .where(target.c.index == index)
                .values(entry=json.loads(bytes(canonical)))
            )
        if len(rows) < BATCH:
            return
        after = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_request_id"))
        batch_op.add_column(sa.Column("entry", JSON_TYPE, nullable=True))
    _canonical_to_entries()
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("entry", existing_type=JSON_TYPE, nullable=False)
        batch_op.drop_column("request_id")
        batch_op.drop_column("canonical")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_audit_log_request_id ON audit_log ((entry ->> 'request_id'))")
    else:
        op.execute(
            "CREATE INDEX ix_audit_log_request_id ON audit_log (json_extract(entry, '$.request_id'))"
        )
    op.drop_table("audit_checkpoints")
    op.drop_table("merkle_nodes")
    op.drop_table("delivery_chunks")
    op.drop_index("ix_deliveries_retain_until", table_name="deliveries")
    op.drop_table("deliveries")
