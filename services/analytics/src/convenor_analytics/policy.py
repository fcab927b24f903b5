"""Who may call each route of the analytics service (see :mod:`convenor_shared.policy`).

Everything analytics serves is computed over its read model of the registry's and the
gateway's change feeds and is open to every holder of ``analytics:read``, as the landscape is
to registry readers; indicators suppress values about fewer than five people. Triggering a
sync only pulls the feeds, so it needs no more. One answer is personal: a person's cost (it
reveals their meeting time and salary band) is shown only to their own organisation and to
administrators; anyone else gets 404, as if the person did not exist. The
authorization-matrix test drives every row against the app.
"""

from __future__ import annotations

from convenor_shared.policy import Policy, Rule, public

READ = Rule("analytics:read")
CALCULATION = Rule("analytics:read", note="a calculation: changes nothing")

POLICY: Policy = {
    ("GET", "/healthz"): public(),
    ("GET", "/readyz"): public(),
    ("GET", "/metrics"): public("scrape from inside the deployment only"),
    ("POST", "/v1/sync"): Rule("analytics:read", note="pulls the feeds now, as the schedule does"),
    ("GET", "/v1/sync/status"): READ,
    ("GET", "/v1/indicators"): READ,
    ("GET", "/v1/indicators/{indicator}"): READ,
    ("POST", "/v1/costs/estimate"): CALCULATION,
    ("GET", "/v1/costs/meetings/{meeting_id}"): READ,
    ("GET", "/v1/costs/partnerships/{partnership_id}"): READ,
    ("GET", "/v1/costs/areas/{area}"): READ,
    ("GET", "/v1/costs/people/{person_id}"): Rule(
        "analytics:read",
        "own_organisation",
        "the person's organisation, or an administrator; anyone else gets 404",
    ),
    ("GET", "/v1/costs/organisations/{organisation_id}"): READ,
    ("GET", "/v1/duplication"): READ,
    ("POST", "/v1/duplication/what-if"): CALCULATION,
    ("GET", "/v1/scorecards/partnerships/{partnership_id}"): READ,
    ("GET", "/v1/scorecards/areas/{area}"): READ,
    ("GET", "/v1/reports/landscape-review"): READ,
}
