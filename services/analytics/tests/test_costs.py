"""The cost calculator and the costs of meetings, partnerships, areas, people, organisations."""

from __future__ import annotations

from decimal import Decimal

import pytest

from . import landscapes
from .conftest import Analytics

REPORT = {
    "attendees": [{"salary": 50000, "count": 12}],
    "duration_minutes": 120,
    "prep_minutes": 60,
    "meetings_per_year": 4,
    "boards": 50,
    "working_hours_per_year": 1764,
    "on_costs": None,
}


def penny(value: str) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


class TestTheReportsExample:
    @pytest.mark.parametrize(
        ("salary", "board", "fifty"),
        [(50000, "4081.63", "204081.63"), (80000, "6530.61", "326530.61")],
    )
    async def test_it_comes_out_to_the_penny(
        self, analytics: Analytics, salary: int, board: str, fifty: str
    ):
        body = REPORT | {"attendees": [{"salary": salary, "count": 12}]}
        response = await analytics.post("/v1/costs/estimate", body)
        assert response.status_code == 200, response.text
        answer = response.json()
        assert penny(answer["per_board_year"]) == board
        assert penny(answer["portfolio_year"]) == fifty
        assert answer["rounded"]["portfolio_year"] == fifty
        assert answer["person_hours_per_board_year"] == "144"

    async def test_figures_are_unrounded_decimal_strings(self, analytics: Analytics):
        answer = (await analytics.post("/v1/costs/estimate", REPORT)).json()
        assert answer["per_board_year"].startswith("4081.632653061224489795918")
        assert Decimal(answer["per_meeting"]) * 4 - Decimal(answer["per_board_year"]) < Decimal(
            "1e-20"
        )
        assert answer["parameters"]["on_costs"] is None
        assert answer["parameters"]["working_hours_per_year"] == "1764"

    async def test_the_c7_indicator_says_the_parameters_reproduce_the_report(
        self, analytics: Analytics
    ):
        c7 = await analytics.indicator("C7")
        assert c7["extra"]["reproduces_apcc"] is True
        assert penny(c7["value"]["fifty_boards_at_80000"]) == "326530.61"
        assert "356,500" in c7["notes"][0]


class TestLoadedCosts:
    async def test_from_april_2025_employer_ni_is_15_percent_above_5000(self, analytics: Analytics):
        body = REPORT | {"on_costs": {"date": "2025-06-01", "pension_scheme": "lgps"}}
        answer = (await analytics.post("/v1/costs/estimate", body)).json()
        # 50,000 + 15% x 45,000 + 21.1% x 50,000 = 67,300 a year, x 144 / 1,764 hours.
        exact = Decimal(67300 * 144) / Decimal(1764)
        assert abs(Decimal(answer["per_board_year"]) - exact) < Decimal("1e-20")
        assert answer["rounded"]["per_board_year"] == "5493.88"
        on_costs = answer["parameters"]["on_costs"]
        assert on_costs["employer_ni_rate"] == "0.15"
        assert on_costs["employer_ni_effective_from"] == "2025-04-06"

    async def test_before_april_2025_it_is_13_8_percent_above_9100(self, analytics: Analytics):
        body = REPORT | {"on_costs": {"date": "2025-01-15", "pension_scheme": "lgps"}}
        answer = (await analytics.post("/v1/costs/estimate", body)).json()
        # 50,000 + 13.8% x 40,900 + 21.1% x 50,000 = 66,194.20.
        assert answer["rounded"]["per_board_year"] == "5403.61"
        assert answer["parameters"]["on_costs"]["employer_ni_threshold"] == "9100"

    async def test_the_pension_scheme_selects_its_dated_rate(self, analytics: Analytics):
        body = REPORT | {"on_costs": {"date": "2024-06-01", "pension_scheme": "police"}}
        answer = (await analytics.post("/v1/costs/estimate", body)).json()
        assert answer["parameters"]["on_costs"]["pension_rate"] == "0.31"
        expected = (Decimal(50000) + Decimal("0.138") * 40900 + Decimal("0.31") * 50000) * 144
        assert answer["rounded"]["per_board_year"] == penny(str(expected / 1764))

    async def test_explicit_rates_override_the_tables(self, analytics: Analytics):
        body = REPORT | {"on_costs": {"employer_ni_rate": 0, "pension_rate": "0.5"}}
        answer = (await analytics.post("/v1/costs/estimate", body)).json()
        assert answer["rounded"]["per_board_year"] == penny(str(Decimal(75000 * 144) / 1764))

    async def test_a_vanishing_working_year_is_422_not_500(self, analytics: Analytics):
        # A 500 (a quotient too large to round) until found by schemathesis.
        body = {
            "duration_minutes": 66,
            "attendees": [{"salary": 1e-05, "count": 3409}],
            "boards": 4089,
            "working_hours_per_year": 5e-324,
        }
        response = await analytics.post("/v1/costs/estimate", body)
        assert response.status_code == 422, response.text
        extreme = body | {"working_hours_per_year": 1, "meetings_per_year": 366}
        extreme["attendees"] = [{"salary": 10_000_000, "count": 10_000}]
        response = await analytics.post("/v1/costs/estimate", extreme | {"boards": 100_000})
        assert response.status_code == 200, response.text

    async def test_an_unknown_field_is_refused(self, analytics: Analytics):
        response = await analytics.post("/v1/costs/estimate", REPORT | {"salary": 1})
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"


