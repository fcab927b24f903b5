"""Reviews of partnerships (Rec 4): retain, refocus, merge into another, or discontinue.

Recording a review moves the partnership on: its last-reviewed date, and for the outcomes
that end it, its status (discontinued, or merging with a dated merged_into relation).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry import records
from convenor_registry.models import Partnership, Review
from convenor_registry.partnerships import service as partnerships_service
from convenor_registry.partnerships.schemas import RelationCreate
from convenor_registry.permissions import ensure_can_manage
from convenor_registry.reviews import repository
from convenor_registry.reviews.schemas import ReviewCreate, ReviewRead
from convenor_shared.auth import Caller
from convenor_shared.problems import Conflict, NotFound


class ReviewNotFound(NotFound):
    """There is no review with that id."""

    slug = "review-not-found"


async def _serialise(session: AsyncSession, review: Review) -> dict[str, Any]:
    return ReviewRead.model_validate(review).model_dump(mode="json")


ENTITY = records.Entity("review", Review, ReviewNotFound, _serialise)


async def get(session: AsyncSession, review_id: uuid.UUID) -> Review:
    return await records.get(session, ENTITY, review_id)


async def list_for(session: AsyncSession, partnership: Partnership) -> list[Review]:
    return list((await session.execute(repository.of_partnership(partnership.id))).scalars())


async def create(
    session: AsyncSession, partnership: Partnership, body: ReviewCreate, by: Caller
) -> Review:
    ensure_can_manage(by, partnership)
    if body.merge_into_id is not None:
        if body.merge_into_id == partnership.id:
            raise Conflict("A partnership cannot merge into itself.")
        await partnerships_service.get(session, body.merge_into_id)
    review = await records.add(
        session, ENTITY, body.model_dump() | {"partnership_id": partnership.id}, by
    )
    changes: dict[str, Any] = {}
    if partnership.last_reviewed_date is None or body.review_date > partnership.last_reviewed_date:
        changes["last_reviewed_date"] = body.review_date
    if body.outcome == "discontinue":
        changes |= {
            "status": "discontinued",
            "ended_date": partnership.ended_date or body.review_date,
        }
    elif body.outcome == "merge_into":
        changes["status"] = "merging"
    elif partnership.status == "under_review":
        changes["status"] = "active"
    await records.change(session, partnerships_service.ENTITY, partnership, changes, by)
    if body.merge_into_id is not None:
        relation = RelationCreate(
            type="merged_into",
            related_partnership_id=body.merge_into_id,
            start_date=body.review_date,
        )
        await partnerships_service.add_relation(session, partnership, relation, by)
    return review
