"""A small landscape whose indicators are worked out by hand in the tests.

Testshire (a force area) holds a district and a unitary authority. Three boards:

- A, "Serious Violence Board" (district, statutory): p1 (£80,000) and p2-p6 (£50,000); last
  reviewed 2019-01-01, so red on 2025-12-31. Meets 3 March (decision) and 2 June (no decision,
  no action: a talking shop).
- B, "Violence Reduction Group" (unitary): p1-p5 and p7, the same themes as A; reviewed
  2024-06-01 (green). Meets 3 March at 12:05, five minutes after A ends (back to back);
  one action, due 1 May, still open.
- C, "Road Safety Partnership" (unitary): p6-p8; reviewed 2022-06-01 (amber). Meets once,
  a relational meeting (never a talking shop).

Data requests: the OPCC asks the council (1 September, unanswered), the OPCC asks health
(3 March, decided in 10 working days, delivered 3 later), health asks the OPCC (14 April,
refused 28 April: 8 working days across Good Friday and Easter Monday).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .factories import World, gss

Entity = dict[str, Any]


@dataclass
class Shire:
    force: Entity
    district: Entity
    unitary: Entity
    police: Entity
    council: Entity
    health: Entity
    opcc: Entity
    people: list[Entity]
    a: Entity
    b: Entity
    c: Entity
    meetings: dict[str, Entity]
    requests: dict[str, Entity]


def build(world: World, name: str = "Shire") -> Shire:
    force = world.area(name, "police_force_area", gss("E23"))
    district = world.area(f"{name} District", "local_authority", gss("E07"), force)
    unitary = world.area(f"{name} Unitary", "local_authority", gss("E06"), force)
    police = world.organisation(f"{name} Police", "police_force", "police", [force])
    council = world.organisation(f"{name} Council", "local_authority", "lgps", [unitary])
    health = world.organisation(f"{name} ICB", "health", "nhs", [force])
    opcc = world.organisation(f"{name} OPCC", "local_policing_body", "lgps", [force])
    orgs = [police, council, health, opcc, police, council, health, opcc, police]
    people = [
        world.person(org, "70k_90k" if i == 0 else "45k_55k", 5 if i < 2 else 3)
        for i, org in enumerate(orgs)
    ]
    p = people
    a = world.partnership(
        f"{name} Serious Violence Board", [district], type="svd_partnership", statutory=True,
        themes=["serious_violence", "youth_justice"], last_reviewed_date="2019-01-01",
    )  # fmt: skip
    b = world.partnership(
        f"{name} Violence Reduction Group", [unitary], type="vru",
        themes=["serious_violence", "youth_justice"], last_reviewed_date="2024-06-01",
    )  # fmt: skip
    c = world.partnership(
        f"{name} Road Safety Partnership", [unitary], type="other", themes=["road_safety"],
        last_reviewed_date="2022-06-01",
    )  # fmt: skip
    for person in p[:6]:
        world.membership(a, person)
    for person in [*p[:5], p[6]]:
        world.membership(b, person)
    for person in p[5:8]:
        world.membership(c, person)
    m1 = world.meeting(a, "2025-03-03T10:00:00Z", "2025-03-03T12:00:00Z")
    world.attendance(m1, [(x, "present") for x in p[:5]] + [(p[5], "apologies")])
    item1 = world.agenda_item(m1, ["serious_violence"])
    world.decision(m1, item1)
    m2 = world.meeting(a, "2025-06-02T10:00:00Z", "2025-06-02T12:00:00Z", purpose="delivery")
    world.attendance(m2, [(x, "present") for x in p[:4]] + [(p[8], "deputy"), (p[5], "absent")])
    m3 = world.meeting(b, "2025-03-03T12:05:00Z", "2025-03-03T14:05:00Z")
    world.attendance(m3, [(x, "present") for x in [*p[:5], p[6]]])
    world.agenda_item(m3, ["serious_violence"])
    world.action(b, m3, council, "2025-05-01")
    m4 = world.meeting(c, "2025-04-07T10:00:00Z", "2025-04-07T12:00:00Z", purpose="relational")
    world.attendance(m4, [(x, "present") for x in p[5:8]])
    world.agenda_item(m4, ["road_safety"])
    r1 = world.request(opcc, council, "submitted", submitted_at="2025-09-01T09:00:00Z")
    r2 = world.request(
        opcc, health, "delivered", submitted_at="2025-03-03T09:00:00Z",
        acknowledged_at="2025-03-04T09:00:00Z", decided_at="2025-03-17T09:00:00Z",
        delivered_at="2025-03-20T09:00:00Z",
    )  # fmt: skip
    world.transition(r2, "approved", "2025-03-17T09:00:00Z")
    r3 = world.request(
        health, opcc, "refused", submitted_at="2025-04-14T09:00:00Z",
        decided_at="2025-04-28T09:00:00Z", reason_code="not_held",
    )  # fmt: skip
    world.transition(r3, "refused", "2025-04-28T09:00:00Z", "not_held")
    return Shire(
        force, district, unitary, police, council, health, opcc, people, a, b, c,
        {"m1": m1, "m2": m2, "m3": m3, "m4": m4}, {"r1": r1, "r2": r2, "r3": r3},
    )  # fmt: skip


WINDOW = {"from": "2025-01-01", "to": "2025-12-31"}
