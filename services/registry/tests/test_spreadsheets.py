"""Spreadsheet import and export: templates, dry runs, every error at once, round trips."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import httpx
import openpyxl

from .factories import Api, area, feed_cursor, org_api, organisation, partnership, person, unique

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def upload(
    api: Api, content: bytes, *, dry_run: bool, name: str = "landscape.xlsx", **params: str
) -> httpx.Response:
    return await api.post(
        "/v1/import",
        params={"dry_run": str(dry_run).lower(), **params},
        files={"file": (name, content, XLSX if name.endswith(".xlsx") else "text/csv")},
    )


def changed(result: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Per sheet, the counts that are not zero and not 'unchanged'."""
    return {
        sheet: {k: v for k, v in counts.items() if v and k != "unchanged"}
        for sheet, counts in result["summary"].items()
        if any(v for k, v in counts.items() if k != "unchanged")
    }


async def humber_landscape(admin: Api) -> tuple[Api, dict[str, Any]]:
    """A landscape in Humberside built through the API: boards, people, a meeting with its
    register, an action, a URL, a formula-looking name and a name shared by two people."""
    opcc = await org_api(
        admin,
        ["registry:read", "registry:write"],
        name=unique("Humber OPCC"),
        classification="local_policing_body",
        kind="pcc",
    )
    hull, east = await area(admin, "E06000010"), await area(admin, "E06000011")
    council = await organisation(
        opcc,
        name=unique("Hull City Council"),
        area_ids=[hull["id"]],
        website="https://www.hull.gov.uk",
        identifiers=[{"scheme": "gss", "identifier": "E06000010"}],
    )
    lcjb = await partnership(
        opcc,
        name=unique("Humberside LCJB"),
        type="lcjb",
        footprint_area_ids=[hull["id"], east["id"]],
        themes=["cjs_performance", "victims"],
        chair_organisation_id=opcc.org["id"],  # type: ignore[index]
        statutory_basis_url="https://www.legislation.gov.uk/ukpga/1998/37",
        annual_support_cost="12000.50",
    )
    ops = await partnership(
        opcc,
        name=unique("=Operations Board"),
        type="sub_group",
        parent_id=lcjb["id"],
        footprint_area_ids=[hull["id"]],
        themes=["victims"],
    )
    twin = unique("Sam Twin")
    chair = await person(
        opcc, name=unique("Chair"), organisation_id=opcc.org["id"], email="c@example.org"
    )  # type: ignore[index]
    lead = await person(opcc, name=twin, organisation_id=council["id"], phone="01482 300300")
    await person(opcc, name=twin)  # a namesake elsewhere: references to either use the id
    deputy = await person(opcc, name=unique("Deputy"), organisation_id=council["id"])
    for board in (lcjb, ops):
        await opcc.created(
            f"/v1/partnerships/{board['id']}/memberships",
            {"person_id": chair["id"], "role": "chair"},
        )
        await opcc.created(
            f"/v1/partnerships/{board['id']}/memberships",
            {
                "person_id": lead["id"],
                "on_behalf_of_id": council["id"],
                "deputy_ids": [deputy["id"]],
            },
        )
    meeting = await opcc.created(
        f"/v1/partnerships/{lcjb['id']}/meetings",
        {
            "start": "2026-03-10T10:00:00Z",
            "end": "2026-03-10T12:00:00Z",
            "title": "Board",
            "online_url": "https://teams.example.org/m/1",
            "direct_costs": "45.10",
            "mode": "hybrid",
        },
    )
    await opcc.created(
        f"/v1/partnerships/{lcjb['id']}/meetings",
        {"start": "2026-07-14T09:30:00+01:00", "end": "2026-07-14T11:00:00+01:00"},
    )
    await opcc.put(
        f"/v1/meetings/{meeting['id']}/attendance",
        json={
            "records": [
                {"person_id": chair["id"], "status": "present"},
                {
                    "person_id": deputy["id"],
                    "status": "deputy",
                    "deputy_for_id": lead["id"],
                    "on_behalf_of_id": council["id"],
                },
            ]
        },
    )
    await opcc.created(
        f"/v1/meetings/{meeting['id']}/actions",
        {
            "title": "Publish the victims code report",
            "owner_person_id": lead["id"],
            "due_date": "2026-04-01",
        },
    )
    done = await opcc.created(
        f"/v1/meetings/{meeting['id']}/actions",
        {"title": "Agree the terms of reference", "status": "done", "completed_date": "2026-03-11"},
    )
    assert done["completed_date"] == "2026-03-11"
    return opcc, lcjb


