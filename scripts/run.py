"""Start Convenor on one machine: migrate each service, load reference data, run the services.

``python scripts/run.py run`` (what ``make run`` calls) or ``demo`` (also loads the demo
landscape) or ``migrate``. Services whose packages are not installed are skipped.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SERVICES = [
    ("registry", "convenor-registry", 8001, "convenor_registry"),
    ("gateway", "convenor-gateway", 8002, "convenor_gateway"),
    ("analytics", "convenor-analytics", 8003, "convenor_analytics"),
]


def available() -> list[tuple[str, str, int]]:
    """The services installed here (a package with a command line)."""
    found = []
    for name, script, port, package in SERVICES:
        try:
            has_cli = importlib.util.find_spec(f"{package}.cli") is not None
        except ModuleNotFoundError:
            has_cli = False
        if has_cli and ((BIN / script).exists() or shutil.which(script)):
            found.append((name, script, port))
    return found


def command(script: str) -> str:
    candidate = BIN / script
    return str(candidate) if candidate.exists() else script


def migrate() -> None:
    for name, script, _ in available():
        print(f"migrating {name} ...", flush=True)
        subprocess.run([command(script), "migrate"], check=True, cwd=ROOT)


def wait_ready(port: int, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def serve(demo: bool) -> int:
    (ROOT / "var").mkdir(exist_ok=True)
    migrate()
    env = dict(os.environ)
    env.setdefault("CONVENOR_BOOTSTRAP_CLIENT_ID", "convenor-admin")
    env.setdefault("CONVENOR_BOOTSTRAP_CLIENT_SECRET", "convenor-admin-development-secret")
    for prefix in ("REGISTRY", "GATEWAY", "ANALYTICS"):  # readable lines on a console
        env.setdefault(f"{prefix}_LOG_JSON", "false")
    processes = []
    for _name, script, port in available():
        processes.append(
            subprocess.Popen([command(script), "serve", "--port", str(port)], cwd=ROOT, env=env)
        )
    try:
        for name, _, port in available():
            if not wait_ready(port):
                print(f"{name} did not become ready on port {port}", file=sys.stderr)
                return 1
        if demo:
            subprocess.run(
                [command("convenor-registry"), "demo", "load"], check=True, cwd=ROOT, env=env
            )
        client_id = env["CONVENOR_BOOTSTRAP_CLIENT_ID"]
        print("\nConvenor is running:")
        for name, _, port in available():
            print(f"  {name:10} http://127.0.0.1:{port}   API docs: http://127.0.0.1:{port}/docs")
        print("\nGet an admin token (development bootstrap client):")
        print(f"  curl -s -u {client_id}:$CONVENOR_BOOTSTRAP_CLIENT_SECRET \\")
        print("       -d grant_type=client_credentials http://127.0.0.1:8001/oauth/token")
        print(f"  (the development secret is {env['CONVENOR_BOOTSTRAP_CLIENT_SECRET']})")
        print("\nCtrl-C stops everything.", flush=True)
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def main() -> int:
    action = sys.argv[1] if len(sys.argv) > 1 else "run"
    if action == "migrate":
        migrate()
        return 0
    return serve(demo=action == "demo")


if __name__ == "__main__":
    raise SystemExit(main())
