"""Helpers for benchmarks: start a service under uvicorn in a subprocess, drive it with wrk.

Benchmarks measure a baseline in the same run and print ratios, because these machines are
shared and noisy: absolute figures move from run to run, ratios much less.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status < 500:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


@contextlib.contextmanager
def uvicorn(
    app: str,
    env: dict[str, str] | None = None,
    *,
    factory: bool = True,
    ready_path: str = "/healthz",
) -> Iterator[str]:
    """Run ``app`` (``module:attr``) on one uvicorn worker; yield its base URL."""
    port = free_port()
    args = [
        PYTHON,
        "-m",
        "uvicorn",
        app,
        "--port",
        str(port),
        "--workers",
        "1",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    if factory:
        args.append("--factory")
    process = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + ready_path)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def wrk(url: str, *, seconds: int = 8, connections: int = 16, headers: Sequence[str] = ()) -> float:
    """Requests per second that wrk achieves against ``url`` (one thread)."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed for this benchmark (apt-get install wrk)")
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header in headers:
        args += ["-H", header]
    output = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{output}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not match:
        raise RuntimeError(output)
    return float(match.group(1))


def median(values: Sequence[float]) -> float:
    return statistics.median(values)