class TestTemplates:
    async def test_the_template_has_the_export_columns_and_a_readme(self, admin: Api):
        response = await admin.get("/v1/import/template")
        assert response.status_code == 200
        assert response.headers["content-type"] == XLSX
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        assert book.sheetnames == [
            "organisations",
            "people",
            "partnerships",
            "memberships",
            "meetings",
            "attendance",
            "actions",
            "README",
        ]
        exported = await admin.get("/v1/export", params={"area": "E23000012"})
        exported_book = openpyxl.load_workbook(io.BytesIO(exported.content), read_only=True)
        for name in book.sheetnames[:-1]:
            header = next(book[name].iter_rows(values_only=True))
            assert header == next(exported_book[name].iter_rows(values_only=True))

    async def test_a_single_sheet_comes_as_csv(self, admin: Api):
        response = await admin.get(
            "/v1/import/template", params={"format": "csv", "sheet": "people"}
        )
        assert response.headers["content-type"].startswith("text/csv")
        header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert header[:3] == ["id", "name", "organisation"]


class TestExportThenReimport:
    async def test_a_whole_area_round_trips_as_xlsx_and_as_csv(self, admin: Api):
        opcc, _ = await humber_landscape(admin)
        for fmt in ("xlsx", "csv"):
            exported = await opcc.get("/v1/export", params={"area": "E23000012", "format": fmt})
            assert exported.status_code == 200, exported.text
            name = "humber.xlsx" if fmt == "xlsx" else "humber.zip"
            response = await upload(opcc, exported.content, dry_run=True, name=name)
            assert response.status_code == 200, response.text
            result = response.json()
            assert changed(result) == {}, result
            assert result["summary"]["meetings"]["unchanged"] >= 2
            assert result["summary"]["attendance"]["unchanged"] >= 2
        exported_xlsx = (await opcc.get("/v1/export", params={"area": "E23000012"})).content
        book = openpyxl.load_workbook(io.BytesIO(exported_xlsx))
        names = [c for row in book["partnerships"].iter_rows() for c in row]
        assert any(str(c.value).startswith("=Operations") and c.data_type == "s" for c in names)
        before = await feed_cursor(admin)
        applied = await upload(opcc, exported_xlsx, dry_run=False, name="humber.xlsx")
        assert applied.status_code == 200 and changed(applied.json()) == {}
        assert await feed_cursor(admin) == before

    async def test_an_edited_export_updates_only_what_changed(self, admin: Api):
        opcc, lcjb = await humber_landscape(admin)
        exported = await opcc.get("/v1/export", params={"area": "E23000012", "format": "csv"})
        archive = zipfile.ZipFile(io.BytesIO(exported.content))
        rows = list(csv.reader(io.StringIO(archive.read("meetings.csv").decode("utf-8-sig"))))
        header = rows[0]
        mine = [r for r in rows[1:] if r[header.index("partnership")] == lcjb["name"]]
        mine = [r for r in mine if r[header.index("title")] == "Board"]
        mine[-1][header.index("start")] = "2026-03-10 11:00"  # UK local time, GMT in March
        mine[-1][header.index("end")] = "2026-03-10 13:00"
        text = io.StringIO()
        csv.writer(text).writerows([header, mine[-1]])
        response = await upload(opcc, text.getvalue().encode(), dry_run=False, name="meetings.csv")
        assert response.status_code == 200, response.text
        updated = response.json()["sheets"]["meetings"]["updated"]
        assert len(updated) == 1 and set(updated[0]["changes"]) == {"start", "end"}
        meeting = (await opcc.get(f"/v1/meetings/{updated[0]['id']}")).json()
        assert meeting["start"] == "2026-03-10T11:00:00Z" and meeting["version"] == 3


