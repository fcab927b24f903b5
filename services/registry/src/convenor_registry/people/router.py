from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Query, Request, Response

from convenor_registry.deps import Reader, Writer, api_router
from convenor_registry.people import service as people_service
from convenor_registry.people.schemas import (
    PersonCreate,
    PersonRead,
    PersonUpdate,
    PersonWithContact,
)
from convenor_shared.concurrency import check_if_match, etag_of, set_etag
from convenor_shared.pagination import Page, PageDep
from convenor_shared.routing import SessionDep

router = api_router("/v1/people", "people")


@router.get("", operation_id="people_list")
async def list_people(
    session: SessionDep,
    caller: Reader,
    page: PageDep,
    organisation_id: uuid.UUID | None = None,
    name: Annotated[str | None, Query(max_length=100, description="Part of the name")] = None,
) -> Page[PersonWithContact | PersonRead]:
    """People; contact details appear only for callers with ``registry:write``."""
    rows, cursor = await people_service.list_people(
        session, page, organisation_id=organisation_id, name=name
    )
    return Page(items=[people_service.present(r, caller) for r in rows], next_cursor=cursor)


@router.post("", status_code=201, operation_id="people_create")
async def create_person(
    body: PersonCreate, session: SessionDep, caller: Writer, response: Response
) -> PersonWithContact:
    person = await people_service.create(session, body, caller)
    set_etag(response, etag_of(person.version, person.id))
    return PersonWithContact.model_validate(person)


@router.get("/{person_id}", operation_id="people_get")
async def get_person(
    person_id: uuid.UUID, session: SessionDep, caller: Reader, response: Response
) -> PersonWithContact | PersonRead:
    person = await people_service.get(session, person_id)
    set_etag(response, etag_of(person.version, person.id))
    return people_service.present(person, caller)


@router.patch("/{person_id}", operation_id="people_update")
async def update_person(
    person_id: uuid.UUID,
    body: PersonUpdate,
    session: SessionDep,
    caller: Writer,
    request: Request,
    response: Response,
) -> PersonWithContact:
    person = await people_service.get(session, person_id)
    check_if_match(request, etag_of(person.version, person.id))
    person = await people_service.update(session, person, body, caller)
    set_etag(response, etag_of(person.version, person.id))
    return PersonWithContact.model_validate(person)


@router.delete("/{person_id}", status_code=204, operation_id="people_delete")
async def delete_person(
    person_id: uuid.UUID, session: SessionDep, caller: Writer, request: Request
) -> Response:
    person = await people_service.get(session, person_id)
    check_if_match(request, etag_of(person.version, person.id))
    await people_service.delete(session, person, caller)
    return Response(status_code=204)
