"""A partnership at work: members, a meeting with its register, agenda, decisions, actions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from .factories import Api, area, org_api, organisation, partnership, person


async def drain(api: Api) -> str | None:
    """The feed's cursor once caught up."""
    cursor = None
    while True:
        params = {"limit": 1000} | ({"after": cursor} if cursor else {})
        page = (await api.get("/v1/changes", params=params)).json()
        cursor = page["next_cursor"] or cursor
        if not page["has_more"]:
            return cursor


class TestAPartnershipMeets:
    async def test_the_whole_story_reads_back_and_arrives_on_the_feed_in_order(self, admin: Api):
        cursor = await drain(admin)
        opcc = await org_api(
            admin,
            ["registry:read", "registry:write"],
            classification="local_policing_body",
            kind="pcc",
        )
        knowsley, sefton = await area(admin, "E08000011"), await area(admin, "E08000014")
        council = await organisation(opcc, name="Knowsley Council")
        board = await partnership(opcc, name="Strategic Board", type="strategic_board")
        vrp = await partnership(
            opcc,
            name="Violence Reduction Partnership",
            type="vru",
            parent_id=board["id"],
            footprint_area_ids=[knowsley["id"], sefton["id"]],
            themes=["serious_violence"],
        )
        chair = await person(opcc, name="Chair Person", organisation_id=opcc.org["id"])
        member = await person(opcc, name="Council Lead", organisation_id=council["id"])
        deputy = await person(opcc, name="Council Deputy", organisation_id=council["id"])
        absent = await person(opcc, name="Absent Member")
        for who, role in ((chair, "chair"), (member, "member"), (absent, "member")):
            body = {"person_id": who["id"], "role": role}
            if who is member:
                body |= {"on_behalf_of_id": council["id"], "deputy_ids": [deputy["id"]]}
            await opcc.created(f"/v1/partnerships/{vrp['id']}/memberships", body)
        meeting = await opcc.created(
            f"/v1/partnerships/{vrp['id']}/meetings",
            {"start": "2026-03-10T10:00:00Z", "end": "2026-03-10T12:00:00Z", "title": "VRP board"},
        )
        register = {
            "records": [
                {"person_id": chair["id"], "status": "present"},
                {
                    "person_id": deputy["id"],
                    "status": "deputy",
                    "deputy_for_id": member["id"],
                    "on_behalf_of_id": council["id"],
                },
                {"person_id": absent["id"], "status": "apologies"},
            ]
        }
        put = await opcc.put(f"/v1/meetings/{meeting['id']}/attendance", json=register)
        assert put.status_code == 200, put.text
        item = await opcc.created(
            f"/v1/meetings/{meeting['id']}/agenda-items",
            {"title": "Hotspot funding", "item_type": "decision", "themes": ["serious_violence"]},
        )
        decision = await opcc.created(
            f"/v1/meetings/{meeting['id']}/decisions",
            {"text": "Fund two hotspots", "agenda_item_id": item["id"]},
        )
        action = await opcc.created(
            f"/v1/meetings/{meeting['id']}/actions",
            {
                "title": "Draft the hotspot plan",
                "decision_id": decision["id"],
                "owner_person_id": member["id"],
                "owner_organisation_id": council["id"],
                "due_date": "2026-04-01",
            },
        )

        members = (await opcc.get(f"/v1/partnerships/{vrp['id']}/memberships")).json()
        assert {m["role"] for m in members} == {"chair", "member"} and len(members) == 3
        attendance = (await opcc.get(f"/v1/meetings/{meeting['id']}/attendance")).json()["records"]
        statuses = {r["person_id"]: (r["status"], r["deputy_for_id"]) for r in attendance}
        assert statuses[deputy["id"]] == ("deputy", member["id"])
        assert statuses[absent["id"]] == ("apologies", None)
        assert (await opcc.get(f"/v1/meetings/{meeting['id']}/decisions")).json()[0][
            "agenda_item_id"
        ] == item["id"]
        assert (await opcc.get(f"/v1/actions/{action['id']}")).json()["partnership_id"] == vrp["id"]

        changes = []
        while True:
            page = (await admin.get("/v1/changes", params={"after": cursor, "limit": 7})).json()
            changes += page["items"]
            cursor = page["next_cursor"]
            if not page["has_more"]:
                break
        entities = [c["entity"] for c in changes]
        assert entities == [
            "organisation",
            "organisation",
            "partnership",
            "partnership",
            "person",
            "person",
            "person",
            "person",
            "membership",
            "membership",
            "membership",
            "meeting",
            "attendance",
            "meeting",
            "agenda_item",
            "decision",
            "action",
        ]
        assert [int(c["cursor"]) for c in changes] == sorted(int(c["cursor"]) for c in changes)
        assert changes[12]["data"]["records"][1]["deputy_for_id"] == member["id"]
        assert (await admin.get("/v1/changes", params={"after": cursor})).json()["items"] == []


