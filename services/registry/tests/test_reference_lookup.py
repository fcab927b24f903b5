"""``convenor-registry areas load-lookup``: the ONS local authority to police force area
lookup, loaded from its published CSV."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from convenor_registry import cli
from convenor_registry.config import RegistrySettings

from .factories import Api, area, feed_cursor

# As ONS publishes it: a byte-order mark, year-suffixed column names, an ObjectId column.
ONS_LOOKUP = (
    "\ufeffLAD24CD,LAD24NM,PFA24CD,PFA24NM,ObjectId\r\n"
    "E06000006,Halton,E23000006,Cheshire,1\r\n"
    "E06000007,Warrington,E23000006,Cheshire,2\r\n"
    "W06000015,Cardiff,W15000003,South Wales,3\r\n"
    "E08000011,Knowsley,E23000004,Merseyside,4\r\n"
    "E06000099,Nowhere,E23999999,No such force,5\r\n"
)


def load_lookup(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, int]:
    assert cli.main(["areas", "load-lookup", str(path)]) == 0
    printed: dict[str, int] = json.loads(capsys.readouterr().out)
    return printed


class TestTheOnsLookup:
    async def test_authorities_are_linked_to_their_force_area_and_a_rerun_changes_nothing(
        self,
        admin: Api,
        settings: RegistrySettings,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ):
        lookup = tmp_path / "LAD24_PFA24_EW_LU.csv"
        lookup.write_text(ONS_LOOKUP, encoding="utf-8")
        monkeypatch.setenv("REGISTRY_DATABASE_URL", settings.database_url)
        first = await asyncio.to_thread(load_lookup, lookup, capsys)
        assert first == {"rows": 5, "local_authorities_created": 3}

        cheshire, south_wales = await area(admin, "E23000006"), await area(admin, "W15000003")
        halton, cardiff = await area(admin, "E06000006"), await area(admin, "W06000015")
        assert halton["parent_id"] == cheshire["id"] and halton["tier"] == "unitary"
        assert cardiff["parent_id"] == south_wales["id"] and cardiff["country"] == "Wales"
        knowsley = await area(admin, "E08000011")
        assert knowsley["version"] == 1  # already there from the shipped file, unchanged
        nowhere = await admin.get("/v1/areas", params={"gss_code": "E06000099"})
        assert nowhere.json()["items"] == []  # its force area is unknown: skipped, not guessed
        partnerships = await admin.get("/v1/partnerships", params={"area": "E23000006"})
        assert partnerships.status_code == 200

        before = await feed_cursor(admin)
        second = await asyncio.to_thread(load_lookup, lookup, capsys)
        assert second == {"rows": 5, "local_authorities_created": 0}
        assert await feed_cursor(admin) == before
        assert (await area(admin, "E06000006"))["version"] == halton["version"]
