"""Meetings of one synthetic partnership over the years asked for: registers, agendas,
decisions and actions, with the same proportions of apologies, deputies, cancellations and
overdue actions as the demo."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from convenor_registry.actions.schemas import ActionRead
from convenor_registry.agenda.schemas import AgendaItemRead, DecisionRead
from convenor_registry.demo.activity import ITEMS
from convenor_registry.demo.bulk import BulkWriter
from convenor_registry.meetings.schemas import MeetingRead
from convenor_registry.models import Action, AgendaItem, Decision, Meeting

PER_YEAR = {"strategic_board": 4, "task_and_finish": 8, "sub_group": 6, "vru": 6, "csp": 4}
AHEAD = timedelta(days=90)


def per_year(type_: str) -> int:
    return PER_YEAR.get(type_, 4)


def _action_read(row: dict[str, Any]) -> dict[str, Any]:
    return ActionRead.model_validate(row).model_dump(mode="json", exclude={"overdue"})


def seeded_id(rng: random.Random) -> uuid.UUID:
    """An id drawn from the area's generator: the same seed gives the same ids."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def meetings_of(
    w: BulkWriter,
    rng: random.Random,
    manager: uuid.UUID,
    partnership_id: uuid.UUID,
    type_: str,
    themes: tuple[str, ...],
    seats: list[tuple[uuid.UUID, uuid.UUID]],
    first: datetime,
    years: int,
    now: datetime,
) -> int:
    """Write the partnership's meetings from ``first`` to three months after ``now``."""
    gap = timedelta(days=365 / per_year(type_))
    when = first + timedelta(days=rng.randint(0, 30), hours=rng.choice((0, 1, 3, 4)))
    count = 0
    while when < now + AHEAD:
        count += 1
        past = when < now
        roll = rng.random()
        status = "scheduled"
        if past:
            status = "cancelled" if roll < 0.08 else "postponed" if roll < 0.12 else "held"
        purpose = "decision"
        if rng.random() < 0.15:
            purpose = rng.choice(("relational", "horizon_scanning", "delivery"))
        minutes = 120 if type_ in ("strategic_board", "lcjb") else 90
        meeting_id = w.add(
            "meeting",
            Meeting,
            {
                "id": seeded_id(rng),
                "partnership_id": partnership_id,
                "series_id": None,
                "title": None,
                "start": when,
                "end": when + timedelta(minutes=minutes),
                "prep_minutes": 60,
                "mode": rng.choice(("in_person", "online", "hybrid")),
                "status": status,
                "purpose": purpose,
                "location": None,
                "online_url": None,
                "support_hours": None,
                "direct_costs": None,
            },
            MeetingRead,
            managed_by=manager,
        )
        if status == "held" and seats:
            _held(w, rng, manager, partnership_id, meeting_id, themes, seats, when, now.date())
        when += gap + timedelta(days=rng.randint(-7, 7))
    return count


def _held(
    w: BulkWriter,
    rng: random.Random,
    manager: uuid.UUID,
    partnership_id: uuid.UUID,
    meeting_id: uuid.UUID,
    themes: tuple[str, ...],
    seats: list[tuple[uuid.UUID, uuid.UUID]],
    when: datetime,
    today: date,
) -> None:
    records = []
    for person_id, employer in seats:
        roll = rng.random()
        status = "present" if roll < 0.78 else "apologies" if roll < 0.92 else "absent"
        records.append(
            {
                "person_id": person_id,
                "status": status,
                "deputy_for_id": None,
                "on_behalf_of_id": employer if status == "present" else None,
            }
        )
    w.register(meeting_id, records)
    for position, theme in enumerate(rng.sample(themes, k=min(2, len(themes)))):
        item_type = "decision" if position == 0 and rng.random() < 0.6 else "discussion"
        title = rng.choice(ITEMS.get(theme, ("Update",)))
        item_id = w.add(
            "agenda_item",
            AgendaItem,
            {
                "id": seeded_id(rng),
                "meeting_id": meeting_id,
                "position": position,
                "title": title,
                "item_type": item_type,
                "themes": [theme],
                "duration_minutes": 30,
                "recurring_key": None,
            },
            AgendaItemRead,
            managed_by=manager,
        )
        decision_id = None
        if item_type == "decision":
            decision_id = w.add(
                "decision",
                Decision,
                {
                    "id": seeded_id(rng),
                    "meeting_id": meeting_id,
                    "agenda_item_id": item_id,
                    "text": f"Agreed: {title.lower()}",
                    "themes": [theme],
                },
                DecisionRead,
                managed_by=manager,
            )
        if decision_id is not None or rng.random() < 0.3:
            _action(
                w, rng, manager, partnership_id, meeting_id, decision_id, title, seats, when, today
            )


def _action(
    w: BulkWriter,
    rng: random.Random,
    manager: uuid.UUID,
    partnership_id: uuid.UUID,
    meeting_id: uuid.UUID,
    decision_id: uuid.UUID | None,
    title: str,
    seats: list[tuple[uuid.UUID, uuid.UUID]],
    when: datetime,
    today: date,
) -> None:
    owner, employer = rng.choice(seats)
    due = when.date() + timedelta(days=rng.choice((28, 42, 56, 84)))
    status, completed = "open", None
    if due < today:
        roll = rng.random()
        status = "done" if roll < 0.65 else "open" if roll < 0.85 else "in_progress"
        if status == "done":
            completed = min(today, due + timedelta(days=rng.randint(-14, 21)))
    w.add(
        "action",
        Action,
        {
            "id": seeded_id(rng),
            "partnership_id": partnership_id,
            "meeting_id": meeting_id,
            "decision_id": decision_id,
            "review_id": None,
            "title": f"Follow up: {title.lower()}",
            "description": None,
            "owner_person_id": owner,
            "owner_organisation_id": employer,
            "due_date": due,
            "status": status,
            "completed_date": completed,
            "updates": [],
        },
        _action_read,
        managed_by=manager,
    )
