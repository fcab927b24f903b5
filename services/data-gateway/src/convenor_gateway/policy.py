"""Who may call each route of the data gateway (see :mod:`convenor_shared.policy`).

A request, its delivery, its history, its decision record and its evidence exist only for its
two parties: the requester's organisation, and the holder's once the request has been
submitted. Anyone else gets 404, not 403, so that requests cannot be discovered ("party"). A
party acts through the scope of its role: the requester's moves (raise, edit, submit,
withdraw, download) need ``gateway:request``, the holder's (answer, deliver) ``gateway:respond``;
the other party gets 403. Agreements are their parties' and webhooks their organisation's in
the same way. Lists and creations act for the caller's own organisation: a client without one
gets 403 ("own_organisation"). The audit log's proofs and its verification need
``gateway:audit``; the change feed, which covers every organisation's requests, needs
``gateway:feed``, a scope for services (analytics), not partners; its signed checkpoints and
verifier keys, the legal-gateway catalogue and the transparency figures are public. The
authorization-matrix test drives every row against the app.
"""

from __future__ import annotations

from convenor_shared.policy import Policy, Rule, public

# Either partner scope: the route itself then decides which party (and so which scope) acts.
PARTNER = "gateway:request or gateway:respond"
REQUEST = "gateway:request"
RESPOND = "gateway:respond"
AUDIT = "gateway:audit"
FEED = "gateway:feed"

OWN = Rule(PARTNER, "own_organisation")
PARTY = Rule(PARTNER, "party", "the requester; the holder once submitted")
AGREEMENT = Rule(PARTNER, "party", "any party to the agreement")
WEBHOOK = Rule(PARTNER, "party", "only the organisation that registered it")

POLICY: Policy = {
    ("GET", "/healthz"): public(),
    ("GET", "/readyz"): public(),
    ("GET", "/metrics"): public("scrape from inside the deployment only"),
    ("GET", "/v1/legal-gateways"): public("reference data"),
    ("GET", "/v1/legal-gateways/{gateway_id}"): public("reference data"),
    ("GET", "/v1/purposes"): public("reference data"),
    ("GET", "/v1/transparency"): public("published figures, small numbers suppressed"),
    ("GET", "/v1/audit/checkpoints/latest"): public("a signed tree head reveals nothing"),
    ("GET", "/v1/audit/checkpoints/{tree_size}"): public("a signed tree head reveals nothing"),
    ("GET", "/v1/audit/keys"): public("anyone must be able to check a checkpoint"),
    ("POST", "/v1/gateway-check"): Rule(PARTNER, note="changes nothing"),
    ("GET", "/v1/requests"): Rule(PARTNER, "own_organisation", "requests it is a party to"),
    ("POST", "/v1/requests"): Rule(REQUEST, "own_organisation", "as the requester"),
    ("GET", "/v1/requests/{request_id}"): PARTY,
    ("PATCH", "/v1/requests/{request_id}"): Rule(
        REQUEST, "party", "requester only; the holder gets 403"
    ),
    ("POST", "/v1/requests/{request_id}/transitions"): Rule(
        PARTNER, "party", "each party its own moves; the other's are 403"
    ),
    ("GET", "/v1/requests/{request_id}/history"): PARTY,
    ("GET", "/v1/requests/{request_id}/decision-record"): PARTY,
    ("GET", "/v1/requests/{request_id}/evidence"): PARTY,
    ("PUT", "/v1/requests/{request_id}/delivery"): Rule(
        RESPOND, "party", "holder only; the requester gets 403"
    ),
    ("GET", "/v1/requests/{request_id}/delivery"): Rule(
        REQUEST, "party", "requester only, stating the purpose; the holder gets 403"
    ),
    ("POST", "/v1/requests/{request_id}/erasure"): Rule(PARTNER, "party", "either party"),
    ("GET", "/v1/agreements"): Rule(PARTNER, "own_organisation", "agreements it is a party to"),
    ("POST", "/v1/agreements"): Rule(PARTNER, "own_organisation", "it becomes a party"),
    ("GET", "/v1/agreements/{agreement_id}"): AGREEMENT,
    ("PATCH", "/v1/agreements/{agreement_id}"): AGREEMENT,
    ("DELETE", "/v1/agreements/{agreement_id}"): AGREEMENT,
    ("GET", "/v1/webhooks"): Rule(PARTNER, "own_organisation"),
    ("POST", "/v1/webhooks"): Rule(PARTNER, "own_organisation"),
    ("GET", "/v1/webhooks/{webhook_id}"): WEBHOOK,
    ("DELETE", "/v1/webhooks/{webhook_id}"): WEBHOOK,
    ("GET", "/v1/webhooks/{webhook_id}/deliveries"): WEBHOOK,
    ("GET", "/v1/audit/entries"): Rule(
        AUDIT, "own_organisation", "its requests' entries; an administrator sees every entry"
    ),
    ("GET", "/v1/audit/proofs/inclusion"): Rule(AUDIT, note="hashes only"),
    ("GET", "/v1/audit/proofs/consistency"): Rule(AUDIT, note="hashes only"),
    ("POST", "/v1/audit/verify"): Rule(AUDIT, note="hashes only"),
    ("GET", "/v1/changes"): Rule(
        FEED, note="every organisation's requests, without their text: for analytics"
    ),
}


def scopes_of(rule: Rule) -> frozenset[str]:
    """The scopes that satisfy ``rule`` (any one of them does)."""
    return frozenset(rule.scope.split(" or ")) if rule.scope else frozenset()
