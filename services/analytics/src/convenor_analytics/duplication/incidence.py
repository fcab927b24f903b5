"""Who sits on which partnership, from the landscape: active members (membership basis) or the
people who actually attended in the window (attendance basis, D1a), their organisations, and
the themes of the agendas plus the partnership's own themes."""

from __future__ import annotations

from collections import Counter
from typing import Literal

from convenor_analytics.duplication.overlap import Incidence
from convenor_analytics.indicators.context import Context
from convenor_analytics.landscape.scope import Scope

Basis = Literal["membership", "attendance"]


def incidence(ctx: Context, scope: Scope, basis: Basis) -> Incidence:
    land = ctx.land
    window = scope.window
    counted = frozenset(ctx.parameters.cost_statuses)
    ids = sorted(scope.partnership_ids)
    people: list[frozenset[str]] = []
    organisations: list[frozenset[str]] = []
    themes: list[dict[str, float]] = []
    for pid in ids:
        meetings = [m for m in land.meetings_of.get(pid, ()) if window.holds(m.day)]
        if basis == "membership":
            active = [
                m
                for m in land.memberships_of.get(pid, ())
                if m.active_during(window.start, window.end)
            ]
            people.append(frozenset(m.person_id for m in active if m.person_id))
            organisations.append(frozenset(m.organisation_id for m in active if m.organisation_id))
        else:
            attendees = [
                a
                for m in meetings
                if m.id in ctx.ledger.meetings
                for a in land.attendance.get(m.id, ())
                if a.status in counted
            ]
            people.append(frozenset(a.person_id for a in attendees))
            organisations.append(
                frozenset(a.organisation_id for a in attendees if a.organisation_id)
            )
        counts: Counter[str] = Counter(land.partnerships[pid].themes)
        for meeting in meetings:
            for item in land.items_of.get(meeting.id, ()):
                counts.update(item.themes)
        themes.append({t: float(c) for t, c in counts.items()})
    return Incidence(ids, people, organisations, themes)
