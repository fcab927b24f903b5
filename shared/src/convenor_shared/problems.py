"""RFC 9457 problem details: the one way every Convenor service reports an error.

Services raise typed exceptions; the handlers installed by :func:`install_problem_handlers`
render them as ``application/problem+json``. The hierarchy::

    Problem                      (any status; carries slug, title, detail, extensions, headers)
    ├── BadRequest               400
    ├── Unauthorized             401  (adds WWW-Authenticate)
    ├── Forbidden                403
    ├── NotFound                 404
    ├── Conflict                 409
    ├── Gone                     410
    ├── PreconditionFailed       412
    ├── PayloadTooLarge          413
    ├── UnsupportedMediaType     415
    ├── Unprocessable            422
    │   └── RuleBroken           422  (a rule of the domain, beyond what the schema states)
    ├── PreconditionRequired     428
    ├── TooManyRequests          429  (adds Retry-After)
    ├── BadGateway               502
    ├── ServiceUnavailable       503  (adds Retry-After)
    └── GatewayTimeout           504

A subclass names its own ``slug`` (``type`` is ``/problems/<slug>``) and its docstring becomes the
explanation served at that URI, so a client that meets an error can follow its ``type`` and read
what it means.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("convenor.problems")

_REGISTRY: dict[str, type[Problem]] = {}


class Problem(Exception):
    """An error that a client caused or can act on."""

    status: int = 500
    slug: str = "internal-error"
    title: str = "Internal error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        extensions: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        if status is not None:
            self.status = status
        self.detail = detail or self.title
        self.extensions = dict(extensions or {})
        self.headers = dict(headers or {})

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "slug" in cls.__dict__:
            _REGISTRY[cls.slug] = cls

    def to_dict(self, instance: str | None = None) -> dict[str, Any]:
        # Extensions first: none may overwrite a standard member (RFC 9457 section 3.2).
        body: dict[str, Any] = dict(self.extensions)
        body.update(
            type=f"/problems/{self.slug}", title=self.title, status=self.status, detail=self.detail
        )
        if instance:
            body["instance"] = instance
        return body


class BadRequest(Problem):
    """The request could not be understood as sent."""

    status, slug, title = 400, "bad-request", "Bad request"


class Unauthorized(Problem):
    """The request carries no valid bearer token. Obtain one from the issuer's token endpoint
    with the client credentials grant and send it as ``Authorization: Bearer <token>``."""

    status, slug, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str | None = None, *, error: str = "invalid_token") -> None:
        challenge = f'Bearer error="{error}"'
        if detail:
            challenge += f', error_description="{detail.replace(chr(34), chr(39))}"'
        super().__init__(detail, headers={"WWW-Authenticate": challenge})


class Forbidden(Problem):
    """The caller is authenticated but its token lacks the scope this operation needs."""

    status, slug, title = 403, "forbidden", "Forbidden"


class InsufficientScope(Forbidden):
    """The token's ``scope`` claim does not include the scope the operation requires. Ask the
    registry administrator to grant the scope to the client, then request a new token."""

    slug, title = "insufficient-scope", "Insufficient scope"


class NotFound(Problem):
    """There is no such resource, or it is not one the caller may see."""

    status, slug, title = 404, "not-found", "Not found"


class MethodNotAllowed(Problem):
    """The resource exists but does not accept this HTTP method."""

    status, slug, title = 405, "method-not-allowed", "Method not allowed"


class Conflict(Problem):
    """The request conflicts with the current state of the resource."""

    status, slug, title = 409, "conflict", "Conflict"


class Gone(Problem):
    """The resource existed and has been removed for good."""

    status, slug, title = 410, "gone", "Gone"


class PreconditionFailed(Problem):
    """The ``If-Match`` header does not match the resource's current ``ETag``: someone changed
    it since you read it. Read it again, re-apply your change and retry with the new ETag."""

    status, slug, title = 412, "precondition-failed", "Precondition failed"


class PayloadTooLarge(Problem):
    """The request body is larger than this service accepts."""

    status, slug, title = 413, "payload-too-large", "Payload too large"


class UnsupportedMediaType(Problem):
    """The request body's ``Content-Type`` is not one this operation accepts."""

    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


