"""Areas, organisations, people and partnerships through the API."""

from __future__ import annotations

import asyncio

from .factories import Api, area, org_api, organisation, partnership, person


class TestReferenceGeography:
    async def test_the_43_police_force_areas_are_loaded(self, admin: Api):
        response = await admin.get(
            "/v1/areas", params={"classification": "police_force_area", "limit": 100}
        )
        items = response.json()["items"]
        assert len(items) == 43
        codes = {item["gss_code"] for item in items}
        assert "E23000004" in codes and "W15000004" in codes

    async def test_each_force_area_has_its_local_policing_body(self, admin: Api):
        merseyside = await area(admin, "E23000004")
        bodies = (await admin.get("/v1/organisations", params={"area": "E23000004"})).json()[
            "items"
        ]
        lpb = [b for b in bodies if b["classification"] == "local_policing_body"]
        assert [b["kind"] for b in lpb] == ["pcc"]
        assert merseyside["id"] in lpb[0]["area_ids"]
        gm = (await admin.get("/v1/organisations", params={"area": "E23000005"})).json()["items"]
        assert [b["kind"] for b in gm if b["classification"] == "local_policing_body"] == ["mayor"]

    async def test_local_authorities_sit_under_their_force_area(self, admin: Api):
        merseyside = await area(admin, "E23000004")
        children = (await admin.get("/v1/areas", params={"parent_id": merseyside["id"]})).json()[
            "items"
        ]
        assert sorted(c["name"] for c in children) == [
            "Knowsley",
            "Liverpool",
            "Sefton",
            "St. Helens",
            "Wirral",
        ]


class TestPartnerships:
    async def test_a_partnership_reads_back_with_its_footprint_and_parent(self, admin: Api):
        knowsley, liverpool = await area(admin, "E08000011"), await area(admin, "E08000012")
        chair = await organisation(admin)
        board = await partnership(admin, type="strategic_board")
        child = await partnership(
            admin,
            parent_id=board["id"],
            chair_organisation_id=chair["id"],
            footprint_area_ids=[knowsley["id"], liverpool["id"]],
            review_cycle_months=24,
            established_date="2020-04-01",
        )
        read = (await admin.get(f"/v1/partnerships/{child['id']}")).json()
        assert read["parent_id"] == board["id"]
        assert sorted(read["footprint_area_ids"]) == sorted([knowsley["id"], liverpool["id"]])
        assert read["next_review_due"] == "2022-04-01"

    async def test_filtering_by_force_area_finds_partnerships_of_its_authorities(self, admin: Api):
        sefton = await area(admin, "E08000014")
        p = await partnership(admin, footprint_area_ids=[sefton["id"]], themes=["road_safety"])
        found = (
            await admin.get(
                "/v1/partnerships",
                params={"area": "E23000004", "theme": "road_safety", "limit": 200},
            )
        ).json()
        assert p["id"] in [item["id"] for item in found["items"]]
        elsewhere = (
            await admin.get(
                "/v1/partnerships",
                params={"area": "E23000020", "theme": "road_safety", "limit": 200},
            )
        ).json()
        assert p["id"] not in [item["id"] for item in elsewhere["items"]]

    async def test_a_partnership_cannot_sit_under_its_own_sub_group(self, admin: Api):
        top = await partnership(admin)
        sub = await partnership(admin, parent_id=top["id"])
        response = await admin.patch(f"/v1/partnerships/{top['id']}", json={"parent_id": sub["id"]})
        assert response.status_code == 409
        assert response.headers["content-type"] == "application/problem+json"

    async def test_a_stale_etag_is_refused_and_changes_nothing(self, admin: Api):
        p = await partnership(admin)
        first = await admin.get(f"/v1/partnerships/{p['id']}")
        etag = first.headers["etag"]
        ok = await admin.patch(
            f"/v1/partnerships/{p['id']}",
            json={"status": "under_review"},
            headers={"If-Match": etag},
        )
        assert ok.status_code == 200
        stale = await admin.patch(
            f"/v1/partnerships/{p['id']}", json={"status": "merging"}, headers={"If-Match": etag}
        )
        assert stale.status_code == 412
        assert (await admin.get(f"/v1/partnerships/{p['id']}")).json()["status"] == "under_review"

    async def test_a_deleted_partnership_is_gone_but_its_history_stays(self, admin: Api):
        p = await partnership(admin)
        assert (await admin.delete(f"/v1/partnerships/{p['id']}")).status_code == 204
        assert (await admin.get(f"/v1/partnerships/{p['id']}")).status_code == 404
        history = (await admin.get("/v1/history", params={"entity_id": p["id"]})).json()["items"]
        assert [h["op"] for h in history] == ["create", "delete"]
        assert history[0]["actor"] == "test-admin"


