"""A creating import keeps history and the change feed as the API does, record by record."""

from __future__ import annotations

from typing import Any

from .factories import Api, feed_cursor, org_api, unique
from .test_spreadsheets import upload, workbook

FIRST, SECOND = "2026-03-10 10:00", "2026-03-17 10:00"


async def changes_after(api: Api, cursor: str | None) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        params: dict[str, Any] = {"limit": 1000} | ({"after": cursor} if cursor else {})
        page = (await api.get("/v1/changes", params=params)).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return items


async def history(api: Api, record_id: str) -> list[dict[str, Any]]:
    response = await api.get("/v1/history", params={"entity_id": record_id, "limit": 100})
    items: list[dict[str, Any]] = response.json()["items"]
    return items


class TestACreatingImportKeepsHistoryAndTheFeed:
    async def test_every_new_record_has_its_history_and_feed_entries_in_order(self, admin: Api):
        opcc = await org_api(admin, ["registry:read", "registry:write"])
        board, alex, sam = unique("Board"), unique("Alex"), unique("Sam")
        content = workbook(
            {
                "people": [["name"], [alex], [sam]],
                "partnerships": [["name", "type"], [board, "strategic_board"]],
                "memberships": [
                    ["partnership", "person", "role"],
                    [board, alex, "Chair"],
                    [board, sam, "Member"],
                ],
                "meetings": [
                    ["partnership", "title", "start", "end"],
                    [board, "First", FIRST, "2026-03-10 11:00"],
                    [board, "Second", SECOND, "2026-03-17 11:00"],
                ],
                "attendance": [
                    ["partnership", "meeting_start", "person", "status"],
                    [board, FIRST, alex, "present"],
                    [board, FIRST, sam, "apologies"],
                    [board, SECOND, sam, "present"],
                ],
                "actions": [
                    ["partnership", "meeting_start", "title", "owner_person"],
                    [board, FIRST, "Write the plan", alex],
                ],
            }
        )
        before = await feed_cursor(admin)
        done = await upload(opcc, content, dry_run=False)
        assert done.status_code == 200, done.text
        feed = await changes_after(admin, before)
        seqs = [int(c["cursor"]) for c in feed]
        assert seqs == sorted(seqs) and len({c["at"] for c in feed}) == 1  # one commit

        upserts = [c for c in feed if c["entity"] != "attendance"]
        assert sorted(c["entity"] for c in upserts) == sorted(
            ["person"] * 2 + ["partnership"] + ["membership"] * 2 + ["meeting"] * 2 + ["action"]
        )
        created_order: list[str] = []
        for change in upserts:
            assert change["op"] == "upsert"
            entries = await history(opcc, change["id"])
            assert entries[0]["op"] == "create" and entries[0]["version"] == 1
            assert entries[0]["actor_organisation_id"] == opcc.org["id"]  # type: ignore[index]
            assert entries[-1]["version"] == change["data"]["version"] == len(entries)
            created_order.append(entries[0]["id"])
        # History ids follow the order of writing: sheet by sheet, people first.
        kinds = ["person", "partnership", "membership", "meeting", "action"]
        entities = [c["entity"] for c in upserts]
        written = [entity for _, entity in sorted(zip(created_order, entities, strict=True))]
        assert written == sorted(entities, key=kinds.index)

        registers = [c for c in feed if c["entity"] == "attendance"]
        meetings = {c["data"]["title"]: c for c in upserts if c["entity"] == "meeting"}
        assert [r["id"] for r in registers] == [meetings["First"]["id"], meetings["Second"]["id"]]
        for register in registers:
            shown = await opcc.get(f"/v1/meetings/{register['id']}/attendance")
            assert register["data"] == shown.json()
            create, update = await history(opcc, register["id"])
            assert (create["version"], update["version"], update["op"]) == (1, 2, "update")
            assert update["changes"] == {"attendance": [[], register["data"]["records"]]}

    async def test_a_register_is_recorded_as_put_attendance_records_it(self, admin: Api):
        opcc = await org_api(admin, ["registry:read", "registry:write"])
        board, alex, sam = unique("Board"), unique("Alex"), unique("Sam")
        content = workbook(
            {
                "people": [["name"], [alex], [sam]],
                "partnerships": [["name", "type"], [board, "strategic_board"]],
                "meetings": [["partnership", "start", "end"], [board, FIRST, "2026-03-10 11:00"]],
                "attendance": [
                    ["partnership", "meeting_start", "person", "status", "deputy_for"],
                    [board, FIRST, alex, "present", None],
                    [board, FIRST, sam, "deputy", alex],
                ],
            }
        )
        before = await feed_cursor(admin)
        assert (await upload(opcc, content, dry_run=False)).status_code == 200
        imported = await changes_after(admin, before)
        meeting = next(c for c in imported if c["entity"] == "meeting")
        register = next(c for c in imported if c["entity"] == "attendance")

        # The same register put through the API on a meeting of the same board.
        by_api = await opcc.created(
            f"/v1/partnerships/{meeting['data']['partnership_id']}/meetings",
            {"start": "2026-04-10T10:00:00Z", "end": "2026-04-10T11:00:00Z"},
        )
        cursor = await feed_cursor(admin)
        put = await opcc.put(
            f"/v1/meetings/{by_api['id']}/attendance",
            json={"records": register["data"]["records"]},
        )
        assert put.status_code == 200, put.text
        from_api = await changes_after(admin, cursor)

        assert [(c["entity"], c["op"]) for c in from_api] == [
            ("attendance", "upsert"),
            ("meeting", "upsert"),
        ]
        assert from_api[0]["data"] == register["data"] | {"meeting_id": by_api["id"]}
        assert from_api[1]["data"]["version"] == meeting["data"]["version"] == 2

        def comparable(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [
                {k: v for k, v in e.items() if k not in ("id", "entity_id", "at")}
                for e in entries[1:]
            ]

        assert comparable(await history(opcc, meeting["id"])) == comparable(
            await history(opcc, by_api["id"])
        )
