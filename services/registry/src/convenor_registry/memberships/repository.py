from __future__ import annotations

import uuid

from sqlalchemy import Select, select

from convenor_registry.models import Membership


def of_partnership(partnership_id: uuid.UUID) -> Select[Membership]:
    return (
        select(Membership)
        .where(Membership.partnership_id == partnership_id, Membership.deleted_at.is_(None))
        .order_by(Membership.id)
    )


def of_person(person_id: uuid.UUID) -> Select[Membership]:
    return (
        select(Membership)
        .where(Membership.person_id == person_id, Membership.deleted_at.is_(None))
        .order_by(Membership.id)
    )
