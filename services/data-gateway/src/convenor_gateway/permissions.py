"""Who may see and act on what in the gateway.

An organisation sees only the requests and agreements it is a party to; anything else answers
404 (not 403), so a partner cannot learn that another partner's request exists. Acting needs an
organisation: a client without one (the bootstrap admin) can read the audit log and the change
feed, but cannot raise, answer or agree anything.
"""

from __future__ import annotations

import uuid

from convenor_shared.auth import Caller
from convenor_shared.problems import Forbidden


class NoOrganisation(Forbidden):
    """This operation acts for an organisation, and the caller's token names none. Use a client
    of the organisation (``POST /v1/organisations/{id}/clients`` on the registry)."""

    slug, title = "no-organisation", "No organisation"


def organisation_of(caller: Caller) -> uuid.UUID:
    if caller.organisation_id is None:
        raise NoOrganisation("Your client belongs to no organisation; use one that does.")
    return caller.organisation_id
