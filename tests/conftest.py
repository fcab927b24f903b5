from __future__ import annotations

from collections.abc import Iterator

import pytest

from convenor_shared import testing

from .pgcluster import PrivateCluster


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
