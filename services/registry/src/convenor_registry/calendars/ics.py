"""Rendering meetings as an RFC 5545 calendar, with the ``icalendar`` library.

One VEVENT per meeting. Recurring series are already expanded into meetings of their own (each
can be moved or cancelled alone), so a VEVENT per meeting is always right where an RRULE with
exceptions could drift from what the registry holds.

The output depends only on the data, never on the clock: ``DTSTAMP`` is the meeting's last
change (RFC 5545 3.8.7.2: without a METHOD it is when the information was last revised), so the
same data gives the same bytes and the feed's ETag only moves when something changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from icalendar import Calendar, Event, vCalAddress

from convenor_registry.models import Attendance, Meeting, Membership, Organisation, Partnership
from convenor_registry.models import Person as PersonRow

PRODID = "-//Convenor//Registry calendar feed//EN"
PARTSTAT = {
    "present": "ACCEPTED",
    "deputy": "ACCEPTED",
    "officer": "ACCEPTED",
    "observer": "ACCEPTED",
    "apologies": "DECLINED",
    "absent": "NEEDS-ACTION",
}
ROLE = {"chair": "CHAIR", "observer": "NON-PARTICIPANT", "advisor": "OPT-PARTICIPANT"}
STATUS = {"cancelled": "CANCELLED", "postponed": "TENTATIVE"}


@dataclass
class FeedData:
    """Everything one feed renders, loaded in bulk beforehand."""

    name: str
    base_url: str
    meetings: Sequence[Meeting]
    partnerships: Mapping[uuid.UUID, Partnership]
    organisations: Mapping[uuid.UUID, Organisation]
    people: Mapping[uuid.UUID, PersonRow]
    attendance: Mapping[uuid.UUID, list[Attendance]]
    themes: Mapping[uuid.UUID, set[str]]
    memberships: Mapping[uuid.UUID, list[Membership]]
    show_contacts: bool = False
    roles: dict[tuple[uuid.UUID, uuid.UUID], str] = field(default_factory=dict)


def meeting_url(base_url: str, meeting_id: uuid.UUID) -> str:
    return f"{base_url.rstrip('/')}/v1/meetings/{meeting_id}"


def _address(data: FeedData, person_id: uuid.UUID) -> vCalAddress:
    person = data.people.get(person_id)
    if data.show_contacts and person is not None and person.email:
        address = vCalAddress(f"mailto:{person.email}")
    else:
        # Never an email unless the caller may see contact details: a stable URN instead.
        address = vCalAddress(f"urn:uuid:{person_id}")
    if person is not None:
        address.params["CN"] = person.name
    address.params["CUTYPE"] = "INDIVIDUAL"
    return address


def _members_on(memberships: Sequence[Membership], on: date) -> list[Membership]:
    return [
        m
        for m in memberships
        if m.person_id is not None
        and (m.start_date is None or m.start_date <= on)
        and (m.end_date is None or m.end_date >= on)
    ]


def _attendees(data: FeedData, meeting: Meeting) -> list[vCalAddress]:
    members = _members_on(data.memberships.get(meeting.partnership_id, []), meeting.start.date())
    roles = {m.person_id: ROLE.get(m.role, "REQ-PARTICIPANT") for m in members}
    records = data.attendance.get(meeting.id)
    out: list[vCalAddress] = []
    if not records:
        # No register yet (a future meeting): the members are invited, no answer yet.
        for membership in members:
            assert membership.person_id is not None
            address = _address(data, membership.person_id)
            address.params["ROLE"] = roles[membership.person_id]
            address.params["PARTSTAT"] = "NEEDS-ACTION"
            out.append(address)
        return out
    present = {r.person_id for r in records}
    delegated: dict[uuid.UUID, uuid.UUID] = {}
    for record in records:
        address = _address(data, record.person_id)
        address.params["PARTSTAT"] = PARTSTAT.get(record.status, "NEEDS-ACTION")
        role = roles.get(record.person_id, "REQ-PARTICIPANT")
        if record.status in ("observer", "officer"):
            role = "NON-PARTICIPANT"
        address.params["ROLE"] = role
        if record.status == "deputy" and record.deputy_for_id is not None:
            address.params["DELEGATED-FROM"] = str(_address(data, record.deputy_for_id))
            delegated[record.deputy_for_id] = record.person_id
        out.append(address)
    # A member who sent a deputy and has no line of their own: RFC 5545 DELEGATED.
    for member_id, deputy_id in delegated.items():
        if member_id not in present:
            address = _address(data, member_id)
            address.params["PARTSTAT"] = "DELEGATED"
            address.params["ROLE"] = roles.get(member_id, "REQ-PARTICIPANT")
            address.params["DELEGATED-TO"] = str(_address(data, deputy_id))
            out.append(address)
    return out


def _summary(meeting: Meeting, partnership: Partnership | None) -> str:
    name = partnership.name if partnership else "Partnership meeting"
    if not meeting.title or partnership is None:
        return meeting.title or name
    known = {partnership.name.lower(), (partnership.short_name or "").lower()}
    if meeting.title.lower() in known:
        return partnership.name  # a series titled with the board's own (short) name
    if partnership.name.lower() in meeting.title.lower():
        return meeting.title
    return f"{meeting.title} ({partnership.short_name or partnership.name})"


def _description(meeting: Meeting, partnership: Partnership | None, url: str) -> str:
    lines = []
    if partnership is not None:
        lines.append(f"Partnership: {partnership.name}")
    lines.append(f"Purpose: {meeting.purpose.replace('_', ' ')}; mode: {meeting.mode}")
    lines.append(f"Status: {meeting.status}")
    if meeting.online_url:
        lines.append(f"Join online: {meeting.online_url}")
    lines.append(f"Details: {url}")
    return "\n".join(lines)


def _event(data: FeedData, meeting: Meeting) -> Event:
    partnership = data.partnerships.get(meeting.partnership_id)
    url = meeting_url(data.base_url, meeting.id)
    event = Event()
    event.add("uid", f"{meeting.id}@convenor")
    event.add("dtstamp", meeting.updated_at)
    event.add("created", meeting.created_at)
    event.add("last-modified", meeting.updated_at)
    # Every change to a meeting (a move, a cancellation, its register) raises its version.
    event.add("sequence", max(meeting.version - 1, 0))
    event.add("dtstart", meeting.start)
    event.add("dtend", meeting.end)
    event.add("summary", _summary(meeting, partnership))
    event.add("description", _description(meeting, partnership, url))
    event.add("url", url)
    event.add("status", STATUS.get(meeting.status, "CONFIRMED"))
    location = meeting.location or ("Online" if meeting.mode == "online" else None)
    if location:
        event.add("location", location)
    themes = set(partnership.themes if partnership else []) | data.themes.get(meeting.id, set())
    if themes:
        event.add("categories", sorted(themes))
    if partnership is not None:
        steward = partnership.secretariat_organisation_id or partnership.chair_organisation_id
        organisation = data.organisations.get(steward) if steward else None
        if organisation is not None:
            organizer = vCalAddress(f"urn:uuid:{organisation.id}")
            organizer.params["CN"] = organisation.name
            event.add("organizer", organizer, encode=False)
    for attendee in _attendees(data, meeting):
        event.add("attendee", attendee, encode=False)
    return event


def render(data: FeedData) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Convenor: {data.name}")
    calendar.add("x-wr-caldesc", f"Meetings of {data.name}, from Convenor")
    # Hints for clients that honour them: look again hourly.
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for meeting in data.meetings:
        calendar.add_component(_event(data, meeting))
    result: bytes = calendar.to_ical()
    return result