class TestMeetingSeries:
    async def test_a_monthly_series_keeps_its_local_time_across_the_clock_change(self, admin: Api):
        p = await partnership(admin)
        series = await admin.created(
            f"/v1/partnerships/{p['id']}/meeting-series",
            {
                "rrule": "FREQ=MONTHLY;BYDAY=2TU;COUNT=4",
                "first_start": "2026-02-10T10:00:00Z",
                "duration_minutes": 90,
            },
        )
        assert len(series["meeting_ids"]) == 4
        meetings = (await admin.get(f"/v1/partnerships/{p['id']}/meetings")).json()["items"]
        # 10:00 GMT in February is 10:00 local; April's meetings are 10:00 BST = 09:00 UTC.
        assert [m["start"][5:16] for m in meetings] == [
            "02-10T10:00",
            "03-10T10:00",
            "04-14T09:00",
            "05-12T09:00",
        ]
        assert all(m["series_id"] == series["id"] for m in meetings)

    async def test_an_open_ended_rule_is_bounded(self, admin: Api):
        p = await partnership(admin)
        series = await admin.created(
            f"/v1/partnerships/{p['id']}/meeting-series",
            {"rrule": "FREQ=WEEKLY", "first_start": "2026-01-05T09:00:00Z", "duration_minutes": 30},
        )
        assert len(series["meeting_ids"]) == 200

    async def test_a_malformed_rule_is_422(self, admin: Api):
        p = await partnership(admin)
        response = await admin.post(
            f"/v1/partnerships/{p['id']}/meeting-series",
            json={
                "rrule": "FREQ=SOMETIMES",
                "first_start": "2026-01-05T09:00:00Z",
                "duration_minutes": 30,
            },
        )
        assert response.status_code == 422


class TestAttendanceRules:
    async def test_a_deputy_must_say_for_whom(self, admin: Api):
        p = await partnership(admin)
        m = await admin.created(
            f"/v1/partnerships/{p['id']}/meetings",
            {"start": "2026-05-01T10:00:00Z", "end": "2026-05-01T11:00:00Z"},
        )
        someone = await person(admin)
        response = await admin.put(
            f"/v1/meetings/{m['id']}/attendance",
            json={"records": [{"person_id": someone["id"], "status": "deputy"}]},
        )
        assert response.status_code == 422
        assert (await admin.get(f"/v1/meetings/{m['id']}/attendance")).json()["records"] == []

    async def test_an_unknown_person_is_404_and_changes_nothing(self, admin: Api):
        p = await partnership(admin)
        m = await admin.created(
            f"/v1/partnerships/{p['id']}/meetings",
            {"start": "2026-05-01T10:00:00Z", "end": "2026-05-01T11:00:00Z"},
        )
        response = await admin.put(
            f"/v1/meetings/{m['id']}/attendance",
            json={
                "records": [
                    {"person_id": "018f0000-0000-7000-8000-000000000000", "status": "present"}
                ]
            },
        )
        assert response.status_code == 404
        assert response.json()["type"] == "/problems/person-not-found"