class Unprocessable(Problem):
    """The request is well formed but its content breaks a rule; ``errors`` says where."""

    status, slug, title = 422, "validation-error", "Validation error"


class RuleBroken(Unprocessable):
    """The request matches the API's schema but breaks a rule of the domain that a schema
    cannot state: one that relates two values (an end before its start), or the request to the
    records already held (a decision of another meeting, an organisation the registry does not
    know). ``detail`` names the rule; nothing was changed. Services subclass it for rules with
    a type of their own."""

    slug, title = "rule-broken", "Rule broken"


class PreconditionRequired(Problem):
    """This operation needs a header that was not sent (``If-Match`` or ``Idempotency-Key``)."""

    status, slug, title = 428, "precondition-required", "Precondition required"


class TooManyRequests(Problem):
    """The client sent more requests than its rate limit allows. Wait for ``Retry-After``."""

    status, slug, title = 429, "rate-limited", "Too many requests"

    def __init__(self, detail: str | None = None, *, retry_after: int = 1) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


class BadGateway(Problem):
    """Another Convenor service (or the token issuer) answered with something unusable."""

    status, slug, title = 502, "bad-gateway", "Bad gateway"


class ServiceUnavailable(Problem):
    """The service cannot reach its database or another dependency just now. Nothing was
    changed; retry after ``Retry-After`` seconds."""

    status, slug, title = 503, "service-unavailable", "Service unavailable"

    def __init__(self, detail: str | None = None, *, retry_after: int = 2) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


class GatewayTimeout(Problem):
    """Another Convenor service did not answer in time."""

    status, slug, title = 504, "gateway-timeout", "Gateway timeout"


class InternalError(Problem):
    """Something failed inside the service. It has been logged with the request id; quote the
    ``X-Request-ID`` response header when reporting it."""

    slug = "internal-error"


def problem_response(problem: Problem, request: Request | None = None) -> JSONResponse:
    """Render ``problem`` as an ``application/problem+json`` response."""
    instance = request.url.path if request is not None else None
    return JSONResponse(
        problem.to_dict(instance),
        status_code=problem.status,
        headers=problem.headers,
        media_type=PROBLEM_JSON,
    )


