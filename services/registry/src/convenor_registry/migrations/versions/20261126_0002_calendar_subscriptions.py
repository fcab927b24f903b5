"""calendar subscriptions

Revision ID: 20261126_0002
Revises: 20261126_0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '20261126_0002'
down_revision: str | None = '20261126_0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('calendar_subscriptions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('client_id', sa.String(length=100), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_subscriptions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_subscriptions_token_hash'))
    )
    with op.batch_alter_table('calendar_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_subscriptions_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calendar_subscriptions_organisation_id'), ['organisation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('calendar_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_subscriptions_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_calendar_subscriptions_client_id'))

    op.drop_table('calendar_subscriptions')
