"""What already exists, indexed the ways a spreadsheet refers to it: by id, by natural key and
by name; and the near-duplicate check for names.

Names are compared normalised: case folded, accents and punctuation dropped, ``&`` read as
"and", runs of spaces collapsed. Two names are *likely the same* when their normalised forms
are equal or their ``difflib`` ratio is at least ``NEAR_MATCH`` (0.88: "Knowsley Council"
and "Knowsley Counsil" match, "Knowsley Council" and "Sefton Council" do not).
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.models import (
    Action,
    Area,
    Meeting,
    Membership,
    Organisation,
    OrganisationArea,
    Partnership,
    PartnershipArea,
    Person,
)
from convenor_registry.spreadsheets import repository

NEAR_MATCH = 0.88
_PUNCTUATION = re.compile(r"[^\w\s]")


@functools.lru_cache(maxsize=65_536)
def normalise(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(_PUNCTUATION.sub(" ", plain.replace("&", " and ")).split())


class Ambiguous(LookupError):
    """A name that several records share: the row must give the id."""


@dataclass
class Named:
    """Records of one kind by id and by normalised name (existing ones and planned ones)."""

    by_name: dict[str, list[uuid.UUID]] = field(default_factory=lambda: defaultdict(list))
    names: dict[uuid.UUID, str] = field(default_factory=dict)
    keys: dict[uuid.UUID, str] = field(default_factory=dict)

    def add(self, record_id: uuid.UUID, name: str) -> None:
        self.names[record_id] = name
        self.keys[record_id] = normalise(name)
        self.by_name[self.keys[record_id]].append(record_id)

    def find(self, name: str) -> uuid.UUID | None:
        found = self.by_name.get(normalise(name), [])
        if len(found) > 1:
            raise Ambiguous(f"{len(found)} records are called {name!r}; give the id instead")
        return found[0] if found else None

    def unique(self, record_id: uuid.UUID) -> bool:
        return len(self.by_name.get(self.keys.get(record_id, ""), [])) == 1

    def label(self, record_id: uuid.UUID | None) -> str | None:
        """What an export writes for a reference: the name if unique, else the id."""
        if record_id is None:
            return None
        if record_id not in self.names or not self.unique(record_id):
            return str(record_id)
        return self.names[record_id]

    def near(self, name: str, among: list[uuid.UUID] | None = None) -> list[uuid.UUID]:
        """Records whose names nearly match ``name``."""
        key = normalise(name)
        pool = self.by_name if among is None else _names_of(self, among)
        close = difflib.get_close_matches(key, list(pool), n=3, cutoff=NEAR_MATCH)
        return [record_id for match in close for record_id in pool[match]]


def _names_of(named: Named, ids: list[uuid.UUID]) -> dict[str, list[uuid.UUID]]:
    pool: dict[str, list[uuid.UUID]] = defaultdict(list)
    for record_id in ids:
        if record_id in named.names:
            pool[normalise(named.names[record_id])].append(record_id)
    return pool


@dataclass
class Index:
    """Existing records, plus those the upload will create (under provisional ids)."""

    area_ids: dict[str, uuid.UUID]
    area_codes: dict[uuid.UUID, str]
    organisations: dict[uuid.UUID, Organisation]
    people: dict[uuid.UUID, Person]
    partnerships: dict[uuid.UUID, Partnership]
    organisation_areas: dict[uuid.UUID, list[uuid.UUID]]
    footprints: dict[uuid.UUID, list[uuid.UUID]]
    # The area records, held so that the services' look-ups by id find them in the session.
    areas: list[Area] = field(default_factory=list)
    # Memberships, meetings, actions and registers as plain rows (see repository).
    memberships: dict[uuid.UUID, Any] = field(default_factory=dict)
    meetings: dict[uuid.UUID, Any] = field(default_factory=dict)
    actions: dict[uuid.UUID, Any] = field(default_factory=dict)
    attendance: dict[uuid.UUID, list[Any]] = field(default_factory=dict)
    organisation_names: Named = field(default_factory=Named)
    person_names: Named = field(default_factory=Named)
    partnership_names: Named = field(default_factory=Named)
    employees: dict[uuid.UUID | None, list[uuid.UUID]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # Natural keys → id, for existing and planned records alike.
    keys: dict[tuple[Any, ...], uuid.UUID] = field(default_factory=dict)
    # Planned records: provisional id → the sheet row that creates it.
    planned: dict[uuid.UUID, tuple[str, int]] = field(default_factory=dict)
    # Names and keys of rows that failed: references to them are not errors twice over.
    failed: set[tuple[Any, ...]] = field(default_factory=set)

    def add_organisation(self, record_id: uuid.UUID, name: str, classification: str) -> None:
        self.organisation_names.add(record_id, name)
        self.keys[("organisation", normalise(name), classification)] = record_id

    def add_person(self, record_id: uuid.UUID, name: str, employer: uuid.UUID | None) -> None:
        self.person_names.add(record_id, name)
        self.employees[employer].append(record_id)
        self.keys[("person", normalise(name), employer)] = record_id

    def add_partnership(self, record_id: uuid.UUID, name: str, type: str) -> None:
        self.partnership_names.add(record_id, name)
        self.keys[("partnership", normalise(name), type)] = record_id

    def add_membership(self, membership: Any) -> None:
        member = membership.person_id or membership.organisation_id
        self.memberships[membership.id] = membership
        self.keys.setdefault(("membership", membership.partnership_id, member), membership.id)

    def add_meeting(self, meeting: Any) -> None:
        self.meetings[meeting.id] = meeting
        self.keys.setdefault(("meeting", meeting.partnership_id, meeting.start), meeting.id)

    def add_action(self, action: Any) -> None:
        self.actions[action.id] = action
        key = ("action", action.partnership_id, action.meeting_id, normalise(action.title))
        self.keys.setdefault(key, action.id)

    def meeting_at(self, partnership_id: uuid.UUID, start: datetime) -> uuid.UUID | None:
        return self.keys.get(("meeting", partnership_id, start))

    async def load_children(
        self,
        session: AsyncSession,
        partnership_ids: set[uuid.UUID],
        ids: set[uuid.UUID],
        meeting_ids: set[uuid.UUID],
    ) -> None:
        """Memberships, meetings, actions and registers of the partnerships an upload touches."""
        scope, named = sorted(partnership_ids), sorted(ids)
        for row in await repository.rows_of_partnerships(session, Membership, scope, named):
            self.add_membership(row)
        for row in await repository.rows_of_partnerships(session, Meeting, scope, named):
            self.add_meeting(row)
        for row in await repository.rows_of_partnerships(session, Action, scope, named):
            self.add_action(row)
        wanted = sorted(meeting_ids | set(self.meetings))
        self.attendance = await repository.attendance(session, wanted)


async def load(session: AsyncSession) -> Index:
    """Organisations, people, partnerships and areas: what names and codes can refer to."""
    areas = await repository.areas(session)
    index = Index(
        area_ids={area.gss_code: area.id for area in areas},
        area_codes={area.id: area.gss_code for area in areas},
        organisations={o.id: o for o in await repository.all_live(session, Organisation)},
        people={p.id: p for p in await repository.all_live(session, Person)},
        partnerships={p.id: p for p in await repository.all_live(session, Partnership)},
        organisation_areas=await repository.links(session, OrganisationArea),
        footprints=await repository.links(session, PartnershipArea),
        areas=areas,
    )
    for organisation in index.organisations.values():
        index.add_organisation(organisation.id, organisation.name, organisation.classification)
    for person in index.people.values():
        index.add_person(person.id, person.name, person.organisation_id)
    for partnership in index.partnerships.values():
        index.add_partnership(partnership.id, partnership.name, partnership.type)
    return index
