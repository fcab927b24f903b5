"""The sheets and their columns: one template per resource, the same columns the export writes.

A reference column (``organisation``, ``partnership``, ``parent``, ``person`` …) takes an id or a
name; the export writes the name when it is unique and the id when it is not. ``id`` is the
record's own id: filled, it matches that record; empty, the row is matched by the sheet's
natural key, and created if nothing matches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from convenor_registry.spreadsheets import cells

# Column kinds and how a cell of each is read.
READERS: dict[str, Callable[[Any], Any]] = {
    "text": cells.text,
    "ref": cells.text,
    "int": cells.integer,
    "decimal": cells.decimal,
    "float": cells.number,
    "bool": cells.boolean,
    "date": cells.day,
    "datetime": cells.instant,
    "list": cells.items,
    "code": cells.code,
    "codes": cells.codes,
    "id": cells.identifier,
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    help: str
    required: bool = False


@dataclass(frozen=True)
class SheetSpec:
    name: str
    key: str  # the natural key, in words
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _c(name: str, kind: str, help: str, required: bool = False) -> Column:
    return Column(name, kind, help, required)


ID = _c("id", "id", "The record's id (from an export); empty to match by the natural key")
ANYWAY = _c(
    "create_anyway", "bool", "yes to create even though the name nearly matches another one"
)
ORGANISATIONS = SheetSpec(
    "organisations",
    "name + classification",
    (
        ID,
        _c("name", "text", "Full name", True),
        _c("classification", "code", "local_policing_body, local_authority, health, …", True),
        _c("kind", "code", "For a local policing body: pcc, pfcc, mayor, …"),
        _c("kind_effective_from", "date", "Since when it has had that kind"),
        _c("pension_scheme", "code", "lgps, civil_service_alpha, police, nhs, …"),
        _c("website", "text", "https://…"),
        _c("areas", "list", "GSS codes of the areas it serves, separated by ;"),
        _c("identifiers", "list", "scheme:identifier pairs, e.g. ods:RXX; charity:123"),
        ANYWAY,
    ),
)
PEOPLE = SheetSpec(
    "people",
    "name + organisation",
    (
        ID,
        _c("name", "text", "Full name", True),
        _c("organisation", "ref", "Employer: id or name"),
        _c("role_title", "text", "Job title"),
        _c("seniority", "int", "1 officer … 5 chief officer or executive"),
        _c("salary_band", "code", "under_25k, 25k_35k, … over_150k (never a salary)"),
        _c("contract_hours", "float", "Contracted hours a week"),
        _c("email", "text", "Work email (exported only to registry:write callers)"),
        _c("phone", "text", "Work phone (exported only to registry:write callers)"),
        ANYWAY,
    ),
)
PARTNERSHIPS = SheetSpec(
    "partnerships",
    "name + type",
    (
        ID,
        _c("name", "text", "Full name", True),
        _c("short_name", "text", "Abbreviation"),
        _c("type", "code", "csp, lcjb, cdp, vru, strategic_board, sub_group, …", True),
        _c("description", "text", "What it is for"),
        _c("statutory", "bool", "yes if required by law"),
        _c("statutory_basis_citation", "text", "e.g. Crime and Disorder Act 1998 s5"),
        _c("statutory_basis_url", "text", "legislation.gov.uk link"),
        _c("footprint", "list", "GSS codes of the areas it covers, separated by ;"),
        _c("parent", "ref", "The partnership it sits under: id or name"),
        _c("chair_organisation", "ref", "Id or name"),
        _c("secretariat_organisation", "ref", "Id or name"),
        _c("themes", "codes", "serious_violence; vawg; drugs; asb; …"),
        _c("status", "code", "active, under_review, merging, discontinued"),
        _c("established_date", "date", "When it was set up"),
        _c("ended_date", "date", "When it ended"),
        _c("review_cycle_months", "int", "How often it should be reviewed"),
        _c("last_reviewed_date", "date", "When it was last reviewed"),
        _c("meetings_per_year", "int", "Planned meetings a year"),
        _c("annual_support_cost", "decimal", "Secretariat and support, £ a year"),
    ),
)
MEMBERSHIPS = SheetSpec(
    "memberships",
    "partnership + person (or organisation for a seat)",
    (
        ID,
        _c("partnership", "ref", "Id or name", True),
        _c("person", "ref", "The member: id or name (or leave empty for an organisation seat)"),
        _c("organisation", "ref", "An organisation's seat: id or name"),
        _c("on_behalf_of", "ref", "The organisation represented: id or name"),
        _c("role", "code", "chair, vice_chair, member, secretariat, observer, advisor"),
        _c("voting", "bool", "yes or no"),
        _c("required", "bool", "yes for a statutory or required member"),
        _c("start_date", "date", "Joined"),
        _c("end_date", "date", "Left"),
        _c("deputies", "list", "Named deputies: ids or names, separated by ;"),
    ),
)
MEETINGS = SheetSpec(
    "meetings",
    "partnership + start",
    (
        ID,
        _c("partnership", "ref", "Id or name", True),
        _c("title", "text", "Title"),
        _c("start", "datetime", "UK local time unless an offset is given", True),
        _c("end", "datetime", "UK local time unless an offset is given", True),
        _c("status", "code", "scheduled, held, cancelled, postponed"),
        _c("purpose", "code", "decision, delivery, relational, horizon_scanning"),
        _c("mode", "code", "in_person, online, hybrid"),
        _c("prep_minutes", "int", "Preparation and travel, minutes (default 60)"),
        _c("location", "text", "Where"),
        _c("online_url", "text", "Link to join"),
        _c("support_hours", "float", "Secretariat hours for this meeting"),
        _c("direct_costs", "decimal", "Room, catering, payments, £"),
    ),
)
ATTENDANCE = SheetSpec(
    "attendance",
    "meeting + person; the rows of a meeting are its whole register",
    (
        _c("meeting_id", "id", "The meeting's id, or leave empty and give partnership and start"),
        _c("partnership", "ref", "With meeting_start, finds the meeting"),
        _c("meeting_start", "datetime", "With partnership, finds the meeting"),
        _c("person", "ref", "Id or name", True),
        _c("status", "code", "present, apologies, absent, deputy, observer, officer", True),
        _c("deputy_for", "ref", "For status deputy: the member stood in for"),
        _c("on_behalf_of", "ref", "The organisation represented"),
    ),
)
ACTIONS = SheetSpec(
    "actions",
    "partnership + meeting (if any) + title",
    (
        ID,
        _c("partnership", "ref", "Id or name", True),
        _c("meeting_id", "id", "The meeting that agreed it (or give meeting_start)"),
        _c("meeting_start", "datetime", "With partnership, the meeting that agreed it"),
        _c("title", "text", "What is to be done", True),
        _c("description", "text", "More detail"),
        _c("owner_person", "ref", "Id or name"),
        _c("owner_organisation", "ref", "Id or name"),
        _c("due_date", "date", "Due"),
        _c("status", "code", "open, in_progress, done, cancelled"),
        _c("completed_date", "date", "When it was done"),
    ),
)
SHEETS: tuple[SheetSpec, ...] = (
    ORGANISATIONS,
    PEOPLE,
    PARTNERSHIPS,
    MEMBERSHIPS,
    MEETINGS,
    ATTENDANCE,
    ACTIONS,
)
BY_NAME = {sheet.name: sheet for sheet in SHEETS}
CONTACT_COLUMNS = ("email", "phone")
