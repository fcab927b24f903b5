"""Planning the directory sheets: organisations, people and partnerships."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from convenor_registry.models import Organisation, Partnership, Person
from convenor_registry.organisations.schemas import OrganisationCreate
from convenor_registry.partnerships.schemas import PartnershipCreate
from convenor_registry.people.schemas import PersonCreate
from convenor_registry.permissions import can_manage
from convenor_registry.spreadsheets.index import Index, normalise
from convenor_registry.spreadsheets.plan import SKIP, Plan, Row

ORGANISATION_COLUMNS = {
    "name": "name",
    "classification": "classification",
    "kind": "kind",
    "kind_effective_from": "kind_effective_from",
    "pension_scheme": "pension_scheme",
    "website": "website",
    "areas": "area_ids",
    "identifiers": "identifiers",
}
PERSON_COLUMNS = {
    "name": "name",
    "organisation": "organisation_id",
    "role_title": "role_title",
    "seniority": "seniority",
    "salary_band": "salary_band",
    "contract_hours": "contract_hours",
    "email": "email",
    "phone": "phone",
}
PARTNERSHIP_COLUMNS = {
    "name": "name",
    "short_name": "short_name",
    "type": "type",
    "description": "description",
    "statutory": "statutory",
    "statutory_basis_citation": "statutory_basis_citation",
    "statutory_basis_url": "statutory_basis_url",
    "footprint": "footprint_area_ids",
    "parent": "parent_id",
    "chair_organisation": "chair_organisation_id",
    "secretariat_organisation": "secretariat_organisation_id",
    "themes": "themes",
    "status": "status",
    "established_date": "established_date",
    "ended_date": "ended_date",
    "review_cycle_months": "review_cycle_months",
    "last_reviewed_date": "last_reviewed_date",
    "meetings_per_year": "meetings_per_year",
    "annual_support_cost": "annual_support_cost",
}


def organisation_values(index: Index, organisation: Organisation) -> dict[str, Any]:
    return {
        "name": organisation.name,
        "classification": organisation.classification,
        "kind": organisation.kind,
        "kind_effective_from": organisation.kind_effective_from,
        "pension_scheme": organisation.pension_scheme,
        "website": organisation.website,
        "area_ids": index.organisation_areas.get(organisation.id, []),
        "identifiers": organisation.identifiers or [],
    }


def person_values(person: Person) -> dict[str, Any]:
    return {name: getattr(person, name) for name in PERSON_COLUMNS.values()}


def partnership_values(index: Index, partnership: Partnership) -> dict[str, Any]:
    values = {
        name: getattr(partnership, name)
        for name in PARTNERSHIP_COLUMNS.values()
        if name != "footprint_area_ids"
    }
    return values | {"footprint_area_ids": index.footprints.get(partnership.id, [])}


def _identifiers(row: Row) -> list[dict[str, str]]:
    found = []
    for item in row["identifiers"] or []:
        scheme, _, value = item.partition(":")
        if not value.strip():
            row.error("identifiers", f"{item!r} is not scheme:identifier")
        else:
            found.append({"scheme": scheme.strip(), "identifier": value.strip()})
    return found


def _existing(plan: Plan, row: Row, kind: str, known: dict[uuid.UUID, Any]) -> Any:
    record_id = row["id"]
    if record_id is None:
        return None
    if record_id not in known:
        row.error("id", f"no {kind} has id {record_id}", "unknown_id")
    return known.get(record_id)


def _likely_duplicates(plan: Plan, row: Row, found: list[uuid.UUID], kind: str) -> None:
    names = plan.index.organisation_names if kind == "organisation" else plan.index.person_names
    existing = [i for i in dict.fromkeys(found) if i not in plan.index.planned]
    if existing and not row["create_anyway"]:
        shown = ", ".join(f"{names.names[i]!r} ({i})" for i in existing)
        row.error(
            "name",
            f"nearly matches {shown}: put its id in the id column to update it, or write yes "
            "in create_anyway to create a new one",
            "likely_duplicate",
            candidates=[{"id": str(i), "name": names.names[i]} for i in existing],
        )


def organisations(plan: Plan, rows: list[Row]) -> None:
    index = plan.index
    for row in rows:
        name, classification = row["name"], row["classification"]
        existing = _existing(plan, row, "organisation", index.organisations)
        if existing is None and row["id"] is None and name and classification:
            match = index.keys.get(("organisation", normalise(name), classification))
            if match is not None and not plan.duplicate_of(row, match):
                existing = index.organisations.get(match)
            elif match is None:
                _likely_duplicates(plan, row, index.organisation_names.near(name), "organisation")
        overlay: dict[str, Any] = {}
        for column, field in ORGANISATION_COLUMNS.items():
            if column == "areas" and column in row.present:
                overlay[field] = plan.areas(row, column)
            elif column == "identifiers" and column in row.present:
                overlay[field] = _identifiers(row)
            elif column in row.present:
                overlay[field] = row[column]
        record_id = existing.id if existing else plan.provisional(row)
        values = plan.finish(
            row,
            OrganisationCreate,
            overlay,
            current=organisation_values(index, existing) if existing else None,
            record_id=record_id,
            key=f"{name} ({classification})",
            columns=ORGANISATION_COLUMNS,
            may_change=partial(_may, plan, row, existing),
            fixed=("classification",),
        )
        if values is None:
            if existing is None and name:
                index.failed.add(("organisation", normalise(name)))
        elif existing is None or values["name"] != existing.name:
            index.add_organisation(record_id, values["name"], values["classification"])


def _may(plan: Plan, row: Row, record: Organisation | Person | Partnership | None) -> bool:
    """A new record anyone may create; an existing one only its managers may change."""
    if record is None or can_manage(plan.caller, record):
        return True
    row.error(
        None,
        f"your organisation does not manage {record.name!r}: ask the organisation that does",
        "not_your_record",
    )
    return False


def people(plan: Plan, rows: list[Row]) -> None:
    index = plan.index
    for row in rows:
        name = row["name"]
        employer = plan.organisation(row, "organisation") if "organisation" in row.present else None
        existing = _existing(plan, row, "person", index.people)
        if employer is SKIP:
            if existing is None and name:
                index.failed.add(("person", normalise(name)))
            continue
        if existing is None and row["id"] is None and name:
            match = index.keys.get(("person", normalise(name), employer))
            if match is not None and not plan.duplicate_of(row, match):
                existing = index.people.get(match)
            elif match is None:
                colleagues = index.person_names.near(name, index.employees.get(employer, []))
                namesakes = index.person_names.by_name.get(normalise(name), [])
                _likely_duplicates(plan, row, colleagues + namesakes, "person")
        overlay = {
            field: (employer if column == "organisation" else row[column])
            for column, field in PERSON_COLUMNS.items()
            if column in row.present
        }
        record_id = existing.id if existing else plan.provisional(row)
        employer_name = index.organisation_names.names.get(employer) if employer else None
        values = plan.finish(
            row,
            PersonCreate,
            overlay,
            current=person_values(existing) if existing else None,
            record_id=record_id,
            key=f"{name} ({employer_name or 'no organisation'})",
            columns=PERSON_COLUMNS,
            may_change=partial(_may, plan, row, existing),
        )
        if values is None:
            if existing is None and name:
                index.failed.add(("person", normalise(name)))
        elif existing is None or values["name"] != existing.name:
            index.add_person(record_id, values["name"], values["organisation_id"])


def partnerships(plan: Plan, rows: list[Row]) -> None:
    """Two passes, so that a row may name as parent a partnership created further down."""
    index = plan.index
    matched: list[tuple[Row, Partnership | None, uuid.UUID]] = []
    for row in rows:
        name, type_ = row["name"], row["type"]
        existing = _existing(plan, row, "partnership", index.partnerships)
        if existing is None and row["id"] is None and name and type_:
            match = index.keys.get(("partnership", normalise(name), type_))
            if match is not None and not plan.duplicate_of(row, match):
                existing = index.partnerships.get(match)
        record_id = existing.id if existing else plan.provisional(row)
        if existing is None and name and type_ and row.ok:
            index.add_partnership(record_id, name, type_)
        matched.append((row, existing, record_id))
    parents: dict[uuid.UUID, uuid.UUID | None] = {
        p.id: p.parent_id for p in index.partnerships.values()
    }
    for row, existing, record_id in matched:
        overlay: dict[str, Any] = {}
        for column, field in PARTNERSHIP_COLUMNS.items():
            if column not in row.present:
                continue
            if column == "footprint":
                overlay[field] = plan.areas(row, column)
            elif column == "parent":
                overlay[field] = plan.partnership(row, column)
            elif column.endswith("_organisation"):
                overlay[field] = plan.organisation(row, column)
            else:
                overlay[field] = row[column]
        if any(v is SKIP for v in overlay.values()):
            continue
        if overlay.get("parent_id") == record_id:
            row.error("parent", "a partnership cannot sit under itself")
        values = plan.finish(
            row,
            PartnershipCreate,
            overlay,
            current=partnership_values(index, existing) if existing else None,
            record_id=record_id,
            key=f"{row['name']} ({row['type']})",
            columns=PARTNERSHIP_COLUMNS,
            may_change=partial(_may, plan, row, existing),
        )
        if values is None:
            if existing is None and row["name"]:
                index.failed.add(("partnership", normalise(row["name"])))
            continue
        parents[record_id] = values["parent_id"]
        if existing is not None and values["name"] != existing.name:
            index.add_partnership(record_id, values["name"], values["type"])
    for row, _, record_id in matched:
        if row.ok and _in_cycle(parents, record_id):
            row.error("parent", "the parents go round in a circle", "parent_cycle")


def _in_cycle(parents: dict[uuid.UUID, uuid.UUID | None], start: uuid.UUID) -> bool:
    seen, current = set(), parents.get(start)
    while current is not None and current not in seen:
        if current == start:
            return True
        seen.add(current)
        current = parents.get(current)
    return False
