"""``Idempotency-Key`` under concurrency: the registry and the gateway under uvicorn with two
worker processes each (``live.py``), real sockets and truly parallel connections.

What must hold whatever the interleaving (``convenor_shared.idempotency``):

* one key, one effect: exactly one resource per key and, in the gateway, exactly one audit
  entry for it, however many copies of the request were sent and however they raced;
* a faithful replay: every answer for a key has the first answer's status, body (byte for
  byte), ``Location``, ``ETag`` and ``Content-Type``, and every answer but that first one says
  ``Idempotent-Replayed: true``;
* a copy that arrives while the first is still in flight is a 409 with ``Retry-After`` on
  PostgreSQL (a transaction-scoped advisory lock is *tried*), or waits its turn and replays on
  SQLite (writers are serialised): a client honouring ``Retry-After`` gets the replay;
* the key with another body is a 422 and changes nothing.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from convenor_registry.models import Partnership
from convenor_shared import testing
from convenor_shared.db import Database

from .live import LiveStack, Organisation

REPLAYED = "idempotent-replayed"
SAME = ("content-type", "location", "etag")  # and the status and the body
KEYS = 12  # distinct keys sent at once
COPIES = 6  # simultaneous copies of each key in the duplicate tests
RETRIES = 2  # sequential retries of each key afterwards
MAX_WAITS = 30  # 409s a client may meet for one request before the test gives up


@pytest.fixture(scope="module")
def live() -> Iterator[LiveStack]:
    with LiveStack(services=("registry", "gateway"), workers=2) as stack:
        yield stack


@dataclass
class Client:
    """An organisation's API client over real sockets, many connections at once."""

    org: Organisation
    http: httpx.AsyncClient


@pytest.fixture
async def requester(live: LiveStack) -> AsyncIterator[Client]:
    """A fresh organisation (so that what it has is exactly what a test made), with a client
    that may raise requests and read their audit entries."""
    org = live.organisation(
        f"OPCC {uuid.uuid4().hex[:6]}",
        "local_policing_body",
        ["gateway:request", "gateway:audit", "registry:read", "registry:write"],
    )
    async with httpx.AsyncClient(
        headers=org.headers(), timeout=30, limits=httpx.Limits(max_connections=100)
    ) as http:
        yield Client(org, http)


@pytest.fixture(scope="module")
def holder(live: LiveStack) -> Organisation:
    return live.organisation("Testshire Council", "local_authority", ["gateway:respond"])


def request_body(holder: Organisation, n: int) -> dict[str, Any]:
    return {
        "holder_organisation_id": holder.id,
        "purpose": "crime_and_disorder_reduction",
        "statutory_function": "Crime and disorder functions of the local policing body",
        "justification": f"Ward-level ASB trends, question {n}.",
        "necessity": "Aggregate counts are the least data that answers it.",
        "legal_gateways": ["cda-1998-s115"],
        "lawful_basis": {"article_6": "public_task"},
        "data_items": [{"name": "asb_incidents", "description": "Count", "category": "aggregate"}],
        "identifiability": "aggregate",
        "retention_days": 90,
    }


Send = Callable[[], Awaitable[httpx.Response]]


async def settled(send: Send) -> tuple[httpx.Response, int]:
    """The answer to ``send`` once it is no longer "in flight elsewhere": a 409 with
    ``Retry-After`` is retried after the time it asks for. Returns the answer and the number
    of 409s met on the way."""
    waits = 0
    response = await send()
    while response.status_code == 409 and "retry-after" in response.headers:
        assert response.headers["content-type"] == "application/problem+json"
        waits += 1
        assert waits <= MAX_WAITS, "still in flight after many retries"
        await asyncio.sleep(float(response.headers["retry-after"]))
        response = await send()
    return response, waits


def poster(http: httpx.AsyncClient, url: str, key: str, body: dict[str, Any]) -> Send:
    return lambda: http.post(url, json=body, headers={"Idempotency-Key": key})


