"""Generating the Python clients of the three services from their OpenAPI documents."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fastapi import FastAPI

BIN = Path(sys.executable).parent
CONFIG = "post_hooks: []\n"  # no formatter run: what is generated is what is tested


def generate(name: str, app: FastAPI, into: Path) -> tuple[Path, str]:
    """Generate ``convenor_<name>_client`` into ``into``; return its folder and the log."""
    spec = into / f"{name}-openapi.json"
    spec.write_text(json.dumps(app.openapi()))
    config = into / "openapi-python-client.yaml"
    config.write_text(CONFIG)
    package = into / f"convenor_{name}_client"
    result = subprocess.run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(spec),
            "--meta",
            "none",
            "--output-path",
            str(package),
            "--config",
            str(config),
            "--overwrite",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"generating the {name} client failed:\n{result.stdout}\n{result.stderr}"
        )
    return package, result.stdout + result.stderr
