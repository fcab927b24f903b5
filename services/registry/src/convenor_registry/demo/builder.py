"""Building one case-study area through the domain services, as the area's OPCC would through
the API: organisations, their people, partnerships, memberships with deputies, strategies
aligned to the Police and Crime Plan, relations, reviews and terms of reference. Meetings and
what happens at them are in :mod:`convenor_registry.demo.activity`."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.demo import people as fictional
from convenor_registry.demo import repository
from convenor_registry.demo.case_studies import STRATEGIC, WORKING, Area, Board, Strategy
from convenor_registry.memberships import service as memberships_service
from convenor_registry.memberships.schemas import MembershipCreate
from convenor_registry.models import Membership, Organisation, Partnership, Person
from convenor_registry.organisations import service as organisations_service
from convenor_registry.organisations.schemas import OrganisationCreate
from convenor_registry.partnerships import service as partnerships_service
from convenor_registry.partnerships.schemas import (
    PartnershipCreate,
    PartnershipUpdate,
    RelationCreate,
    TermsOfReferenceCreate,
)
from convenor_registry.people import service as people_service
from convenor_registry.people.schemas import PersonCreate
from convenor_registry.reviews import service as reviews_service
from convenor_registry.reviews.schemas import ReviewCreate
from convenor_registry.strategies import service as strategies_service
from convenor_registry.strategies.schemas import PriorityCreate, StrategyCreate
from convenor_shared.auth import Caller


@dataclass
class Seat:
    person: Person
    organisation: Organisation
    membership: Membership
    deputy: Person | None


@dataclass
class Built:
    """What one area's build made, for the meetings that follow."""

    area: Area
    by: Caller
    pcc: Organisation
    orgs: dict[str, Organisation] = field(default_factory=dict)
    staff: dict[str, list[Person]] = field(default_factory=dict)
    boards: dict[str, Partnership] = field(default_factory=dict)
    seats: dict[str, list[Seat]] = field(default_factory=dict)
    officer: Person | None = None