class TestImportingNewRecords:
    async def test_a_dry_run_shows_the_diff_and_writes_nothing_then_the_import_writes_it(
        self, admin: Api
    ):
        opcc = await org_api(admin, ["registry:read", "registry:write"])
        council, board, sub = (
            unique("Elmbridge Borough Council"),
            unique("Surrey Board"),
            unique("Surrey VAWG group"),
        )
        alex = unique("Alex Example")
        content = workbook(
            {
                "organisations": [
                    ["name", "classification", "areas"],
                    [council, "Local authority", "E07000207"],
                ],
                "people": [
                    ["name", "organisation", "seniority", "salary_band"],
                    [alex, council, 4, "70k_90k"],
                ],
                "partnerships": [
                    ["name", "type", "parent", "footprint", "themes", "statutory"],
                    [sub, "sub_group", board, "E07000207", "VAWG; domestic_abuse", "no"],
                    [board, "strategic_board", None, "E23000031", "prevention", "yes"],
                ],
                "memberships": [
                    ["partnership", "person", "role", "on_behalf_of"],
                    [sub, alex, "Chair", council],
                ],
                "meetings": [
                    ["partnership", "title", "start", "end"],
                    [sub, "First meeting", "10/03/2026 10:00", "10/03/2026 11:30"],
                ],
                "attendance": [
                    ["partnership", "meeting_start", "person", "status"],
                    [sub, "2026-03-10 10:00", alex, "present"],
                ],
                "actions": [
                    ["partnership", "meeting_start", "title", "owner_person", "due_date"],
                    [sub, "2026-03-10T10:00:00+00:00", "Map the VAWG services", alex, "2026-05-01"],
                ],
            }
        )
        before = await feed_cursor(admin)
        dry = await upload(opcc, content, dry_run=True)
        assert dry.status_code == 200, dry.text
        assert {s: c["created"] for s, c in dry.json()["summary"].items()} == {
            "organisations": 1,
            "people": 1,
            "partnerships": 2,
            "memberships": 1,
            "meetings": 1,
            "attendance": 1,
            "actions": 1,
        }
        assert await feed_cursor(admin) == before
        done = await upload(opcc, content, dry_run=False)
        assert done.status_code == 200 and done.json()["applied"] is True
        found = (
            await opcc.get("/v1/partnerships", params={"area": "E07000207", "theme": "vawg"})
        ).json()["items"]
        created = next(p for p in found if p["name"] == sub)
        assert created["parent_id"] is not None and set(created["themes"]) == {
            "vawg",
            "domestic_abuse",
        }
        entities = []
        cursor = before
        while True:
            page = (await admin.get("/v1/changes", params={"after": cursor, "limit": 1000})).json()
            entities += [c["entity"] for c in page["items"]]
            cursor = page["next_cursor"]
            if not page["has_more"]:
                break
        assert {
            "organisation",
            "person",
            "partnership",
            "membership",
            "meeting",
            "attendance",
            "action",
        } <= set(entities)
        again = await upload(opcc, content, dry_run=True)
        assert changed(again.json()) == {}


