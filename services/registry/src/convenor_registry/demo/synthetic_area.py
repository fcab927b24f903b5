"""One synthetic force area: its partners and their people, partnerships with members, and
their meetings (see :mod:`convenor_registry.demo.synthetic`)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from convenor_registry.demo import people as fictional
from convenor_registry.demo.bulk import BulkWriter
from convenor_registry.demo.synthetic_meetings import meetings_of, per_year, seeded_id
from convenor_registry.memberships.schemas import MembershipRead
from convenor_registry.models import (
    Area,
    Membership,
    Organisation,
    OrganisationArea,
    Partnership,
    PartnershipArea,
    Person,
    Review,
)
from convenor_registry.organisations.schemas import OrganisationRead
from convenor_registry.partnerships.schemas import PartnershipRead
from convenor_registry.people.schemas import PersonRead
from convenor_registry.reviews.schemas import ReviewRead

PARTNERS = (
    ("police_force", "{area} Police"),
    ("fire_rescue", "{area} Fire and Rescue Service"),
    ("health", "{area} Integrated Care Board"),
    ("probation", "Probation Service, {area}"),
    ("youth_justice", "{area} Youth Justice Service"),
    ("education", "{area} schools (education representative)"),
    ("vcse", "{area} Council for Voluntary Service"),
    ("vcse", "{area} Women's Aid"),
    ("courts", "HM Courts and Tribunals Service, {area}"),
    ("cps", "Crown Prosecution Service, {area}"),
)
PLACES = "North South East West Central City Borough Vale Coast Forest Valley Moor Downs Fen"
FORCE_WIDE = (
    ("strategic_board", "{area} Community Safety and Criminal Justice Board", ("prevention",)),
    ("lcjb", "{area} Local Criminal Justice Board", ("cjs_performance", "victims")),
    ("vru", "{area} Violence Reduction Partnership", ("serious_violence", "youth_justice")),
    ("cdp", "{area} Combating Drugs Partnership", ("drugs", "alcohol")),
    ("vawg_board", "{area} VAWG Strategic Board", ("vawg", "sexual_violence")),
    ("domestic_abuse_board", "{area} Domestic Abuse Partnership Board", ("domestic_abuse", "vawg")),
    ("mappa_smb", "{area} MAPPA Strategic Management Board", ("reoffending", "safeguarding")),
    ("reducing_reoffending", "{area} Reducing Reoffending Board", ("reoffending",)),
    ("safeguarding_children", "{area} Safeguarding Children Partnership", ("safeguarding",)),
    ("safeguarding_adults", "{area} Safeguarding Adults Board", ("safeguarding",)),
    ("health_wellbeing", "{area} Health and Wellbeing Board", ("mental_health", "prevention")),
)
STATUTORY = {
    "csp",
    "lcjb",
    "mappa_smb",
    "safeguarding_children",
    "safeguarding_adults",
    "health_wellbeing",
    "domestic_abuse_board",
    "vru",
}


def _review_due(values: dict[str, Any]) -> dict[str, Any]:
    since = values.get("last_reviewed_date") or values.get("established_date")
    cycle = values.get("review_cycle_months")
    due = since + relativedelta(months=cycle) if since and cycle else None
    return {"next_review_due": due}


class AreaGenerator:
    """One force area's synthetic landscape, written through a :class:`BulkWriter`."""

    def __init__(
        self,
        writer: BulkWriter,
        force: Area,
        pcc: Organisation,
        councils: list[Area],
        seed: int,
        years: int,
        today: date,
    ) -> None:
        self.w, self.force, self.pcc = writer, force, pcc
        self.councils = councils
        self.rng = random.Random(f"{seed}:{force.gss_code}")
        self.names = fictional.Names(self.rng)
        self.years, self.today = years, today
        self.marker = seeded_id(self.rng)  # the id of the area's first organisation
        self.people: list[tuple[uuid.UUID, uuid.UUID, int]] = []  # person, employer, seniority
        self.partnerships: list[tuple[uuid.UUID, str, tuple[str, ...]]] = []
        self.seats: dict[uuid.UUID, list[tuple[uuid.UUID, uuid.UUID]]] = {}

    def organisation(
        self,
        name: str,
        classification: str,
        area_ids: list[uuid.UUID],
        record_id: uuid.UUID | None = None,
    ) -> uuid.UUID:
        organisation_id = self.w.add(
            "organisation",
            Organisation,
            {
                "id": record_id or seeded_id(self.rng),
                "name": name,
                "classification": classification,
                "kind": None,
                "kind_effective_from": None,
                "identifiers": [],
                "pension_scheme": fictional.PENSIONS.get(classification, "other"),
                "website": None,
            },
            OrganisationRead,
            managed_by=self.pcc.id,
            extra={"area_ids": area_ids},
        )
        for area_id in area_ids:
            self.w.link(OrganisationArea, {"organisation_id": organisation_id, "area_id": area_id})
        self.staff(organisation_id, name, classification)
        return organisation_id

    def staff(self, organisation_id: uuid.UUID, organisation: str, classification: str) -> None:
        roles = fictional.ROLES.get(classification, fictional.ROLES["other"])
        for role in roles[: self.rng.randint(2, len(roles))] if len(roles) > 2 else roles:
            name = self.names.next()
            person_id = self.w.add(
                "person",
                Person,
                {
                    "id": seeded_id(self.rng),
                    "name": name,
                    "organisation_id": organisation_id,
                    "role_title": role.title,
                    "seniority": role.seniority,
                    "salary_band": role.band,
                    "contract_hours": 37.0,
                    "email": fictional.email(name, organisation),
                    "phone": None,
                },
                PersonRead,
                managed_by=self.pcc.id,
            )
            self.people.append((person_id, organisation_id, role.seniority))

    def partnership(
        self,
        type_: str,
        name: str,
        themes: tuple[str, ...],
        footprint: list[uuid.UUID],
        parent: uuid.UUID | None,
        chair: uuid.UUID | None,
    ) -> uuid.UUID:
        established = date(self.rng.choice((1999, 2003, 2010, 2015, 2019, 2021, 2023)), 4, 1)
        reviewed = None
        if self.rng.random() < 0.55:  # the rest were never reviewed
            reviewed = self.today - timedelta(days=self.rng.randint(60, 9 * 365))
            reviewed = max(reviewed, established)
        values = {
            "id": seeded_id(self.rng),
            "name": name,
            "short_name": None,
            "type": type_,
            "description": None,
            "statutory": type_ in STATUTORY,
            "statutory_basis_citation": None,
            "statutory_basis_url": None,
            "parent_id": parent,
            "chair_organisation_id": chair,
            "secretariat_organisation_id": chair,
            "themes": list(themes),
            "status": "active",
            "established_date": established,
            "ended_date": None,
            "review_cycle_months": self.rng.choice((24, 36, 60)),
            "last_reviewed_date": reviewed,
            "meetings_per_year": per_year(type_),
            "annual_support_cost": None,
        }
        partnership_id = self.w.add(
            "partnership",
            Partnership,
            values,
            PartnershipRead,
            managed_by=self.pcc.id,
            extra={"footprint_area_ids": footprint} | _review_due(values),
        )
        for area_id in footprint:
            self.w.link(PartnershipArea, {"partnership_id": partnership_id, "area_id": area_id})
        if reviewed is not None:
            self.w.add(
                "review",
                Review,
                {
                    "id": seeded_id(self.rng),
                    "partnership_id": partnership_id,
                    "review_date": reviewed,
                    "reviewer": "OPCC partnership team",
                    "criteria": ["purpose", "duplication"],
                    "outcome": self.rng.choice(("retain", "retain", "refocus")),
                    "merge_into_id": None,
                    "summary": None,
                },
                ReviewRead,
                managed_by=self.pcc.id,
            )
        self.partnerships.append((partnership_id, type_, themes))
        return partnership_id

    def members(self, partnership_id: uuid.UUID, type_: str) -> None:
        """Senior people sit on many boards: strategic boards draw from the most senior."""
        senior = type_ in ("strategic_board", "lcjb", "vru", "mappa_smb", "health_wellbeing")
        pool = sorted(self.people, key=lambda p: -p[2]) if senior else list(self.people)
        pool = pool[: max(12, len(pool) // (3 if senior else 1))]
        chosen = self.rng.sample(pool, k=min(len(pool), self.rng.randint(7, 14)))
        seats = []
        for number, (person_id, employer, _) in enumerate(chosen):
            deputies = [str(p[0]) for p in self.people if p[1] == employer and p[0] != person_id][
                :1
            ]
            self.w.add(
                "membership",
                Membership,
                {
                    "id": seeded_id(self.rng),
                    "partnership_id": partnership_id,
                    "person_id": person_id,
                    "organisation_id": None,
                    "on_behalf_of_id": employer,
                    "role": "chair" if number == 0 else "member",
                    "voting": True,
                    "required": number < 4,
                    "start_date": None,
                    "end_date": None,
                    "deputy_ids": deputies if self.rng.random() < 0.5 else [],
                },
                MembershipRead,
                managed_by=self.pcc.id,
            )
            seats.append((person_id, employer))
        self.seats[partnership_id] = seats

    def build(self) -> None:
        area = self.force.name
        councils: list[Area | None] = list(self.councils) or [None] * self.rng.randint(3, 14)
        places = PLACES.split()
        self.organisation(
            f"{area} Police Partnership Office", "other", [self.force.id], self.marker
        )
        partners = [
            self.organisation(name.format(area=area), kind, [self.force.id])
            for kind, name in PARTNERS
        ]
        local = []
        for number, council in enumerate(councils):
            title = council.name if council else f"{area} {places[number % len(places)]}"
            if council is None and number >= len(places):
                title += f" {number // len(places) + 1}"
            footprint = [council.id] if council else [self.force.id]
            local.append(
                (
                    title,
                    footprint,
                    self.organisation(f"{title} Council", "local_authority", footprint),
                )
            )
        everywhere = [self.force.id]
        for type_, name, themes in FORCE_WIDE:
            board = self.partnership(
                type_, name.format(area=area), themes, everywhere, None, self.pcc.id
            )
            self.members(board, type_)
            for number in range(self.rng.randint(1, 3)):
                sub = self.partnership(
                    "sub_group",
                    f"{name.format(area=area)}: delivery group {number + 1}",
                    themes,
                    everywhere,
                    board,
                    self.pcc.id,
                )
                self.members(sub, "sub_group")
            if self.rng.random() < 0.5:
                task = self.partnership(
                    "task_and_finish",
                    f"{name.format(area=area)}: task and finish group",
                    themes,
                    everywhere,
                    board,
                    self.pcc.id,
                )
                self.members(task, "task_and_finish")
        for title, footprint, council_id in local:
            csp = self.partnership(
                "csp",
                f"{title} Community Safety Partnership",
                ("asb", "drugs", "domestic_abuse", "serious_violence"),
                footprint,
                None,
                council_id,
            )
            self.members(csp, "csp")
            group = self.partnership(
                "sub_group",
                f"{title} ASB and Neighbourhoods Group",
                ("asb",),
                footprint,
                csp,
                council_id,
            )
            self.members(group, "sub_group")
        del partners

    def activity(self, now: datetime) -> int:
        first = datetime.combine(self.today - relativedelta(years=self.years), time(10), UTC)
        return sum(
            meetings_of(
                self.w,
                self.rng,
                self.pcc.id,
                pid,
                type_,
                themes,
                self.seats.get(pid, []),
                first,
                self.years,
                now,
            )
            for pid, type_, themes in self.partnerships
        )