class TestActionLog:
    async def test_marking_an_action_done_records_when(self, admin: Api):
        p = await partnership(admin)
        action = await admin.created(
            f"/v1/partnerships/{p['id']}/actions",
            {"title": "Write the plan", "due_date": "2026-01-01"},
        )
        assert action["overdue"] is True
        done = (await admin.patch(f"/v1/actions/{action['id']}", json={"status": "done"})).json()
        assert done["completed_date"] == datetime.now(UTC).date().isoformat()
        assert done["overdue"] is False

    async def test_overdue_actions_are_listed_by_owner(self, admin: Api):
        p = await partnership(admin)
        owner = await organisation(admin)
        late = await admin.created(
            f"/v1/partnerships/{p['id']}/actions",
            {"title": "Late", "owner_organisation_id": owner["id"], "due_date": "2025-01-01"},
        )
        future = (date.today() + timedelta(days=30)).isoformat()
        await admin.created(
            f"/v1/partnerships/{p['id']}/actions",
            {"title": "Not yet", "owner_organisation_id": owner["id"], "due_date": future},
        )
        found = (
            await admin.get(
                "/v1/actions", params={"owner_organisation_id": owner["id"], "overdue": "true"}
            )
        ).json()["items"]
        assert [a["id"] for a in found] == [late["id"]]

    async def test_progress_notes_are_appended(self, admin: Api):
        p = await partnership(admin)
        action = await admin.created(f"/v1/partnerships/{p['id']}/actions", {"title": "Chase data"})
        await admin.post(f"/v1/actions/{action['id']}/updates", json={"text": "Asked the council"})
        after = (
            await admin.post(f"/v1/actions/{action['id']}/updates", json={"text": "Reminder sent"})
        ).json()
        assert [u["text"] for u in after["updates"]] == ["Asked the council", "Reminder sent"]


class TestStrategies:
    async def test_a_partnership_priority_aligns_to_a_police_and_crime_plan_priority(
        self, admin: Api
    ):
        opcc = await organisation(admin, classification="local_policing_body", kind="pcc")
        pcp = await admin.created(
            "/v1/strategies",
            {
                "name": "Police and Crime Plan",
                "kind": "police_and_crime_plan",
                "owner_organisation_id": opcc["id"],
            },
        )
        safer = await admin.created(
            f"/v1/strategies/{pcp['id']}/priorities",
            {"title": "Safer streets", "themes": ["serious_violence"]},
        )
        board = await partnership(admin)
        strategy = await admin.created(
            "/v1/strategies",
            {
                "name": "VRP strategy",
                "kind": "partnership_strategy",
                "owner_partnership_id": board["id"],
            },
        )
        aligned = await admin.created(
            f"/v1/strategies/{strategy['id']}/priorities",
            {"title": "Reduce knife crime", "aligned_to_ids": [safer["id"]]},
        )
        assert aligned["aligned_to_ids"] == [safer["id"]]

    async def test_alignment_to_a_priority_outside_a_plan_is_refused(self, admin: Api):
        board = await partnership(admin)
        strategy = await admin.created(
            "/v1/strategies",
            {"name": "S", "kind": "partnership_strategy", "owner_partnership_id": board["id"]},
        )
        other = await admin.created(f"/v1/strategies/{strategy['id']}/priorities", {"title": "x"})
        response = await admin.post(
            f"/v1/strategies/{strategy['id']}/priorities",
            json={"title": "y", "aligned_to_ids": [other["id"]]},
        )
        assert response.status_code == 422


class TestReviews:
    async def test_a_discontinue_review_ends_the_partnership(self, admin: Api):
        p = await partnership(admin, review_cycle_months=36)
        await admin.created(
            f"/v1/partnerships/{p['id']}/reviews",
            {"review_date": "2026-06-30", "outcome": "discontinue", "criteria": ["duplication"]},
        )
        after = (await admin.get(f"/v1/partnerships/{p['id']}")).json()
        assert (after["status"], after["ended_date"], after["last_reviewed_date"]) == (
            "discontinued",
            "2026-06-30",
            "2026-06-30",
        )
        assert after["next_review_due"] == "2029-06-30"

    async def test_a_merge_review_records_the_dated_relation(self, admin: Api):
        p, into = await partnership(admin), await partnership(admin)
        await admin.created(
            f"/v1/partnerships/{p['id']}/reviews",
            {"review_date": "2026-07-01", "outcome": "merge_into", "merge_into_id": into["id"]},
        )
        relations = (await admin.get(f"/v1/partnerships/{p['id']}/relations")).json()
        assert [(r["type"], r["related_partnership_id"], r["start_date"]) for r in relations] == [
            ("merged_into", into["id"], "2026-07-01")
        ]
        assert (await admin.get(f"/v1/partnerships/{p['id']}")).json()["status"] == "merging"