def assert_one_answer(key: str, answers: list[httpx.Response], status: int = 201) -> str:
    """Every answer for ``key`` is the first one, replayed; returns the resource's id."""
    originals = [a for a in answers if a.headers.get(REPLAYED) != "true"]
    assert len(originals) == 1, f"{key}: {len(originals)} answers did the work"
    first = originals[0]
    assert first.status_code == status, (key, first.status_code, first.text[:300])
    for answer in answers:
        assert answer.status_code == first.status_code, key
        assert answer.content == first.content, key
        for name in SAME:
            assert answer.headers.get(name) == first.headers.get(name), (key, name)
    return str(first.json()["id"])


async def requests_of(client: Client, live: LiveStack) -> list[str]:
    """Ids of every request the client's organisation has raised."""
    ids: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"role": "requester", "limit": 200}
        if cursor:
            params["cursor"] = cursor
        page = await client.http.get(f"{live.urls['gateway']}/v1/requests", params=params)
        assert page.status_code == 200, page.text
        ids += [item["id"] for item in page.json()["items"]]
        cursor = page.json().get("next_cursor")
        if not cursor:
            return ids


async def audit_entries_by_request(client: Client, live: LiveStack) -> Counter[str]:
    """How many audit entries each of the organisation's requests has (none was read, so
    each should have exactly one: its creation)."""
    counts: Counter[str] = Counter()
    after: int | None = None
    while True:
        params: dict[str, Any] = {"limit": 1000} | ({"after": after} if after is not None else {})
        page = await client.http.get(f"{live.urls['gateway']}/v1/audit/entries", params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        counts.update(str(item["entry"]["request_id"]) for item in body["items"])
        if not body["has_more"]:
            return counts
        after = body["next_after"]


async def assert_exactly_once(client: Client, live: LiveStack, ids: set[str]) -> None:
    assert sorted(await requests_of(client, live)) == sorted(ids), "one request per key"
    entries = await audit_entries_by_request(client, live)
    assert dict(entries) == dict.fromkeys(ids, 1), "one audit entry per request"


class TestDistinctKeysInParallel:
    async def test_each_key_creates_once_and_every_retry_replays_the_first_answer(
        self, live: LiveStack, requester: Client, holder: Organisation
    ):
        url = f"{live.urls['gateway']}/v1/requests"
        keys = {f"parallel-{n}-{uuid.uuid4()}": request_body(holder, n) for n in range(KEYS)}
        sends = {k: poster(requester.http, url, k, body) for k, body in keys.items()}
        firsts = await asyncio.gather(*(settled(send) for send in sends.values()))
        answers = {k: [response] for k, (response, _) in zip(keys, firsts, strict=True)}
        assert all(a[0].headers.get(REPLAYED) is None for a in answers.values())
        for k, send in sends.items():  # a client retrying, one key after another
            for _ in range(RETRIES):
                retry, _ = await settled(send)
                assert retry.headers.get(REPLAYED) == "true"
                answers[k].append(retry)
        ids = {assert_one_answer(k, a) for k, a in answers.items()}
        assert len(ids) == KEYS
        await assert_exactly_once(requester, live, ids)


class TestSimultaneousDuplicates:
    async def test_copies_sent_at_once_make_one_request_one_entry_and_one_answer(
        self, live: LiveStack, requester: Client, holder: Organisation
    ):
        url = f"{live.urls['gateway']}/v1/requests"
        keys = {f"dup-{n}-{uuid.uuid4()}": request_body(holder, n) for n in range(KEYS // 2)}
        sends = [
            (k, poster(requester.http, url, k, body))
            for _ in range(COPIES)
            for k, body in keys.items()
        ]
        outcomes = await asyncio.gather(*(settled(send) for _, send in sends))
        in_flight = sum(waits for _, waits in outcomes)
        if testing.backend_name() == "sqlite":  # writers queue: a copy waits, then replays
            assert in_flight == 0, f"{in_flight} copies answered 409 on SQLite"
        answers: dict[str, list[httpx.Response]] = {k: [] for k in keys}
        for (k, _), (response, _) in zip(sends, outcomes, strict=True):
            answers[k].append(response)
        for k in keys:  # and a late retry of each, after all have settled
            answers[k].append((await settled(poster(requester.http, url, k, keys[k])))[0])
        ids = {assert_one_answer(k, a) for k, a in answers.items()}
        assert len(ids) == len(keys)
        await assert_exactly_once(requester, live, ids)

    async def test_the_key_with_another_body_is_422_even_when_they_race(
        self, live: LiveStack, requester: Client, holder: Organisation
    ):
        url = f"{live.urls['gateway']}/v1/requests"
        key = f"conflicting-{uuid.uuid4()}"
        one, other = request_body(holder, 1), request_body(holder, 2)
        raced = await asyncio.gather(
            *(settled(poster(requester.http, url, key, b)) for b in [one, other] * COPIES)
        )
        by_body: dict[int, list[httpx.Response]] = {0: [], 1: []}
        for n, (response, _) in enumerate(raced):
            by_body[n % 2].append(response)
        won = 0 if any(r.status_code == 201 for r in by_body[0]) else 1
        assert all(r.status_code == 201 for r in by_body[won])
        for refused in by_body[1 - won]:
            assert refused.status_code == 422, refused.text
            assert refused.headers["content-type"] == "application/problem+json"
            assert "Idempotency-Key" in refused.json()["detail"]
        request_id = assert_one_answer(key, by_body[won])
        again = await requester.http.post(
            url, json=[one, other][1 - won], headers={"Idempotency-Key": key}
        )
        assert again.status_code == 422
        await assert_exactly_once(requester, live, {request_id})

    async def test_a_key_belongs_to_its_client(
        self, live: LiveStack, requester: Client, holder: Organisation
    ):
        """Two organisations that happen to choose the same key each get their own request."""
        url = f"{live.urls['gateway']}/v1/requests"
        other = live.organisation(
            f"OPCC {uuid.uuid4().hex[:6]}", "local_policing_body", ["gateway:request"]
        )
        key, body = f"shared-{uuid.uuid4()}", request_body(holder, 7)
        async with httpx.AsyncClient(headers=other.headers(), timeout=30) as other_http:
            mine, theirs = await asyncio.gather(
                settled(poster(requester.http, url, key, body)),
                settled(poster(other_http, url, key, body)),
            )
        assert mine[0].status_code == theirs[0].status_code == 201
        assert mine[0].headers.get(REPLAYED) is None and theirs[0].headers.get(REPLAYED) is None
        assert mine[0].json()["id"] != theirs[0].json()["id"]
        await assert_exactly_once(requester, live, {mine[0].json()["id"]})


class TestRegistryCreate:
    async def test_copies_of_a_partnership_sent_at_once_make_one_partnership(
        self, live: LiveStack, requester: Client
    ):
        url = f"{live.urls['registry']}/v1/partnerships"
        keys = {
            f"board-{n}-{uuid.uuid4()}": {"name": f"Board {uuid.uuid4()}", "type": "csp"}
            for n in range(KEYS // 2)
        }
        sends = [
            (k, poster(requester.http, url, k, body))
            for _ in range(COPIES)
            for k, body in keys.items()
        ]
        outcomes = await asyncio.gather(*(settled(send) for _, send in sends))
        in_flight = sum(waits for _, waits in outcomes)
        if testing.backend_name() == "sqlite":  # writers queue: a copy waits, then replays
            assert in_flight == 0, f"{in_flight} copies answered 409 on SQLite"
        answers: dict[str, list[httpx.Response]] = {k: [] for k in keys}
        for (k, _), (response, _) in zip(sends, outcomes, strict=True):
            answers[k].append(response)
        for k, body in keys.items():
            for _ in range(RETRIES):
                answers[k].append((await settled(poster(requester.http, url, k, body)))[0])
        ids = {assert_one_answer(k, a) for k, a in answers.items()}
        assert len(ids) == len(keys)
        database = Database(live.databases["registry"])
        try:
            async with database.session() as session:
                names = [body["name"] for body in keys.values()]
                rows = await session.execute(
                    select(Partnership.name, func.count())
                    .where(Partnership.name.in_(names))
                    .group_by(Partnership.name)
                )
                stored = {name: count for name, count in rows}
        finally:
            await database.dispose()
        assert stored == dict.fromkeys(names, 1), "one partnership per key"