class TestCostsFromTheReadModel:
    async def test_a_meeting_costs_its_attendees_time_salary_and_loaded(self, analytics: Analytics):
        land = landscapes.build(analytics.world, "Costshire")
        assert (await analytics.sync()).status_code == 200
        m1 = land.meetings["m1"]["id"]
        cost = (await analytics.get(f"/v1/costs/meetings/{m1}")).json()
        # Five present for three hours (two of meeting, one of preparation): p1 at £80,000.
        assert Decimal(cost["salary"]) == Decimal((80000 + 4 * 50000) * 180) / (60 * 1764)
        assert Decimal(cost["loaded"]) > Decimal(cost["salary"])
        assert cost["attendances"] == 5
        assert cost["person_hours"] == "15"

    async def test_a_partnership_sums_its_meetings_in_the_window(self, analytics: Analytics):
        land = landscapes.build(analytics.world, "Sumshire")
        await analytics.sync()
        cost = (
            await analytics.get(f"/v1/costs/partnerships/{land.a['id']}", **landscapes.WINDOW)
        ).json()
        m1 = Decimal((80000 + 4 * 50000) * 180) / (60 * 1764)
        m2 = Decimal((80000 + 4 * 50000) * 180) / (60 * 1764)  # four present and a deputy
        assert Decimal(cost["salary"]).quantize(Decimal("0.0001")) == (m1 + m2).quantize(
            Decimal("0.0001")
        )
        assert cost["meetings"] == 2

    async def test_an_area_covers_the_partnerships_of_its_authorities(self, analytics: Analytics):
        land = landscapes.build(analytics.world, "Areashire")
        await analytics.sync()
        code = land.force["gss_code"]
        cost = (await analytics.get(f"/v1/costs/areas/{code}", **landscapes.WINDOW)).json()
        assert cost["meetings"] == 4
        assert cost["subject"]["name"] == "Areashire"

    async def test_a_persons_cost_is_hidden_from_other_organisations(self, analytics: Analytics):
        land = landscapes.build(analytics.world, "Privshire")
        await analytics.sync()
        person = land.people[0]
        url = f"/v1/costs/people/{person['id']}"
        assert (await analytics.get(url)).status_code == 404
        own = analytics.fake.issuer.headers(["analytics:read"], org=person["organisation_id"])
        mine = await analytics.client.get(url, headers=own, params=landscapes.WINDOW)
        assert mine.status_code == 200
        assert mine.json()["attendances"] == 3

    async def test_an_organisation_costs_the_time_of_those_who_came_for_it(
        self, analytics: Analytics
    ):
        land = landscapes.build(analytics.world, "Orgshire")
        await analytics.sync()
        url = f"/v1/costs/organisations/{land.police['id']}"
        cost = (await analytics.get(url, **landscapes.WINDOW)).json()
        # p1 (police) at m1, m2, m3; p5 (police) at m1, m3; p9 (police) deputised at m2.
        assert cost["attendances"] == 6
