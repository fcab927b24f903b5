"""Who may call each route of the registry (see :mod:`convenor_shared.policy`).

Reading the landscape is open to every holder of ``registry:read`` in the install, as a
partnership map is; changing it needs ``registry:write`` and a stake in the record: the
organisation that manages it, or the chair or secretariat of the partnership it belongs to
("manager"). Reference geography is the administrators'. An organisation manages its own API
clients. The authorization-matrix test drives every row against the app.
"""

from __future__ import annotations

from convenor_shared.policy import Policy, Rule, public

READ = Rule("registry:read")
WRITE = Rule("registry:write")
MANAGE = Rule("registry:write", "manager")
ADMIN = Rule("registry:write", "admin")
OWN = Rule("registry:write", "own_organisation")
CALENDAR = Rule("registry:read", note="or a calendar subscription token in ?token=")
# A subscription is private to its organisation: others do not see it at all (404).
SUBSCRIPTION = Rule("registry:read", "party", "only the organisation that created it")

POLICY: Policy = {
    ("GET", "/healthz"): public(),
    ("GET", "/readyz"): public(),
    ("GET", "/metrics"): public("scrape from inside the deployment only"),
    ("POST", "/oauth/token"): public("client authentication instead of a bearer token"),
    ("GET", "/oauth/jwks.json"): public(),
    ("GET", "/oauth/revocations"): public("client ids are not secrets"),
    ("GET", "/.well-known/oauth-authorization-server"): public(),
    ("GET", "/v1/changes"): READ,
    ("GET", "/v1/history"): READ,
    ("GET", "/v1/areas"): READ,
    ("POST", "/v1/areas"): ADMIN,
    ("GET", "/v1/areas/{area_id}"): READ,
    ("PATCH", "/v1/areas/{area_id}"): ADMIN,
    ("GET", "/v1/areas/{area}/meetings.ics"): CALENDAR,
    ("GET", "/v1/organisations"): READ,
    ("POST", "/v1/organisations"): WRITE,
    ("GET", "/v1/organisations/{organisation_id}"): READ,
    ("PATCH", "/v1/organisations/{organisation_id}"): MANAGE,
    ("DELETE", "/v1/organisations/{organisation_id}"): MANAGE,
    ("GET", "/v1/organisations/{organisation_id}/meetings.ics"): CALENDAR,
    ("GET", "/v1/organisations/{organisation_id}/clients"): OWN,
    ("POST", "/v1/organisations/{organisation_id}/clients"): OWN,
    ("DELETE", "/v1/organisations/{organisation_id}/clients/{client_id}"): OWN,
    ("GET", "/v1/people"): READ,
    ("POST", "/v1/people"): WRITE,
    ("GET", "/v1/people/{person_id}"): READ,
    ("PATCH", "/v1/people/{person_id}"): MANAGE,
    ("DELETE", "/v1/people/{person_id}"): MANAGE,
    ("GET", "/v1/people/{person_id}/meetings.ics"): CALENDAR,
    ("GET", "/v1/partnerships"): READ,
    ("POST", "/v1/partnerships"): WRITE,
    ("GET", "/v1/partnerships/{partnership_id}"): READ,
    ("PATCH", "/v1/partnerships/{partnership_id}"): MANAGE,
    ("DELETE", "/v1/partnerships/{partnership_id}"): MANAGE,
    ("GET", "/v1/partnerships/{partnership_id}/meetings.ics"): CALENDAR,
    ("GET", "/v1/partnerships/{partnership_id}/relations"): READ,
    ("POST", "/v1/partnerships/{partnership_id}/relations"): MANAGE,
    ("DELETE", "/v1/partnerships/{partnership_id}/relations/{relation_id}"): MANAGE,
    ("GET", "/v1/partnerships/{partnership_id}/terms-of-reference"): READ,
    ("POST", "/v1/partnerships/{partnership_id}/terms-of-reference"): MANAGE,
    ("GET", "/v1/partnerships/{partnership_id}/memberships"): READ,
    ("POST", "/v1/partnerships/{partnership_id}/memberships"): MANAGE,
    ("GET", "/v1/memberships/{membership_id}"): READ,
    ("PATCH", "/v1/memberships/{membership_id}"): MANAGE,
    ("DELETE", "/v1/memberships/{membership_id}"): MANAGE,
    ("GET", "/v1/partnerships/{partnership_id}/meetings"): READ,
    ("POST", "/v1/partnerships/{partnership_id}/meetings"): MANAGE,
    ("POST", "/v1/partnerships/{partnership_id}/meeting-series"): MANAGE,
    ("GET", "/v1/meeting-series/{series_id}"): READ,
    ("GET", "/v1/meetings/{meeting_id}"): READ,
    ("PATCH", "/v1/meetings/{meeting_id}"): MANAGE,
    ("DELETE", "/v1/meetings/{meeting_id}"): MANAGE,
    ("GET", "/v1/meetings/{meeting_id}/attendance"): READ,
    ("PUT", "/v1/meetings/{meeting_id}/attendance"): MANAGE,
    ("GET", "/v1/meetings/{meeting_id}/agenda-items"): READ,
    ("POST", "/v1/meetings/{meeting_id}/agenda-items"): MANAGE,
    ("GET", "/v1/agenda-items/{item_id}"): READ,
    ("PATCH", "/v1/agenda-items/{item_id}"): MANAGE,
    ("DELETE", "/v1/agenda-items/{item_id}"): MANAGE,
    ("GET", "/v1/meetings/{meeting_id}/decisions"): READ,
    ("POST", "/v1/meetings/{meeting_id}/decisions"): MANAGE,
    ("GET", "/v1/decisions/{decision_id}"): READ,
    ("PATCH", "/v1/decisions/{decision_id}"): MANAGE,
    ("DELETE", "/v1/decisions/{decision_id}"): MANAGE,
    ("GET", "/v1/actions"): READ,
    ("GET", "/v1/meetings/{meeting_id}/actions"): READ,
    ("POST", "/v1/meetings/{meeting_id}/actions"): MANAGE,
    ("POST", "/v1/partnerships/{partnership_id}/actions"): MANAGE,
    ("GET", "/v1/actions/{action_id}"): READ,
    ("PATCH", "/v1/actions/{action_id}"): MANAGE,
    ("DELETE", "/v1/actions/{action_id}"): MANAGE,
    ("POST", "/v1/actions/{action_id}/updates"): MANAGE,
    ("GET", "/v1/strategies"): READ,
    ("POST", "/v1/strategies"): WRITE,
    ("GET", "/v1/strategies/{strategy_id}"): READ,
    ("PATCH", "/v1/strategies/{strategy_id}"): MANAGE,
    ("DELETE", "/v1/strategies/{strategy_id}"): MANAGE,
    ("GET", "/v1/strategies/{strategy_id}/priorities"): READ,
    ("POST", "/v1/strategies/{strategy_id}/priorities"): MANAGE,
    ("GET", "/v1/priorities/{priority_id}"): READ,
    ("PATCH", "/v1/priorities/{priority_id}"): MANAGE,
    ("DELETE", "/v1/priorities/{priority_id}"): MANAGE,
    ("GET", "/v1/partnerships/{partnership_id}/reviews"): READ,
    ("POST", "/v1/partnerships/{partnership_id}/reviews"): MANAGE,
    ("GET", "/v1/reviews/{review_id}"): READ,
    ("GET", "/v1/landscape"): READ,
    ("GET", "/v1/export"): READ,
    ("GET", "/v1/export/popolo"): READ,
    ("GET", "/v1/import/template"): READ,
    ("POST", "/v1/import"): Rule(
        "registry:write", note="each row also needs a stake in its record"
    ),
    ("GET", "/v1/calendar-subscriptions"): Rule("registry:read", note="lists only your own"),
    ("POST", "/v1/calendar-subscriptions"): Rule("registry:read"),
    ("DELETE", "/v1/calendar-subscriptions/{subscription_id}"): SUBSCRIPTION,
}
