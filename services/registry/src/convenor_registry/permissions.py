"""Who may change what in the registry.

Reading the landscape needs ``registry:read``; it is shared across the organisations of an
install, as a partnership map is. Changing a record needs ``registry:write`` *and* a stake in
the record: an admin may change anything; otherwise the caller's organisation must manage the
record (it created it), or be the organisation itself (or, for a person, their employer), or,
for anything that belongs to a partnership, chair it or run its secretariat. A record the
caller has no stake in answers 403 with a reason (the record itself is visible to readers, so
hiding it behind a 404 would mislead).
"""

from __future__ import annotations

import uuid

from convenor_registry.models import Organisation, Partnership, Person, Record
from convenor_shared.auth import Caller
from convenor_shared.problems import Forbidden


class NotYours(Forbidden):
    """The caller's organisation does not manage this record. Ask the organisation that
    manages it (or the partnership's chair or secretariat) to make the change."""

    slug, title = "not-your-record", "Not your record"


def _org(caller: Caller) -> uuid.UUID | None:
    return caller.organisation_id


def can_manage(caller: Caller, record: Record) -> bool:
    if caller.is_admin:
        return True
    org = _org(caller)
    if org is None:
        return False
    if record.managed_by_id == org:
        return True
    if isinstance(record, Organisation):
        return record.id == org
    if isinstance(record, Person):
        return record.organisation_id == org
    if isinstance(record, Partnership):
        return org in (record.chair_organisation_id, record.secretariat_organisation_id)
    return False


def ensure_can_manage(caller: Caller, record: Record) -> None:
    if not can_manage(caller, record):
        raise NotYours("Your organisation does not manage this record.")


def ensure_admin(caller: Caller) -> None:
    if not caller.is_admin:
        raise Forbidden("Only an administrator may change reference data.")
