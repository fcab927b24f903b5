"""Indicators on Shire (tests/landscapes.py), against values worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from . import landscapes
from .conftest import Analytics
from .landscapes import WINDOW, Shire


@pytest.fixture(scope="module")
async def testshire(analytics: Analytics) -> Shire:
    land = landscapes.build(analytics.world, "Handshire")
    assert (await analytics.sync()).status_code == 200
    return land


async def area(analytics: Analytics, land: Shire, indicator: str) -> dict[str, Any]:
    return await analytics.indicator(indicator, area=land.force["gss_code"], **WINDOW)


class TestTheCatalogue:
    async def test_every_indicator_of_the_catalogue_is_listed(self, analytics: Analytics):
        items = (await analytics.get("/v1/indicators")).json()["items"]
        ids = {i["id"] for i in items}
        expected = {f"C{i}" for i in range(1, 12)} | {f"D{i}" for i in range(1, 14)}
        expected |= {f"K{i}" for i in range(1, 6)} | {f"E{i}" for i in range(1, 8)}
        expected |= {f"A{i}" for i in range(1, 7)} | {f"G{i}" for i in range(1, 4)}
        expected |= {f"S{i}" for i in range(1, 13)}
        assert ids == expected
        assert all(i["definition"] and i["unit"] and i["recommendation"] for i in items)

    async def test_every_indicator_answers_for_an_area(self, analytics: Analytics, testshire):
        for indicator in (await analytics.get("/v1/indicators")).json()["items"]:
            answer = await area(analytics, testshire, indicator["id"])
            assert answer["window"] == WINDOW
            assert answer["parameters"]["fingerprint"]

    async def test_an_unknown_indicator_or_area_is_a_404_problem(self, analytics: Analytics):
        assert (await analytics.get("/v1/indicators/Z9")).status_code == 404
        missing = await analytics.get("/v1/indicators/C5", area="E99999999")
        assert missing.json()["type"] == "/problems/area-not-found"

    async def test_a_window_that_ends_before_it_starts_is_refused(self, analytics: Analytics):
        response = await analytics.get(
            "/v1/indicators/C5", **{"from": "2025-02-01", "to": "2025-01-01"}
        )
        assert response.status_code == 422


class TestEngagement:
    async def test_attendance_is_present_over_expected(self, analytics: Analytics, testshire):
        e1 = await area(analytics, testshire, "E1")
        # Expected: 6 at m1, 6 at m2, 6 at m3, 3 at m4; present: 5 + 4 + 6 + 3.
        assert (e1["value"], e1["n"]) == (18 / 21, 21)
        assert e1["interval"]["low"] == pytest.approx(0.6536, abs=5e-5)
        assert e1["interval"]["high"] == pytest.approx(0.9502, abs=5e-5)

    async def test_rows_about_fewer_than_five_people_are_suppressed(
        self, analytics: Analytics, testshire
    ):
        e1 = await area(analytics, testshire, "E1")
        by_org = {r["key"]: r for r in e1["breakdowns"]["by_organisation"]}
        police = by_org[testshire.police["id"]]  # p1, p5, p9: three people
        assert police["suppressed"] and police["value"] is None and police["n"] is None
        assert f"breakdowns.by_organisation[{testshire.police['id']}]" in e1["suppressed"]
        board_c = await analytics.indicator("E1", partnership=testshire.c["id"], **WINDOW)
        assert board_c["value"] is None and "value" in board_c["suppressed"]

    async def test_the_deputy_rate_counts_deputies_over_expected(
        self, analytics: Analytics, testshire
    ):
        e2 = await area(analytics, testshire, "E2")
        assert e2["value"] == 1 / 21
        assert e2["extra"]["apologies_rate"] == 1 / 21

    async def test_back_to_back_meetings_are_counted_per_person(
        self, analytics: Analytics, testshire
    ):
        k5 = await area(analytics, testshire, "K5")
        # p1-p5 went from A (ends 12:00) to B (12:05); 19 attendances in all.
        assert (k5["value"], k5["n"]) == (5 / 19, 19)


class TestDelivery:
    async def test_talking_shops_leave_out_relational_meetings(
        self, analytics: Analytics, testshire
    ):
        a5 = await area(analytics, testshire, "A5")
        assert (a5["value"], a5["n"]) == (1 / 3, 3)
        assert a5["extra"]["excluded_meetings"] == 1

    async def test_an_open_action_past_its_due_date_is_overdue(
        self, analytics: Analytics, testshire
    ):
        a3 = await area(analytics, testshire, "A3")
        assert a3["value"] == 1
        assert a3["extra"]["median_days_overdue"] == 244  # 1 May to 31 December 2025

    async def test_reviews_are_red_amber_green_by_age(self, analytics: Analytics, testshire):
        g1 = await area(analytics, testshire, "G1")
        assert g1["value"] == {"red": 1, "amber": 1, "green": 1}
        first = g1["breakdowns"]["by_partnership"][0]
        assert (first["key"], first["value"]) == (testshire.a["id"], "red")


class TestDuplication:
    async def test_the_two_violence_boards_are_one_merge_candidate(
        self, analytics: Analytics, testshire
    ):
        response = await analytics.get("/v1/duplication", area=testshire.force["id"], **WINDOW)
        body = response.json()
        top = body["pairs"][0]
        assert {top["a"], top["b"]} == {testshire.a["id"], testshire.b["id"]}
        assert top["people_jaccard"] == 5 / 7 and top["people_overlap"] == 5 / 6
        assert top["theme_similarity"] == pytest.approx(1.0)
        assert top["score"] == pytest.approx(5 / 6)
        [cluster] = body["clusters"]
        assert set(cluster["partnerships"]) == {testshire.a["id"], testshire.b["id"]}

    async def test_a_what_if_merge_saves_what_the_duplicates_cost_less_the_merged_board(
        self, analytics: Analytics, testshire
    ):
        body = {"partnership_ids": [testshire.a["id"], testshire.b["id"]], **WINDOW}
        national = await analytics.indicator("C5", **WINDOW)  # fills the national caches
        answer = (await analytics.post("/v1/duplication/what-if", body)).json()
        assert {p["id"] for p in answer["partnerships"]} == {testshire.a["id"], testshire.b["id"]}
        assert answer["current"]["loaded"] != national["value"]["loaded"]
        assert answer["merged"]["members"] == 7
        assert answer["merged"]["meetings_per_year"] == 4
        saving = float(answer["saving"]["loaded"])
        assert saving == pytest.approx(
            float(answer["current"]["loaded"]) - float(answer["merged"]["loaded"])
        )

    async def test_attendance_basis_uses_who_actually_came(self, analytics: Analytics, testshire):
        body = (
            await analytics.get(
                "/v1/duplication", area=testshire.force["id"], basis="attendance", **WINDOW
            )
        ).json()
        top = body["pairs"][0]
        # A's attendees: p1-p5, p9 (deputy); B's: p1-p5, p7. Shared 5 of 7.
        assert top["people_jaccard"] == 5 / 7


class TestDataSharing:
    async def test_turnaround_is_in_working_days(self, analytics: Analytics, testshire):
        s1 = await area(analytics, testshire, "S1")
        assert s1["value"]["median"] == 9.0  # 10 and 8 working days
        assert s1["value"]["p90"] == pytest.approx(9.8)
        assert s1["extra"]["open"] == 1

    async def test_outcomes_and_sla(self, analytics: Analytics, testshire):
        s4 = await area(analytics, testshire, "S4")
        assert s4["value"]["approved"]["rate"] == 0.5
        assert s4["value"]["refused"]["count"] == 1
        s8 = await area(analytics, testshire, "S8")
        assert (s8["value"], s8["n"]) == (2 / 3, 3)  # the unanswered request breaches it

    async def test_reciprocity_compares_the_two_directions(self, analytics: Analytics, testshire):
        s12 = await area(analytics, testshire, "S12")
        assert s12["value"] == 2.0


class TestCostIndicators:
    async def test_a_new_board_is_compared_with_the_board_it_most_resembles(
        self, analytics: Analytics, testshire
    ):
        board = analytics.world.partnership(
            "Handshire New Violence Panel", [testshire.district], themes=["serious_violence"],
            established_date="2025-02-01",
        )  # fmt: skip
        for person in testshire.people[:3]:
            analytics.world.membership(board, person)
        assert (await analytics.sync()).status_code == 200
        c11 = await area(analytics, testshire, "C11")
        [row] = c11["breakdowns"]["new_boards"]
        assert row["key"] == board["id"] and row["members"] == 3
        assert row["best_match"] in (testshire.a["id"], testshire.b["id"])
        assert 0 < float(row["cost_as_agenda_item"]) < float(row["expected_annual_cost"])

    async def test_non_decision_meetings_cost_what_the_talking_shop_cost(
        self, analytics: Analytics, testshire
    ):
        c10 = await area(analytics, testshire, "C10")
        cost = (await analytics.get(f"/v1/costs/meetings/{testshire.meetings['m2']['id']}")).json()
        assert c10["value"]["loaded"] == cost["loaded"]

    async def test_cost_per_decision_is_flagged_where_there_are_none(
        self, analytics: Analytics, testshire
    ):
        c8 = await area(analytics, testshire, "C8")
        rows = {r["key"]: r for r in c8["breakdowns"]["by_partnership"]}
        assert rows[testshire.b["id"]]["value"] is None
        assert any("Violence Reduction Group" in flag for flag in c8["flags"])
