"""registry catalogue

Revision ID: 20261126_0001
Revises: 
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '20261126_0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('areas',
    sa.Column('gss_code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('classification', sa.String(length=40), nullable=False),
    sa.Column('tier', sa.String(length=40), nullable=True),
    sa.Column('country', sa.String(length=20), nullable=True),
    sa.Column('vintage', sa.String(length=20), nullable=True),
    sa.Column('ocd_id', sa.String(length=200), nullable=True),
    sa.Column('parent_id', sa.Uuid(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=255), nullable=True),
    sa.Column('updated_by', sa.String(length=255), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('managed_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['areas.id'], name=op.f('fk_areas_parent_id_areas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_areas')),
    sa.UniqueConstraint('gss_code', name=op.f('uq_areas_gss_code'))
    )
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_areas_classification'), ['classification'], unique=False)
        batch_op.create_index(batch_op.f('ix_areas_parent_id'), ['parent_id'], unique=False)

    op.create_table('changes',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('entity', sa.String(length=64), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('op', sa.String(length=8), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=True),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_changes'))
    )
    op.create_table('history',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('op', sa.String(length=10), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=255), nullable=True),
    sa.Column('actor_organisation_id', sa.Uuid(), nullable=True),
    sa.Column('changes', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_history'))
    )
    with op.batch_alter_table('history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_history_entity_id'), ['entity_id'], unique=False)

    op.create_table('idempotency_keys',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('client_id', sa.String(length=255), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('headers', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=True),
    sa.Column('body', sa.LargeBinary(), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_keys')),
    sa.UniqueConstraint('client_id', 'key', name='uq_idempotency_keys_client_key')
    )
    op.create_table('organisations',
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('classification', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=True),
    sa.Column('kind_effective_from', sa.Date(), nullable=True),
    sa.Column('identifiers', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('pension_scheme', sa.String(length=40), nullable=True),
    sa.Column('website', sa.String(length=500), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=255), nullable=True),
    sa.Column('updated_by', sa.String(length=255), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('managed_by_id', sa.Uuid(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations'))
    )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisations_classification'), ['classification'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_name'), ['name'], unique=False)

    op.create_table('used_assertions',
    sa.Column('jti', sa.String(length=255), nullable=False),
    sa.Column('client_id', sa.String(length=100), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('jti', 'client_id', name=op.f('pk_used_assertions'))
    )
    with op.batch_alter_table('used_assertions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_used_assertions_expires_at'), ['expires_at'], unique=False)

    op.create_table('api_clients',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('scopes', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('auth_method', sa.String(length=40), nullable=False),
    sa.Column('secret_hash', sa.String(length=200), nullable=True),
    sa.Column('jwks', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=True),
    sa.Column('is_bootstrap', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_api_clients_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_clients')),
    sa.UniqueConstraint('client_id', name=op.f('uq_api_clients_client_id'))
    )
    with op.batch_alter_table('api_clients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_clients_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('organisation_areas',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('area_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_organisation_areas_area_id_areas')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_areas_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('organisation_id', 'area_id', name=op.f('pk_organisation_areas'))
    )
    with op.batch_alter_table('organisation_areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_areas_area_id'), ['area_id'], unique=False)

    op.create_table('partnerships',
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('short_name', sa.String(length=100), nullable=True),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('statutory', sa.Boolean(), nullable=False),
    sa.Column('statutory_basis_citation', sa.String(length=300), nullable=True),
    sa.Column('statutory_basis_url', sa.String(length=500), nullable=True),
    sa.Column('parent_id', sa.Uuid(), nullable=True),
    sa.Column('chair_organisation_id', sa.Uuid(), nullable=True),
    sa.Column('secretariat_organisation_id', sa.Uuid(), nullable=True),
    sa.Column('themes', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('established_date', sa.Date(), nullable=True),
    sa.Column('ended_date', sa.Date(), nullable=True),
    sa.Column('review_cycle_months', sa.Integer(), nullable=True),
    sa.Column('last_reviewed_date', sa.Date(), nullable=True),
    sa.Column('meetings_per_year', sa.Integer(), nullable=True),
    sa.Column('annual_support_cost', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=255), nullable=True),
    sa.Column('updated_by', sa.String(length=255), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('managed_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['chair_organisation_id'], ['organisations.id'], name=op.f('fk_partnerships_chair_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['parent_id'], ['partnerships.id'], name=op.f('fk_partnerships_parent_id_partnerships')),
    sa.ForeignKeyConstraint(['secretariat_organisation_id'], ['organisations.id'], name=op.f('fk_partnerships_secretariat_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnerships'))
    )
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnerships_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnerships_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnerships_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnerships_type'), ['type'], unique=False)

    op.create_table('people',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('role_title', sa.String(length=300), nullable=True),
    sa.Column('seniority', sa.Integer(), nullable=True),
    sa.Column('salary_band', sa.String(length=20), nullable=True),
    sa.Column('contract_hours', sa.Double(), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=255), nullable=True),
    sa.Column('updated_by', sa.String(length=255), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('managed_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_people_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('meeting_series',
    sa.Column('partnership_id', sa.Uuid(), nullable=False),
    sa.Column('rrule', sa.String(length=500), nullable=False),
    sa.Column('first_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=255), nullable=True),
    sa.Column('updated_by', sa.String(length=255), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('managed_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_meeting_series_partnership_id_partnerships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_series'))
    )
    with op.batch_alter_table('meeting_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_series_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('memberships',
    sa.Column('partnership_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=True),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('on_behalf_of_id', sa.Uuid(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('voting', sa.Boolean(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('deputy_ids', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=255), nullable=True),
    sa.Column('updated_by', sa.String(length=255), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('managed_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['on_behalf_of_id'], ['organisations.id'], name=op.f('fk_memberships_on_behalf_of_id_organisations')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_memberships_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_memberships_partnership_id_partnerships')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_memberships_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_person_id'), ['person_id'], unique=False)

    op.create_table('partnership_areas',
    sa.Column('partnership_id', sa.Uuid(), nullable=False),
    sa.Column('area_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_partnership_areas_area_id_areas')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_partnership_areas_partnership_id_partnerships')),
    sa.PrimaryKeyConstraint('partnership_id', 'area_id', name=op.f('pk_partnership_areas'))
    )
    with op.batch_alter_table('partnership_areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_areas_area_id'), ['area_id'], unique=False)

    op.create_table('partnership_relations',
    sa.Column('partnership_id', sa.Uuid(), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('related_partnership_id', sa.Uuid(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=255), nullable=True),
    sa.Column('updated_by', sa.String(length=255), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('managed_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_partnership_relations_partnership_id_partnerships')),
    sa.ForeignKeyConstraint(['related_partnership_id'], ['partnerships.id'], name=op.f('fk_partnership_relations_related_partnership_id_partnerships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_relations'))
    )
    with op.batch_alter_table('partnership_relations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_relations_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnership_relations_related_partnership_id'), ['related_partnership_id'], unique=False)

    op.create_table('reviews',
    sa.Column('partnership_id', sa.Uuid(), nullable=False),
    sa.Column('review_date', sa.Date(), nullable=False),
    sa.Column('reviewer', sa.String(length=300), nullable=True),
    sa.Column('criteria', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('merge_into_id', sa.Uuid(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=255), nullable=True),
    sa.Column('updated_by', sa.String(length=255), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('managed_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['merge_into_id'], ['partnerships.id'], name=op.f('fk_reviews_merge_into_id_partnerships')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_reviews_partnership_id_partnerships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('strategies',
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('owner_partnership_id', sa.Uuid(), nullable=True),
    sa.Column('owner_organisation_id', sa.Uuid(), nullable=True),
    sa.Column('joint_owner_ids', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=255), nullable=True),
    sa.Column('updated_by', sa.String(length=255), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('managed_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['owner_organisation_id'], ['organisations.id'], name=op.f('fk_strategies_owner_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['owner_partnership_id'], ['partnerships.id'], name=op.f('fk_strategies_owner_partnership_id_partnerships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_strategies'))
    )
    with op.batch_alter_table('strategies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_strategies_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_strategies_owner_organisation_id'), ['owner_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_strategies_owner_partnership_id'), ['owner_partnership_id'], unique=False)

    op.create_table('terms_of_reference',
    sa.Column('partnership_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('adopted_date', sa.Date(), nullable=True),
    sa.Column('review_date', sa.Date(), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=255), nullable=True),
    sa.Column('updated_by', sa.String(length=255), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('managed_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_terms_of_reference_partnership_id_partnerships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_terms_of_reference'))
    )
    with op.batch_alter_table('terms_of_reference', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_terms_of_reference_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('meetings',
    sa.Column('partnership_id', sa.Uuid(), nullable=False),
    sa.Column('series_id', sa.Uuid(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('prep_minutes', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('purpose', sa.String(length=30), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=True),
    sa.Column('online_url', sa.String(length=500), nullable=True),
    sa.Column('support_hours', sa.Double(), nullable=True),
    sa.Column('direct_costs', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=255), nullable=True),
    sa.Column('updated_by', sa.String(length=255), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('managed_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_meetings_partnership_id_partnerships')),
    sa.ForeignKeyConstraint(['series_id'], ['meeting_series.id'], name=op.f('fk_meetings_series_id_meeting_series')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_series_id'), ['series_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_start'), ['start'], unique=False)

    op.create_table('priorities',
    sa.Column('strategy_id', sa.Uuid(), nullable=False),
    sa.Column('parent_id', sa.Uuid(), nullable=True),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('themes', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('aligned_to_ids', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=255), nullable=True),
    sa.Column('updated_by', sa.String(length=255), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('managed_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['priorities.id'], name=op.f('fk_priorities_parent_id_priorities')),
    sa.ForeignKeyConstraint(['strategy_id'], ['strategies.id'], name=op.f('fk_priorities_strategy_id_strategies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_priorities'))
    )
    with op.batch_alter_table('priorities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_priorities_strategy_id'), ['strategy_id'], unique=False)

    op.create_table('agenda_items',
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('item_type', sa.String(length=20), nullable=False),
    sa.Column('themes', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.Column('recurring_key', sa.String(length=100), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=255), nullable=True),
    sa.Column('updated_by', sa.String(length=255), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('managed_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_agenda_items_meeting_id_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items'))
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_items_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('attendance',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('deputy_for_id', sa.Uuid(), nullable=True),
    sa.Column('on_behalf_of_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['deputy_for_id'], ['people.id'], name=op.f('fk_attendance_deputy_for_id_people')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_attendance_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['on_behalf_of_id'], ['organisations.id'], name=op.f('fk_attendance_on_behalf_of_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_attendance_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('meeting_id', 'person_id', name=op.f('uq_attendance_meeting_id'))
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_person_id'), ['person_id'], unique=False)

    op.create_table('decisions',
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('agenda_item_id', sa.Uuid(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('themes', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=255), nullable=True),
    sa.Column('updated_by', sa.String(length=255), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('managed_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_decisions_agenda_item_id_agenda_items')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_decisions_meeting_id_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('actions',
    sa.Column('partnership_id', sa.Uuid(), nullable=False),
    sa.Column('meeting_id', sa.Uuid(), nullable=True),
    sa.Column('decision_id', sa.Uuid(), nullable=True),
    sa.Column('review_id', sa.Uuid(), nullable=True),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('owner_person_id', sa.Uuid(), nullable=True),
    sa.Column('owner_organisation_id', sa.Uuid(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('completed_date', sa.Date(), nullable=True),
    sa.Column('updates', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=255), nullable=True),
    sa.Column('updated_by', sa.String(length=255), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('managed_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_actions_decision_id_decisions')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_actions_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['owner_organisation_id'], ['organisations.id'], name=op.f('fk_actions_owner_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['owner_person_id'], ['people.id'], name=op.f('fk_actions_owner_person_id_people')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_actions_partnership_id_partnerships')),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_actions_review_id_reviews')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actions'))
    )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actions_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_owner_organisation_id'), ['owner_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actions_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actions_status'))
        batch_op.drop_index(batch_op.f('ix_actions_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_actions_owner_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_actions_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_actions_due_date'))

    op.drop_table('actions')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_meeting_id'))

    op.drop_table('decisions')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_person_id'))
        batch_op.drop_index(batch_op.f('ix_attendance_meeting_id'))

    op.drop_table('attendance')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_items_meeting_id'))

    op.drop_table('agenda_items')
    with op.batch_alter_table('priorities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_priorities_strategy_id'))

    op.drop_table('priorities')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_start'))
        batch_op.drop_index(batch_op.f('ix_meetings_series_id'))
        batch_op.drop_index(batch_op.f('ix_meetings_partnership_id'))

    op.drop_table('meetings')
    with op.batch_alter_table('terms_of_reference', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_terms_of_reference_partnership_id'))

    op.drop_table('terms_of_reference')
    with op.batch_alter_table('strategies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_strategies_owner_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_strategies_owner_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_strategies_kind'))

    op.drop_table('strategies')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_partnership_id'))

    op.drop_table('reviews')
    with op.batch_alter_table('partnership_relations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnership_relations_related_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_partnership_relations_partnership_id'))

    op.drop_table('partnership_relations')
    with op.batch_alter_table('partnership_areas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnership_areas_area_id'))

    op.drop_table('partnership_areas')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_person_id'))
        batch_op.drop_index(batch_op.f('ix_memberships_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_memberships_organisation_id'))

    op.drop_table('memberships')
    with op.batch_alter_table('meeting_series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_series_partnership_id'))

    op.drop_table('meeting_series')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_people_name'))

    op.drop_table('people')
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnerships_type'))
        batch_op.drop_index(batch_op.f('ix_partnerships_status'))
        batch_op.drop_index(batch_op.f('ix_partnerships_parent_id'))
        batch_op.drop_index(batch_op.f('ix_partnerships_name'))

    op.drop_table('partnerships')
    with op.batch_alter_table('organisation_areas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_areas_area_id'))

    op.drop_table('organisation_areas')
    with op.batch_alter_table('api_clients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_clients_organisation_id'))

    op.drop_table('api_clients')
    with op.batch_alter_table('used_assertions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_used_assertions_expires_at'))

    op.drop_table('used_assertions')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisations_name'))
        batch_op.drop_index(batch_op.f('ix_organisations_classification'))

    op.drop_table('organisations')
    op.drop_table('idempotency_keys')
    with op.batch_alter_table('history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_history_entity_id'))

    op.drop_table('history')
    op.drop_table('changes')
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_areas_parent_id'))
        batch_op.drop_index(batch_op.f('ix_areas_classification'))

    op.drop_table('areas')