class TestWriteAccess:
    async def test_an_organisation_cannot_change_another_organisations_partnership(
        self, admin: Api
    ):
        owner = await org_api(admin, ["registry:read", "registry:write"])
        other = await org_api(admin, ["registry:read", "registry:write"])
        p = await partnership(owner)
        response = await other.patch(f"/v1/partnerships/{p['id']}", json={"name": "hijacked"})
        assert response.status_code == 403
        assert response.json()["type"] == "/problems/not-your-record"
        assert (
            await owner.patch(f"/v1/partnerships/{p['id']}", json={"name": "renamed"})
        ).status_code == 200

    async def test_a_reader_cannot_write(self, admin: Api):
        reader = await org_api(admin, ["registry:read"])
        response = await reader.post("/v1/partnerships", json={"name": "x", "type": "csp"})
        assert response.status_code == 403
        assert response.json()["type"] == "/problems/insufficient-scope"

    async def test_contact_details_are_shown_only_to_writers(self, admin: Api):
        reader = await org_api(admin, ["registry:read"])
        p = await person(admin, email="chair@example.org", phone="0151 000 0000")
        seen_by_reader = (await reader.get(f"/v1/people/{p['id']}")).json()
        assert "email" not in seen_by_reader and "phone" not in seen_by_reader
        seen_by_admin = (await admin.get(f"/v1/people/{p['id']}")).json()
        assert seen_by_admin["email"] == "chair@example.org"


class TestIdempotency:
    async def test_a_retry_with_the_same_key_replays_the_first_response(self, admin: Api):
        body = {"name": "Idempotent board", "type": "csp"}
        first = await admin.post(
            "/v1/partnerships", json=body, headers={"Idempotency-Key": "k-1-same"}
        )
        again = await admin.post(
            "/v1/partnerships", json=body, headers={"Idempotency-Key": "k-1-same"}
        )
        assert first.status_code == again.status_code == 201
        assert first.json() == again.json()
        assert again.headers["idempotent-replayed"] == "true"

    async def test_the_same_key_with_another_body_is_422(self, admin: Api):
        await admin.post(
            "/v1/partnerships",
            json={"name": "A", "type": "csp"},
            headers={"Idempotency-Key": "k-2"},
        )
        other = await admin.post(
            "/v1/partnerships",
            json={"name": "B", "type": "csp"},
            headers={"Idempotency-Key": "k-2"},
        )
        assert other.status_code == 422

    async def test_simultaneous_duplicates_create_one_resource(self, admin: Api):
        name = "Concurrent board"
        responses = await asyncio.gather(
            *[
                admin.post(
                    "/v1/partnerships",
                    json={"name": name, "type": "csp", "themes": ["drugs"]},
                    headers={"Idempotency-Key": "k-3-concurrent"},
                )
                for _ in range(5)
            ]
        )
        statuses = sorted(r.status_code for r in responses)
        assert set(statuses) <= {201, 409}
        ids = {r.json()["id"] for r in responses if r.status_code == 201}
        assert len(ids) == 1


class TestChangeFeed:
    async def test_changes_arrive_in_commit_order_and_resume_from_a_cursor(self, admin: Api):
        start = (await admin.get("/v1/changes", params={"limit": 1000})).json()
        cursor = start["next_cursor"]
        while start["has_more"]:
            start = (await admin.get("/v1/changes", params={"after": cursor, "limit": 1000})).json()
            cursor = start["next_cursor"]
        org = await organisation(admin)
        p = await partnership(admin, chair_organisation_id=org["id"])
        await admin.patch(f"/v1/partnerships/{p['id']}", json={"status": "under_review"})
        first = (await admin.get("/v1/changes", params={"after": cursor, "limit": 2})).json()
        assert [(i["entity"], i["id"]) for i in first["items"]] == [
            ("organisation", org["id"]),
            ("partnership", p["id"]),
        ]
        rest = (await admin.get("/v1/changes", params={"after": first["next_cursor"]})).json()
        assert [(i["entity"], i["id"], i["data"]["status"]) for i in rest["items"]] == [
            ("partnership", p["id"], "under_review")
        ]
        again = (await admin.get("/v1/changes", params={"after": rest["next_cursor"]})).json()
        assert again["items"] == [] and again["next_cursor"] == rest["next_cursor"]
