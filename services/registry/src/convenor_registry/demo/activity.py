"""A year of meetings for the demo: each board's recurring series from nine months ago to three
months ahead; past meetings held (a few cancelled or postponed) with their register (apologies,
deputies, the odd absence), agenda items with themes, decisions and actions, some of them now
overdue. The two duplicated Merseyside boards talk more than they decide."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy.ext.asyncio import AsyncSession

from convenor_registry.actions import service as actions_service
from convenor_registry.actions.schemas import ActionCreate
from convenor_registry.agenda import service as agenda_service
from convenor_registry.agenda.schemas import AgendaItemCreate, DecisionCreate
from convenor_registry.demo.builder import Built
from convenor_registry.demo.case_studies import STRATEGIC, Board
from convenor_registry.meetings import service as meetings_service
from convenor_registry.meetings.schemas import (
    AttendancePut,
    AttendanceRecord,
    MeetingUpdate,
    SeriesCreate,
)
from convenor_registry.models import Meeting

LOCAL = ZoneInfo("Europe/London")
RULES = {
    12: "FREQ=MONTHLY;BYDAY={n}{day}",
    6: "FREQ=MONTHLY;INTERVAL=2;BYDAY={n}{day}",
    5: "FREQ=WEEKLY;INTERVAL=10;BYDAY={day}",
    4: "FREQ=MONTHLY;INTERVAL=3;BYDAY={n}{day}",
    2: "FREQ=MONTHLY;INTERVAL=6;BYDAY={n}{day}",
}
DAYS = ("TU", "WE", "TH", "MO")
ITEMS = {
    "serious_violence": ("Serious violence hotspots update", "Knife crime prevention funding"),
    "vawg": ("VAWG action plan progress", "Safer night-time economy"),
    "domestic_abuse": ("16 days of action on domestic abuse", "Domestic homicide review learning"),
    "sexual_violence": ("Therapy service waiting times", "ISVA provision"),
    "drugs": ("Harm to Hope delivery plan", "Drug-related deaths review"),
    "alcohol": ("Alcohol treatment pathway", "Licensing and the night-time economy"),
    "asb": ("ASB case review (community trigger) report", "ASB hotspots"),
    "reoffending": ("Reducing reoffending pathways", "Accommodation for prison leavers"),
    "victims": ("Victims Code compliance", "Witness care performance"),
    "youth_justice": ("First-time entrants", "Youth diversion scheme"),
    "exploitation": ("Child criminal exploitation", "County lines disruption"),
    "organised_crime": ("Serious and organised crime profile", "Disruption activity"),
    "road_safety": ("Killed and seriously injured trends", "Speed enforcement"),
    "mental_health": ("Right Care, Right Person", "Section 136 detentions"),
    "safeguarding": ("Safeguarding referrals", "Multi-agency audit"),
    "cjs_performance": ("Court backlog and timeliness", "Charge rates"),
    "prevention": ("Early intervention funding", "Shared data and analysis"),
    "community_cohesion": ("Community tensions monitoring", "Hate crime reporting"),
}


@dataclass
class Tally:
    meetings: int = 0
    held: int = 0
    cancelled: int = 0
    agenda_items: int = 0
    decisions: int = 0
    actions: int = 0
    overdue: int = 0


class Activity:
    def __init__(self, session: AsyncSession, rng: random.Random, today: date) -> None:
        self.session, self.rng, self.today = session, rng, today
        self.now = datetime.now(LOCAL)
        self.tally = Tally()

    async def year(self, built: Built) -> None:
        for index, board in enumerate(built.area.boards):
            if board.per_year in RULES and board.status != "discontinued":
                await self._board(built, board, index)

    async def _board(self, built: Built, board: Board, index: int) -> None:
        partnership = built.boards[board.key]
        day = DAYS[index % len(DAYS)]
        rule = RULES[board.per_year].format(n=1 + index % 3, day=day)
        first = (self.now - relativedelta(months=9)).replace(
            hour=(9, 10, 13, 14)[index % 4], minute=30 if index % 2 else 0, second=0, microsecond=0
        )
        minutes = 120 if board.level == STRATEGIC else 90
        body = SeriesCreate(
            rrule=f"{rule};COUNT={board.per_year}",
            first_start=first,
            duration_minutes=minutes,
            title=board.short or board.name,
            mode="hybrid" if board.level == STRATEGIC else self.rng.choice(("online", "in_person")),
            purpose=board.purpose,  # type: ignore[arg-type]
            location=f"{built.pcc.name} offices" if board.chair == "pcc" else None,
        )
        _, meetings = await meetings_service.create_series(
            self.session, partnership, body, built.by, max_occurrences=board.per_year
        )
        for meeting in meetings:
            self.tally.meetings += 1
            if meeting.start < self.now:
                await self._past(built, board, meeting)

    async def _past(self, built: Built, board: Board, meeting: Meeting) -> None:
        roll = self.rng.random()
        if roll < 0.08:
            self.tally.cancelled += 1
            await meetings_service.update(
                self.session, meeting, MeetingUpdate(status="cancelled"), built.by
            )
            return
        status = "postponed" if roll < 0.1 else "held"
        purpose = None
        if board.level == STRATEGIC and self.rng.random() < 0.2:
            purpose = "horizon_scanning"  # a development session, not a talking shop
        change = (
            MeetingUpdate(status=status, purpose=purpose)
            if purpose
            else MeetingUpdate(status=status)
        )
        await meetings_service.update(self.session, meeting, change, built.by)
        if status != "held":
            return
        self.tally.held += 1
        await self._register(built, board, meeting)
        await self._business(built, board, meeting)

    async def _register(self, built: Built, board: Board, meeting: Meeting) -> None:
        records = []
        apologies = 0.25 if board.talking_shop else 0.12
        for seat in built.seats[board.key]:
            roll = self.rng.random()
            if roll < apologies and seat.deputy is not None and self.rng.random() < 0.6:
                records.append(
                    AttendanceRecord(
                        person_id=seat.deputy.id,
                        status="deputy",
                        deputy_for_id=seat.person.id,
                        on_behalf_of_id=seat.organisation.id,
                    )
                )
                records.append(AttendanceRecord(person_id=seat.person.id, status="apologies"))
            elif roll < apologies:
                records.append(AttendanceRecord(person_id=seat.person.id, status="apologies"))
            elif roll < apologies + 0.05:
                records.append(AttendanceRecord(person_id=seat.person.id, status="absent"))
            else:
                records.append(
                    AttendanceRecord(
                        person_id=seat.person.id,
                        status="present",
                        on_behalf_of_id=seat.organisation.id,
                    )
                )
        present = {r.person_id for r in records}
        if board.secretariat == "pcc" and built.officer and built.officer.id not in present:
            records.append(AttendanceRecord(person_id=built.officer.id, status="officer"))
        await meetings_service.put_attendance(
            self.session, meeting, AttendancePut(records=records), built.by
        )

    async def _business(self, built: Built, board: Board, meeting: Meeting) -> None:
        themes = list(board.themes)
        chosen = self.rng.sample(themes, k=min(len(themes), 2))
        items = [
            AgendaItemCreate(
                title="Minutes and action log",
                position=0,
                item_type="information",
                duration_minutes=10,
                recurring_key="minutes",
            ),
            AgendaItemCreate(
                title="Performance report",
                position=1,
                item_type="information" if board.talking_shop else "discussion",
                themes=chosen[:1],  # type: ignore[arg-type]
                duration_minutes=20,
                recurring_key="performance",
            ),
        ]
        for position, theme in enumerate(chosen, start=2):
            deciding = meeting.purpose in ("decision", "delivery") and not board.talking_shop
            items.append(
                AgendaItemCreate(
                    title=self.rng.choice(ITEMS[theme]),
                    position=position,
                    item_type="decision" if deciding and position == 2 else "discussion",
                    themes=[theme],  # type: ignore[list-item]
                    duration_minutes=30,
                )
            )
        created = [await agenda_service.add_item(self.session, meeting, i, built.by) for i in items]
        self.tally.agenda_items += len(created)
        deciding_items = [i for i in created if i.item_type == "decision"]
        if board.talking_shop and self.rng.random() < 0.8:
            return  # same people, same conversation, nothing decided
        for item in deciding_items:
            decision = await agenda_service.add_decision(
                self.session,
                meeting,
                DecisionCreate(
                    text=f"Agreed: {item.title.lower()}", agenda_item_id=item.id, themes=item.themes
                ),  # type: ignore[arg-type]
                built.by,
            )
            self.tally.decisions += 1
            await self._action(built, board, meeting, f"Deliver: {item.title.lower()}", decision.id)
        if self.rng.random() < 0.6:
            await self._action(
                built, board, meeting, f"Report back on {chosen[-1].replace('_', ' ')}", None
            )

    async def _action(
        self,
        built: Built,
        board: Board,
        meeting: Meeting,
        title: str,
        decision: uuid.UUID | None,
    ) -> None:
        seat = self.rng.choice(built.seats[board.key])
        due = meeting.start.date() + timedelta(days=self.rng.choice((28, 42, 56)))
        status, completed = "open", None
        if due < self.today:
            roll = self.rng.random()
            if roll < 0.6:
                status = "done"
                completed = min(self.today, due + timedelta(days=self.rng.randint(-14, 14)))
            elif roll < 0.9:
                status = "open" if roll < 0.8 else "in_progress"
                self.tally.overdue += 1
            else:
                status = "cancelled"
        elif self.rng.random() < 0.3:
            status = "in_progress"
        body = ActionCreate(
            title=title,
            decision_id=decision,
            owner_person_id=seat.person.id,
            owner_organisation_id=seat.organisation.id,
            due_date=due,
            status=status,  # type: ignore[arg-type]
            completed_date=completed,
        )
        await actions_service.create_for_meeting(self.session, meeting, body, built.by)
        self.tally.actions += 1