class AreaBuilder:
    def __init__(self, session: AsyncSession, rng: random.Random, names: fictional.Names) -> None:
        self.session, self.rng, self.names = session, rng, names

    async def build(self, area: Area) -> Built:
        force = await repository.area_by_code(self.session, area.gss)
        assert force is not None, f"reference area {area.gss} is not loaded"
        pcc = await repository.policing_body(self.session, force.id)
        assert pcc is not None, f"no policing body for {area.gss}"
        by = Caller(
            client_id="system:demo",
            organisation_id=pcc.id,
            org_kind=pcc.kind,
            scopes=frozenset({"registry:read", "registry:write"}),
        )
        built = Built(area, by, pcc, orgs={"pcc": pcc})
        built.staff["pcc"] = await self._staff(built, pcc)
        built.officer = built.staff["pcc"][-1]
        for spec in area.orgs:
            built.orgs[spec.key] = await self._organisation(
                built, spec.name, spec.classification, spec.areas
            )
            built.staff[spec.key] = await self._staff(built, built.orgs[spec.key])
        for code in filter(None, area.extra.get("also_pccs", "").split(",")):
            other_area = await repository.area_by_code(self.session, code)
            other = (
                await repository.policing_body(self.session, other_area.id) if other_area else None
            )
            if other is not None:
                built.orgs[f"pcc_{code}"] = other
                built.staff[f"pcc_{code}"] = (await self._staff(built, other))[:1]
        for board in area.boards:
            built.boards[board.key] = await self._partnership(built, board)
            built.seats[board.key] = await self._members(built, board)
        for source, kind, target, since in area.relations:
            relation = RelationCreate(
                type=kind,  # type: ignore[arg-type]
                related_partnership_id=built.boards[target].id,
                start_date=date.fromisoformat(since) if since else None,
            )
            await partnerships_service.add_relation(
                self.session, built.boards[source], relation, by
            )
        await self._reviews(built)
        for key in area.terms:
            governed = built.boards[key]
            terms = TermsOfReferenceCreate(
                title=f"Terms of reference: {governed.name}",
                adopted_date=governed.established_date or date(2023, 4, 1),
                review_date=date(2026, 4, 1),
            )
            await partnerships_service.add_terms(self.session, governed, terms, by)
        await self._strategies(built)
        return built

    async def _organisation(
        self, built: Built, name: str, classification: str, codes: tuple[str, ...]
    ) -> Organisation:
        area_ids = []
        for code in codes:
            found = await repository.area_by_code(self.session, code)
            if found is not None:
                area_ids.append(found.id)
        body = OrganisationCreate(
            name=name,
            classification=classification,  # type: ignore[arg-type]
            pension_scheme=fictional.PENSIONS.get(classification, "other"),  # type: ignore[arg-type]
            area_ids=area_ids,
        )
        return await organisations_service.create(self.session, body, built.by)

    async def _staff(self, built: Built, organisation: Organisation) -> list[Person]:
        roles = fictional.ROLES.get(organisation.classification, fictional.ROLES["other"])
        staff = []
        for number, role in enumerate(roles):
            name = self.names.next()
            body = PersonCreate(
                name=name,
                organisation_id=organisation.id,
                role_title=role.title,
                seniority=role.seniority,  # type: ignore[arg-type]
                salary_band=role.band,  # type: ignore[arg-type]
                contract_hours=37,
                email=fictional.email(name, organisation.name),
                phone=fictional.phone(built.area.gss, self.rng.randrange(1000) + number),
            )
            staff.append(await people_service.create(self.session, body, built.by))
        return staff

    async def _partnership(self, built: Built, board: Board) -> Partnership:
        footprint = []
        for code in board.footprint:
            found = await repository.area_by_code(self.session, code)
            if found is not None:
                footprint.append(found.id)
        body = PartnershipCreate(
            name=board.name,
            short_name=board.short,
            type=board.type,  # type: ignore[arg-type]
            description=board.description,
            statutory=board.statutory is not None,
            statutory_basis_citation=board.statutory[0] if board.statutory else None,
            statutory_basis_url=board.statutory[1] if board.statutory else None,  # type: ignore[arg-type]
            footprint_area_ids=footprint,
            parent_id=built.boards[board.parent].id if board.parent else None,
            chair_organisation_id=built.orgs[board.chair].id if board.chair else None,
            secretariat_organisation_id=built.orgs[board.secretariat].id
            if board.secretariat
            else None,
            themes=list(board.themes),  # type: ignore[arg-type]
            status=board.status,  # type: ignore[arg-type]
            established_date=date.fromisoformat(board.established) if board.established else None,
            review_cycle_months=board.cycle,
            meetings_per_year=board.per_year,
            annual_support_cost=board.support_cost,  # type: ignore[arg-type]
        )
        return await partnerships_service.create(self.session, body, built.by)

    def _who(self, built: Built, key: str, board: Board) -> tuple[Person, Person | None]:
        """The same person represents an organisation on every board of the same level, so
        that boards of a level share their people, as the report found."""
        staff = built.staff[key]
        if key == "pcc":
            index = {STRATEGIC: 0, WORKING: 4}.get(board.level, 2)
        else:
            index = {STRATEGIC: 0, WORKING: len(staff) - 1}.get(board.level, min(1, len(staff) - 1))
        deputy = staff[index + 1] if index + 1 < len(staff) and board.level != WORKING else None
        return staff[index], deputy

    async def _members(self, built: Built, board: Board) -> list[Seat]:
        partnership = built.boards[board.key]
        keys = list(board.members) + [k for k in built.orgs if k.startswith("pcc_")]
        seats = []
        for key in dict.fromkeys(keys):
            person, deputy = self._who(built, key, board)
            role = "chair" if key == board.chair else "member"
            if key == built.area.extra.get("slp_vice_chair") and board.key == "slp":
                role = "vice_chair"
            organisation = built.orgs[key]
            body = MembershipCreate(
                person_id=person.id,
                on_behalf_of_id=organisation.id,
                role=role,  # type: ignore[arg-type]
                required=organisation.classification
                in ("local_authority", "police_force", "health", "local_policing_body"),
                start_date=board.established and date.fromisoformat(board.established),
                deputy_ids=[deputy.id] if deputy else [],
            )
            membership = await memberships_service.create(self.session, partnership, body, built.by)
            seats.append(Seat(person, organisation, membership, deputy))
        if board.secretariat == "pcc" and built.officer is not None:
            body = MembershipCreate(
                person_id=built.officer.id,
                on_behalf_of_id=built.pcc.id,
                role="secretariat",
                voting=False,
            )
            await memberships_service.create(self.session, partnership, body, built.by)
        return seats

    async def _reviews(self, built: Built) -> None:
        for review in built.area.reviews:
            board = built.boards[review.board]
            body = ReviewCreate(
                review_date=date.fromisoformat(review.date),
                reviewer="OPCC partnership team",
                criteria=["purpose", "membership", "duplication", "cost", "outcomes"],
                outcome=review.outcome,  # type: ignore[arg-type]
                merge_into_id=built.boards[review.into].id if review.into else None,
                summary=review.summary,
            )
            await reviews_service.create(self.session, board, body, built.by)
        for key, ended in built.area.discontinued:
            board = built.boards[key]
            change = PartnershipUpdate(status="discontinued", ended_date=date.fromisoformat(ended))
            await partnerships_service.update(self.session, board, change, built.by)

    async def _strategies(self, built: Built) -> None:
        plan_priorities = []
        if built.area.plan:
            plan = await strategies_service.create(
                self.session,
                StrategyCreate(
                    name=f"Police and Crime Plan 2024-2029 ({built.pcc.name})",
                    kind="police_and_crime_plan",
                    owner_organisation_id=built.pcc.id,
                    period_start=date(2024, 7, 1),
                    period_end=date(2029, 3, 31),
                ),
                built.by,
            )
            for position, (title, themes) in enumerate(built.area.plan):
                body = PriorityCreate(title=title, position=position, themes=list(themes))  # type: ignore[arg-type]
                plan_priorities.append(
                    await strategies_service.add_priority(self.session, plan, body, built.by)
                )
        for spec in built.area.strategies:
            await self._strategy(built, spec, [p.id for p in plan_priorities])

    async def _strategy(self, built: Built, spec: Strategy, plan: list[uuid.UUID]) -> None:
        body = StrategyCreate(
            name=spec.name,
            kind=spec.kind,  # type: ignore[arg-type]
            owner_partnership_id=built.boards[spec.owner_board].id if spec.owner_board else None,
            owner_organisation_id=built.orgs[spec.owner_org].id if spec.owner_org else None,
            joint_owner_ids=[built.orgs[k].id for k in spec.joint],
            period_start=date.fromisoformat(spec.period[0]),
            period_end=date.fromisoformat(spec.period[1]),
        )
        strategy = await strategies_service.create(self.session, body, built.by)
        for position, (title, themes, aligned) in enumerate(spec.priorities):
            priority = PriorityCreate(
                title=title,
                position=position,
                themes=list(themes),  # type: ignore[arg-type]
                aligned_to_ids=[plan[i] for i in aligned if i < len(plan)],
            )
            await strategies_service.add_priority(self.session, strategy, priority, built.by)
