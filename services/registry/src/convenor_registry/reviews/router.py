from __future__ import annotations

import uuid

from convenor_registry.deps import Reader, Writer, api_router
from convenor_registry.partnerships import service as partnerships_service
from convenor_registry.reviews import service as reviews_service
from convenor_registry.reviews.schemas import ReviewCreate, ReviewRead
from convenor_shared.routing import SessionDep

router = api_router("/v1", "reviews")


@router.get("/partnerships/{partnership_id}/reviews", operation_id="reviews_list")
async def list_reviews(
    partnership_id: uuid.UUID, session: SessionDep, caller: Reader
) -> list[ReviewRead]:
    """The partnership's reviews, newest first."""
    partnership = await partnerships_service.get(session, partnership_id)
    return [
        ReviewRead.model_validate(r) for r in await reviews_service.list_for(session, partnership)
    ]


@router.post(
    "/partnerships/{partnership_id}/reviews", status_code=201, operation_id="reviews_create"
)
async def create_review(
    partnership_id: uuid.UUID, body: ReviewCreate, session: SessionDep, caller: Writer
) -> ReviewRead:
    """Record a review; the partnership's last-reviewed date and status follow its outcome."""
    partnership = await partnerships_service.get(session, partnership_id)
    return ReviewRead.model_validate(
        await reviews_service.create(session, partnership, body, caller)
    )


@router.get("/reviews/{review_id}", operation_id="reviews_get")
async def get_review(review_id: uuid.UUID, session: SessionDep, caller: Reader) -> ReviewRead:
    return ReviewRead.model_validate(await reviews_service.get(session, review_id))
