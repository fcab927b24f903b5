"""One transaction per request, committed before the response is sent.

Every API router uses :class:`TransactionalRoute`. Its handler opens a session, runs FastAPI's
own handler (dependencies, endpoint, serialisation) and, if that produced a success, commits
(running the before-commit hooks) *before* returning the response. A failed commit becomes a
problem response; a client never sees 2xx for a write that did not land.

The same wrapper applies ``Idempotency-Key`` to POSTs (see :mod:`convenor_shared.idempotency`)
and insists on a JSON ``Content-Type`` for JSON bodies (415 otherwise). An endpoint marked with
:func:`group_commit` shares its transaction with concurrent requests to it on PostgreSQL (see
:mod:`convenor_shared.group_commit`).
"""

from __future__ import annotations

import email.message
from collections.abc import Callable, Coroutine
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request, Response
from fastapi.params import File, Form
from fastapi.routing import APIRoute
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_shared import idempotency
from convenor_shared.group_commit import GroupCommit, LeaveBatch
from convenor_shared.problems import Problem, UnsupportedMediaType
from convenor_shared.transactions import commit, rollback

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SESSION_KEY = "convenor.session"
READ_METHODS = frozenset({"GET", "HEAD"})
_GROUPED = "__convenor_group_commit__"
E = TypeVar("E", bound=Callable[..., Any])


def group_commit(endpoint: E) -> E:
    """Mark a write endpoint whose concurrent requests may share one transaction (see
    :mod:`convenor_shared.group_commit` for what its handler must keep to)."""
    setattr(endpoint, _GROUPED, True)
    return endpoint


def _is_json(content_type: str) -> bool:
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


class TransactionalRoute(APIRoute):
    """An ``APIRoute`` whose requests run in one committed-before-response transaction."""

    def get_route_handler(self) -> Handler:
        original = super().get_route_handler()
        expects_json = self.body_field is not None and not _is_form_route(self)
        policy = idempotency.policy_for(self)
        grouped = getattr(self.endpoint, _GROUPED, False)

        async def handler(request: Request) -> Response:
            if expects_json and request.method in WRITE_METHODS:
                # The whole (size-limited) body first: a client sending it slowly must not
                # hold a transaction, or on SQLite the write lock, while it trickles in.
                body = await request.body()
                content_type = request.headers.get("content-type", "")
                if (content_type or body) and not _is_json(content_type):
                    raise UnsupportedMediaType("Send the body as application/json.")
            pending = None
            if policy is not None and request.method == "POST":
                pending = await idempotency.prepare(request, policy)
            batches: GroupCommit | None = getattr(request.app.state, "group_commit", None)
            # Only with a key: a member run again after a commit whose outcome was lost (the
            # connection dropped during COMMIT) then replays what landed instead of repeating it.
            if grouped and batches is not None and pending is not None:
                response = await batches.run(_member(request, original, pending))
                if response is not None:
                    return response
            return await _transact(request, original, pending)

        return handler


def _is_form_route(route: APIRoute) -> bool:
    return any(isinstance(p.field_info, File | Form) for p in route.dependant.body_params)


async def _transact(
    request: Request, original: Handler, pending: idempotency.Pending | None
) -> Response:
    database = request.app.state.database
    read_only = request.method in READ_METHODS and request.app.state.autocommit_reads
    async with database.read_session() if read_only else database.session() as session:
        request.scope[SESSION_KEY] = session
        if request.method in WRITE_METHODS and database.dialect == "sqlite":
            # Take SQLite's write lock at the start: a deferred transaction that reads and
            # then writes can fail at once with "database is locked" under concurrency.
            await session.connection(execution_options={"sqlite_immediate": True})
        try:
            if pending is not None:
                replay = await idempotency.replay_if_done(session, pending)
                if replay is not None:
                    await rollback(session)
                    return replay
            response = await original(request)
            if read_only:
                pass  # nothing to commit: each statement ran on its own
            elif response.status_code < 400 and session.in_transaction():
                if pending is not None:
                    await idempotency.record(session, pending, response)
                await commit(session)
            else:
                await rollback(session)
        except IntegrityError as exc:
            await rollback(session)
            if pending is not None and idempotency.is_key_conflict(exc):
                return await idempotency.replay_after_race(database, pending)
            raise
        except BaseException:
            await rollback(session)
            raise
        return response


class _NotASuccess(Exception):
    """A member's handler answered with an error: the batch runs again without batching."""


def _member(
    request: Request, original: Handler, pending: idempotency.Pending | None
) -> Callable[[AsyncSession], Coroutine[Any, Any, Response]]:
    """One request's turn in a group-commit batch: what :func:`_transact` does, without the
    commit (the batch commits for all its members)."""

    async def work(session: AsyncSession) -> Response:
        request.scope[SESSION_KEY] = session
        if pending is not None:
            try:
                replay = await idempotency.replay_if_done(session, pending)
            except Problem as exc:  # the key is busy or misused: nothing was written
                raise LeaveBatch(exc) from exc
            if replay is not None:
                return replay
        response = await original(request)
        if response.status_code >= 400:
            raise _NotASuccess(response.status_code)
        if pending is not None:
            await idempotency.record(session, pending, response)
        return response

    return work


async def get_session(request: Request) -> AsyncSession:
    """The request's session (opened by :class:`TransactionalRoute`)."""
    session = request.scope.get(SESSION_KEY)
    if not isinstance(session, AsyncSession):
        raise RuntimeError("no session: the route must use TransactionalRoute")
    return session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
