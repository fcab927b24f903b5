"""On the demo landscape, the landscape review report names what the demo contains: the
duplicated boards, the overdue reviews and the unanswered data requests; and the HTML report
renders in a headless browser (a screenshot is taken)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from convenor_registry.demo import gateway_requests
from convenor_registry.demo import service as demo_service
from convenor_shared.db import Database, utcnow
from convenor_shared.transactions import commit

from .stack import ADMIN, ANALYTICS, GATEWAY, REGISTRY, Stack

CHROMIUM = (
    shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
)


@pytest.fixture(scope="module")
async def demo() -> AsyncIterator[dict[str, str]]:
    """A stack of its own (the demo fills whole force areas), with the demo loaded and synced."""
    stack = Stack()
    await stack.start()
    try:
        database = Database(stack.urls["registry"])
        async with database.session() as session:
            await demo_service.load(session)
            await commit(session)
        async with database.session() as session:
            clients = await gateway_requests.make_clients(session)
            await commit(session)
        await database.dispose()
        made = await gateway_requests.create(
            stack.client(), REGISTRY, GATEWAY, clients, utcnow().date()
        )
        assert made["requests"] == 6, made
        admin = stack.client(await stack.token(*ADMIN))
        assert (await admin.post(f"{ANALYTICS}/v1/sync")).json()["status"] == "ok"
        reports = {}
        for area, form in (("E23000004", "md"), ("E23000031", "md"), ("E23000004", "html")):
            response = await admin.get(
                f"{ANALYTICS}/v1/reports/landscape-review", params={"area": area, "format": form}
            )
            assert response.status_code == 200, response.text
            reports[f"{area}.{form}"] = response.text
        yield reports
    finally:
        await stack.close()


class TestTheReviewReportOnTheDemo:
    def test_it_names_the_duplicated_boards_as_a_merge_candidate(self, demo: dict[str, str]):
        merseyside = demo["E23000004.md"]
        assert (
            "| Merseyside VAWG Strategic Group / Merseyside Domestic Abuse Partnership Board |"
            in merseyside
        )
        assert (
            "Consider merging Merseyside VAWG Strategic Group and "
            "Merseyside Domestic Abuse Partnership Board" in merseyside
        )
        # Money is shown to the penny, never as a long decimal.
        assert not re.search(r"£\d+\.\d{3,}", merseyside)

    def test_it_names_the_overdue_reviews(self, demo: dict[str, str]):
        merseyside = demo["E23000004.md"]
        assert "| Knowsley Community Safety Partnership | red | 2017-05-10 |" in merseyside
        assert "Review Merseyside Criminal Justice Board (never reviewed)" in merseyside
        surrey = demo["E23000031.md"]
        assert len(re.findall(r"\| red \| 2016-", surrey)) >= 4  # the CSPs last reviewed in 2016

    def test_it_names_the_unanswered_data_requests(self, demo: dict[str, str]):
        merseyside = demo["E23000004.md"]
        unanswered = merseyside.split("Unanswered requests:", 1)[1].split("##", 1)[0]
        assert (
            "| Liverpool City Council | Police and Crime Commissioner for Merseyside |"
            in unanswered
        )
        assert "| Sefton Council | Police and Crime Commissioner for Merseyside |" in unanswered

    def test_the_html_report_renders_in_a_headless_browser(
        self, demo: dict[str, str], tmp_path: Path
    ):
        assert CHROMIUM, "a Chromium is needed (.ci/run installs Debian's chromium)"
        page = tmp_path / "review.html"
        page.write_text(demo["E23000004.html"])
        screenshot = tmp_path / "review.png"
        flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
        ]
        shot = subprocess.run(
            [
                CHROMIUM,
                *flags,
                "--window-size=1280,2400",
                f"--screenshot={screenshot}",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert screenshot.exists() and screenshot.stat().st_size > 20_000, shot.stderr[-2000:]
        assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "CONSOLE" not in shot.stderr and "Uncaught" not in shot.stderr
        dom = subprocess.run(
            [CHROMIUM, *flags, "--dump-dom", page.as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        ).stdout
        assert "Landscape review" in dom and dom.count("<svg") >= 1
        assert not re.search(r"£\d+\.\d{3,}", dom)  # money to the penny
