from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from convenor_shared import testing

from .owasp_world import world  # noqa: F401 (the OWASP tests' world, a fixture)
from .pgcluster import PrivateCluster
from .stack import Stack


def pytest_report_header() -> str:
    return f"convenor cross-service tests on {testing.backend_name()}"


@pytest.fixture(scope="session")
def private_cluster() -> Iterator[PrivateCluster]:
    cluster = PrivateCluster()
    cluster.init()
    cluster.start()
    cluster.wait_ready()
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="session")
async def stack() -> AsyncIterator[Stack]:
    """The three real services wired together (each on a fresh database)."""
    wired = Stack()
    await wired.start()
    yield wired
    await wired.close()
