from __future__ import annotations

import uuid

from sqlalchemy import Select, select

from convenor_registry.models import Review


def of_partnership(partnership_id: uuid.UUID) -> Select[Review]:
    return (
        select(Review)
        .where(Review.partnership_id == partnership_id, Review.deleted_at.is_(None))
        .order_by(Review.review_date.desc(), Review.id)
    )