def validation_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Turn pydantic errors into ``[{"loc", "msg", "type"}]`` without echoing input values."""
    return [
        {
            "loc": [str(part) for part in err.get("loc", ())],
            "msg": str(err.get("msg", "")),
            "type": str(err.get("type", "")),
        }
        for err in errors
    ]


# SQLSTATE classes and codes that mean "the database cannot serve you now; try again":
# connection exceptions (08), insufficient resources (53: too many connections), operator
# intervention (57: shutdown, crash recovery, "not yet accepting connections"), and the
# retryable transaction rollbacks (40001 serialisation failure, 40P01 deadlock).
_UNAVAILABLE_SQLSTATE_PREFIXES = ("08", "53", "57")
_RETRYABLE_SQLSTATES = ("40001", "40P01")


def _sqlstate(exc: BaseException) -> str | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for attribute in ("sqlstate", "pgcode"):
            value = getattr(current, attribute, None)
            if isinstance(value, str) and value:
                return value
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return None


def is_database_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` means the database could not serve the request just now."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, sa_exc.TimeoutError):  # pool exhausted
        return True
    state = _sqlstate(exc)
    if state is not None:
        return state.startswith(_UNAVAILABLE_SQLSTATE_PREFIXES) or state in _RETRYABLE_SQLSTATES
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError):
        return True
    return isinstance(exc, ConnectionError | OSError | TimeoutError)


def install_problem_handlers(app: FastAPI) -> None:
    """Render every error as problem+json and serve ``/problems/{slug}`` explanations."""

    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem_response(exc, request)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = validation_errors(exc.errors())
        return problem_response(
            Unprocessable("The request did not validate.", extensions={"errors": errors}), request
        )

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        problem: Problem
        if exc.status_code == 404:
            problem = NotFound("No such path.")
        elif exc.status_code == 405:
            problem = MethodNotAllowed(headers={"Allow": allowed_methods(request)})
        elif exc.status_code == 413:
            problem = PayloadTooLarge(str(exc.detail))
        elif exc.status_code == 415:
            problem = UnsupportedMediaType(str(exc.detail))
        elif exc.status_code == 400:
            problem = BadRequest(str(exc.detail))
        else:
            problem = Problem(str(exc.detail), status=exc.status_code, headers=exc.headers)
        return problem_response(problem, request)

    async def on_database(request: Request, exc: Exception) -> JSONResponse:
        if is_database_unavailable(exc):
            log.warning("database unavailable: %s", type(exc).__name__)
            return problem_response(ServiceUnavailable("The database is unavailable."), request)
        if isinstance(exc, sa_exc.IntegrityError):
            return problem_response(Conflict("The change conflicts with existing data."), request)
        log.exception("database error")
        return problem_response(InternalError(), request)

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        if is_database_unavailable(exc):
            return problem_response(ServiceUnavailable("The database is unavailable."), request)
        log.exception("unhandled error", exc_info=exc)
        return problem_response(InternalError(), request)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(sa_exc.SQLAlchemyError, on_database)
    # A dropped database connection can surface as a bare OSError from the driver (closing a
    # dead connection, say). Registered by class, these are handled like any problem; the
    # catch-all below is Starlette's server-error path, which also re-raises.
    for unavailable in (ConnectionError, OSError, TimeoutError):
        app.add_exception_handler(unavailable, on_unexpected)

    async def on_disconnect(request: Request, exc: Exception) -> JSONResponse:
        # The client went away while sending its body: nothing to log, nobody to answer.
        return problem_response(BadRequest("The client disconnected."), request)

    app.add_exception_handler(ClientDisconnect, on_disconnect)
    app.add_exception_handler(Exception, on_unexpected)

    @app.get("/problems/{slug}", include_in_schema=False, response_class=HTMLResponse)
    async def explain_problem(slug: str) -> HTMLResponse:
        cls = _REGISTRY.get(slug)
        if cls is None:
            raise NotFound("No problem type of that name.")
        text = " ".join((cls.__doc__ or cls.title).split())
        page = (
            f"<!doctype html><title>{html.escape(cls.title)}</title>"
            f"<h1>{html.escape(cls.title)} ({cls.status})</h1><p>{html.escape(text)}</p>"
        )
        return HTMLResponse(page)


def allowed_methods(request: Request) -> str:
    """Every method the requested path supports, for a 405's ``Allow`` header.

    Routing stops at the first route whose path matches, which knows only its own method, so
    the whole set is read off the OpenAPI paths (templates turned into patterns, once).
    """
    app = request.app
    patterns: list[tuple[re.Pattern[str], frozenset[str]]] | None = getattr(
        app.state, "allow_patterns", None
    )
    if patterns is None:
        patterns = []
        for template, operations in app.openapi().get("paths", {}).items():
            regex = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
            methods = frozenset(m.upper() for m in operations if m != "parameters")
            patterns.append((re.compile(f"^{regex}$"), methods))
        app.state.allow_patterns = patterns
    path = request.url.path
    allowed = set().union(*(methods for pattern, methods in patterns if pattern.match(path)))
    return ", ".join(sorted(allowed))


def problem_types() -> Mapping[str, type[Problem]]:
    """Every registered problem type by slug (documentation and tests read this)."""
    return dict(_REGISTRY)


# Documented on every operation so generated clients know the error shape.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for status, description in {
        400: "Bad request",
        401: "Missing or invalid bearer token",
        403: "Token lacks the required scope",
        404: "Not found, or not visible to the caller",
        409: "Conflict with the current state",
        412: "If-Match does not match the current ETag",
        413: "Body too large",
        415: "Unsupported content type",
        422: "Validation error",
        429: "Rate limited",
        503: "Database unavailable; retry",
    }.items()
}