class TestEveryProblemIsReported:
    async def test_twenty_mixed_errors_are_all_reported_with_their_rows_and_nothing_is_written(
        self, admin: Api
    ):
        opcc = await org_api(admin, ["registry:read", "registry:write"])
        other = await org_api(admin, ["registry:read", "registry:write"])
        theirs = await partnership(other, name=unique("Their board"))
        near = await organisation(opcc, name=unique("Runnymede Borough Council"))
        ok_org = unique("Good Org")
        content = workbook(
            {
                "organisations": [
                    ["name", "classification", "areas", "website", "colour"],  # 1 unknown column
                    [ok_org, "local_authority", "E07000212", None, None],
                    [None, "health", None, None, None],  # 2 name required
                    [unique("Bad class"), "ministry", None, None, None],  # 3 classification
                    [unique("Bad area"), "vcse", "E99999999", None, None],  # 4 unknown GSS code
                    [
                        near["name"].replace("Borough", "Borogh"),
                        "vcse",
                        None,
                        None,
                        None,
                    ],  # 5 likely duplicate
                    [unique("Bad site"), "vcse", None, "not a url", None],  # 6 website
                ],
                "people": [
                    ["name", "organisation", "seniority", "salary_band", "email"],
                    [unique("P1"), "No Such Org", 3, None, None],  # 7 unknown reference
                    [unique("P2"), ok_org, 9, None, None],  # 8 seniority
                    [unique("P3"), ok_org, 2, "a lot", None],  # 9 salary band
                    [unique("P4"), ok_org, "senior", None, None],  # 10 not a number
                    [unique("P5"), ok_org, 2, None, "not-an-email"],  # 11 email
                ],
                "partnerships": [
                    ["id", "name", "type", "themes", "established_date"],
                    [
                        "00000000-0000-7000-8000-000000000000",
                        "X",
                        "csp",
                        None,
                        None,
                    ],  # 12 unknown id
                    [None, unique("Board A"), "csp", "cheese", None],  # 13 theme
                    [None, unique("Board B"), "csp", None, "31/02/2026"],  # 14 date
                    [theirs["id"], theirs["name"], "csp", "drugs", None],  # 15 not yours
                ],
                "meetings": [
                    ["partnership", "start", "end", "mode"],
                    [
                        theirs["name"],
                        "2026-03-10 10:00",
                        "2026-03-10 09:00",
                        "online",
                    ],  # 16 end<start
                    ["Nobody's board", "2026-03-10 10:00", "2026-03-10 11:00", None],  # 17 unknown
                    [
                        theirs["name"],
                        "2026-03-11 10:00",
                        "2026-03-11 11:00",
                        "by pigeon",
                    ],  # 18 mode
                ],
                "actions": [
                    ["partnership", "title", "status", "due_date"],
                    [theirs["name"], None, "open", None],  # 19 title required
                    [theirs["name"], "Do it", "maybe", "2026-05-01"],  # 20 status
                ],
            }
        )
        before = await feed_cursor(admin)
        response = await upload(opcc, content, dry_run=False)
        assert response.status_code == 422, response.text
        body = response.json()
        assert body["type"] == "/problems/import-invalid"
        where = [(e["sheet"], e["row"], e["column"]) for e in body["errors"]]
        assert body["error_count"] == len(where) == 20
        assert where == [
            ("organisations", 1, "colour"),
            ("organisations", 3, "name"),
            ("organisations", 4, "classification"),
            ("organisations", 5, "areas"),
            ("organisations", 6, "name"),
            ("organisations", 7, "website"),
            ("people", 2, "organisation"),
            ("people", 3, "seniority"),
            ("people", 4, "salary_band"),
            ("people", 5, "seniority"),
            ("people", 6, "email"),
            ("partnerships", 2, "id"),
            ("partnerships", 3, "themes"),
            ("partnerships", 4, "established_date"),
            ("partnerships", 5, None),
            ("meetings", 2, None),
            ("meetings", 3, "partnership"),
            ("meetings", 4, "mode"),
            ("actions", 2, "title"),
            ("actions", 3, "status"),
        ]
        duplicate = next(e for e in body["errors"] if e["code"] == "likely_duplicate")
        assert duplicate["candidates"] == [{"id": near["id"], "name": near["name"]}]
        assert await feed_cursor(admin) == before

    async def test_a_near_duplicate_is_linked_by_id_or_created_on_purpose(self, admin: Api):
        opcc = await org_api(admin, ["registry:read", "registry:write"])
        existing = await person(opcc, name=unique("Jonathan Smyth"), organisation_id=opcc.org["id"])  # type: ignore[index]
        employer = opcc.org["name"]  # type: ignore[index]
        typo = existing["name"].replace("Jonathan", "Johnathan")
        refused = await upload(
            opcc, workbook({"people": [["name", "organisation"], [typo, employer]]}), dry_run=True
        )
        assert refused.json()["errors"][0]["code"] == "likely_duplicate"
        linked = workbook(
            {"people": [["id", "name", "organisation"], [existing["id"], typo, employer]]}
        )
        result = (await upload(opcc, linked, dry_run=True)).json()
        assert result["sheets"]["people"]["updated"][0]["changes"] == {
            "name": [existing["name"], typo]
        }
        anyway = workbook(
            {"people": [["name", "organisation", "create_anyway"], [typo, employer, "yes"]]}
        )
        assert (await upload(opcc, anyway, dry_run=True)).json()["summary"]["people"][
            "created"
        ] == 1

    async def test_an_unreadable_file_is_a_problem_not_a_crash(self, admin: Api):
        response = await upload(admin, b"PK\x03\x04 not really a zip", dry_run=True)
        assert response.status_code == 422
        assert response.json()["errors"][0]["code"] == "invalid_file"
        headless = await upload(admin, b"name\nx\n", dry_run=True, name="data.csv")
        assert headless.status_code == 422
