"""What a question is about: an area (with the areas inside it), a partnership, a window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from convenor_analytics.landscape.model import Area, Landscape, Partnership
from convenor_shared.problems import NotFound, RuleBroken


class AreaNotFound(NotFound):
    """There is no area with that id or GSS code in the analytics read model (is it synced?)."""

    slug = "area-not-found"


class PartnershipNotFound(NotFound):
    """There is no partnership with that id in the analytics read model (is it synced?)."""

    slug = "partnership-not-found"


class WindowInvalid(RuleBroken):
    """``from`` must not be after ``to``."""

    slug = "window-invalid"


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def holds(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def as_dict(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


@dataclass(frozen=True)
class Scope:
    area: Area | None
    partnership: Partnership | None
    partnership_ids: frozenset[str]
    organisation_ids: frozenset[str] | None  # None: every organisation (national)
    window: Window
    national: bool = False

    def key(self) -> tuple[str, date, date]:
        """What the scope's cached answers are filed under: what it covers, and its window."""
        if self.area is not None or self.partnership is not None:
            area = self.area.id if self.area else ""
            covers = f"{area}/{self.partnership.id if self.partnership else ''}"
        elif self.organisation_ids is None and self.national:
            covers = "national"
        else:  # a set of partnerships named by the caller (a what-if merge)
            covers = "set:" + ",".join(sorted(self.partnership_ids))
        return covers, self.window.start, self.window.end

    def describe(self) -> dict[str, object]:
        return {
            "area": None
            if self.area is None
            else {"id": self.area.id, "gss_code": self.area.gss_code, "name": self.area.name},
            "partnership": None
            if self.partnership is None
            else {"id": self.partnership.id, "name": self.partnership.name},
            "partnerships": len(self.partnership_ids),
        }


def window(start: date | None, end: date | None, months: int, today: date) -> Window:
    """The window asked for; by default the trailing ``months`` months to today."""
    end = end or today
    start = start or (end - relativedelta(months=months) + relativedelta(days=1))
    if start > end:
        raise WindowInvalid("from is after to.")
    return Window(start, end)


def resolve_area(land: Landscape, reference: str) -> Area:
    area = land.areas.get(reference) or land.area_by_code.get(reference.upper())
    if area is None:
        raise AreaNotFound(f"No area with id or GSS code {reference!r}.")
    return area


def resolve(land: Landscape, area: str | None, partnership: str | None, span: Window) -> Scope:
    """The partnerships (and organisations) an area or partnership covers."""
    chosen_area = resolve_area(land, area) if area else None
    chosen: Partnership | None = None
    if partnership:
        chosen = land.partnerships.get(partnership)
        if chosen is None:
            raise PartnershipNotFound(f"No partnership with id {partnership!r}.")
    ids = set(land.partnerships)
    organisations: set[str] | None = None
    if chosen_area is not None:
        inside = land.descendants(chosen_area.id)
        ids = {
            p.id for p in land.partnerships.values() if inside.intersection(p.footprint_area_ids)
        }
        organisations = {
            o.id for o in land.organisations.values() if inside.intersection(o.area_ids)
        }
    if chosen is not None:
        ids &= {chosen.id}
        organisations = {
            m.organisation_id for m in land.memberships_of.get(chosen.id, ()) if m.organisation_id
        }
    return Scope(
        chosen_area,
        chosen,
        frozenset(ids),
        None if organisations is None else frozenset(organisations),
        span,
        national=chosen_area is None and chosen is None,
    )
