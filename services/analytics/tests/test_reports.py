"""Scorecards and the landscape review report (Markdown and HTML)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from . import landscapes
from .conftest import Analytics
from .landscapes import WINDOW, Shire


@pytest.fixture(scope="module")
async def reviewshire(analytics: Analytics) -> Shire:
    land = landscapes.build(analytics.world, "Reviewshire <script>alert(1)</script>")
    assert (await analytics.sync()).status_code == 200
    return land


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.sources += [v or "" for k, v in attrs if k in ("src", "href")]


class TestTheLandscapeReview:
    async def test_the_markdown_names_duplicates_overdue_reviews_and_unanswered_requests(
        self, analytics: Analytics, reviewshire: Shire
    ):
        response = await analytics.get(
            "/v1/reports/landscape-review",
            area=reviewshire.force["gss_code"],
            format="md",
            **WINDOW,
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/markdown")
        text = response.text
        merge = next(line for line in text.splitlines() if line.startswith("1. **Consider merging"))
        assert "Serious Violence Board" in merge and "Violence Reduction Group" in merge
        assert "Review Reviewshire <script>alert(1)</script> Serious Violence Board" in text
        assert "| red | 2019-01-01 |" in text
        assert "| amber | 2022-06-01 |" in text
        unanswered = text.split("Unanswered requests:")[1]
        assert "Council" in unanswered and "2025-09-01" in unanswered
        assert "Escalate 1 data request(s) unanswered by" in text
        assert "Chase the 1 overdue action(s)" in text
        assert "- D7 (" in text and "- G1 (" in text and "- S9 (" in text

    async def test_the_html_is_self_contained_escaped_and_draws_svg_charts(
        self, analytics: Analytics, reviewshire: Shire
    ):
        response = await analytics.get(
            "/v1/reports/landscape-review", area=reviewshire.force["id"], format="html", **WINDOW
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        page = response.text
        parser = Tags()
        parser.feed(page)
        assert "script" not in parser.tags
        assert parser.sources == []
        assert parser.tags.count("svg") >= 3
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "Consider merging" in page and "Escalate 1 data request" in page

    async def test_an_unknown_area_is_a_404(self, analytics: Analytics):
        response = await analytics.get("/v1/reports/landscape-review", area="E99999998")
        assert response.status_code == 404

    async def test_an_empty_area_is_a_422(self, analytics: Analytics):
        # A 500 (no area to review) until found by schemathesis.
        response = await analytics.get("/v1/reports/landscape-review", area="")
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"


class TestScorecards:
    async def test_a_partnership_scorecard_shows_its_headlines_and_overlaps(
        self, analytics: Analytics, reviewshire: Shire
    ):
        url = f"/v1/scorecards/partnerships/{reviewshire.a['id']}"
        card = (await analytics.get(url, **WINDOW)).json()
        assert card["indicators"]["G1"]["value"] == {"red": 1, "amber": 0, "green": 0}
        assert card["indicators"]["A5"]["value"] == 0.5
        assert card["overlaps"][0]["b"] in (reviewshire.b["id"], reviewshire.a["id"])

    async def test_an_area_scorecard_shows_its_merge_candidates(
        self, analytics: Analytics, reviewshire: Shire
    ):
        card = (
            await analytics.get(f"/v1/scorecards/areas/{reviewshire.force['gss_code']}", **WINDOW)
        ).json()
        assert card["area"]["partnerships"] == 3
        assert len(card["clusters"]) == 1
        assert card["indicators"]["S9"]["value"] == 1
