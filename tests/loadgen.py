"""A steady closed-loop load for fault tests: workers send requests back to back and record
what each got, when, and how long it took."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx


@dataclass
class Outcome:
    started: float
    elapsed: float
    status: int  # 0 when the client gave up (timeout) or the transport failed
    key: str
    body: dict[str, object] | None
    retry_after: str | None


@dataclass
class Load:
    send: Callable[[str], Awaitable[httpx.Response]]
    workers: int = 4
    timeout: float = 20.0
    outcomes: list[Outcome] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _counter: int = 0

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._worker(n)) for n in range(self.workers)]

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)

    async def _worker(self, number: int) -> None:
        while not self._stop.is_set():
            self._counter += 1
            key = f"w{number}-{self._counter}"
            started = time.monotonic()
            try:
                response = await asyncio.wait_for(self.send(key), self.timeout)
                body = response.json() if response.content else None
                outcome = Outcome(
                    started,
                    time.monotonic() - started,
                    response.status_code,
                    key,
                    body,
                    response.headers.get("retry-after"),
                )
            except (TimeoutError, httpx.HTTPError):
                outcome = Outcome(started, time.monotonic() - started, 0, key, None, None)
            except Exception as exc:  # the app itself raised: a 500 in front of a real server
                outcome = Outcome(
                    started, time.monotonic() - started, -1, key, {"exception": repr(exc)}, None
                )
            self.outcomes.append(outcome)
            if outcome.status != 201:
                await asyncio.sleep(0.05)

    def successes_after(self, moment: float) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == 201 and o.started >= moment]
