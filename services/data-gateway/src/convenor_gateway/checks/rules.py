"""The rules engine: which legal gateways permit a sharing, what is missing, what is not
permitted and why. Pure functions over the catalogue's data; no I/O.

Each gateway is tested in turn: who may disclose, to whom, for which purposes, which data
categories, whether it is in force, its hard exclusions and its requirements. A function or
lawful basis that needs a statutory gateway (PCSC s14, UK GDPR Art 6(1)(e)) permits only
alongside a statutory gateway that permits too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from convenor_gateway.catalogue.schemas import LegalGateway, Rule, When
from convenor_gateway.catalogue.service import Catalogue
from convenor_gateway.checks.schemas import MissingCondition, NotPermitted, PermittingGateway
from convenor_gateway.vocabularies import IDENTIFIABLE_CATEGORIES

STATUTORY_KINDS = frozenset({"power", "duty", "power_to_require"})


@dataclass(frozen=True)
class Facts:
    """What the rules are tested against."""

    requester: str  # classification
    holder: str
    purpose: str
    categories: frozenset[str]
    present: frozenset[str]  # facts such as "statutory_function", "agreement", "dpia"
    agreement_status: str | None = None


@dataclass
class Outcome:
    permitted: list[PermittingGateway] = field(default_factory=list)
    not_permitted: list[NotPermitted] = field(default_factory=list)
    conditions: dict[str, MissingCondition] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.permitted)

    def condition(
        self,
        rule_code: str,
        text: str,
        *,
        blocking: bool,
        gateway: str | None,
        citation: str | None = None,
    ) -> None:
        found = self.conditions.get(rule_code)
        if found is None:
            found = MissingCondition(
                code=rule_code, explanation=text, blocking=blocking, citation=citation
            )
            self.conditions[rule_code] = found
        if gateway and gateway not in found.gateways:
            found.gateways.append(gateway)


class _Text(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _sentence_case(label: str) -> str:
    """'Public protection (MAPPA)' -> 'public protection (MAPPA)'."""
    return label[:1].lower() + label[1:]


def _either(words: Iterable[str]) -> str:
    items = list(words)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def applies(when: When, facts: Facts) -> bool:
    """Whether every test stated in ``when`` holds for ``facts``."""
    tests = [
        when.holder_classification_in is None or facts.holder in when.holder_classification_in,
        when.holder_classification_not_in is None
        or facts.holder not in when.holder_classification_not_in,
        when.requester_classification_in is None
        or facts.requester in when.requester_classification_in,
        when.categories_any is None or bool(facts.categories & set(when.categories_any)),
        when.purpose_in is None or facts.purpose in when.purpose_in,
        when.present is None or all(f in facts.present for f in when.present),
        when.missing is None or not any(f in facts.present for f in when.missing),
    ]
    return all(tests)


class Evaluator:
    def __init__(self, catalogue: Catalogue, facts: Facts) -> None:
        self.catalogue = catalogue
        self.facts = facts
        self.text = _Text(
            holder=catalogue.label(facts.holder),
            requester=catalogue.label(facts.requester),
            purpose=_sentence_case(catalogue.purpose(facts.purpose).label),
            categories=", ".join(sorted(facts.categories)),
            identifiable_categories=", ".join(sorted(facts.categories & IDENTIFIABLE_CATEGORIES)),
            agreement_status=facts.agreement_status or "unknown",
        )

    def say(self, template: str) -> str:
        return template.format_map(self.text)

    def refusals(self, gateway: LegalGateway) -> list[tuple[str, str]]:
        """Every reason ``gateway`` cannot apply here, its requirements apart."""
        facts, name, found = self.facts, gateway.short_name, []
        if "*" not in gateway.disclosers and facts.holder not in gateway.disclosers:
            who = _either(self.catalogue.label(c) for c in gateway.disclosers)
            default = f"{name} lets a {who} disclose; the holder is a {{holder}}."
            found.append(("not_a_discloser", self.say(gateway.discloser_reason or default)))
        if "*" not in gateway.recipients and facts.requester not in gateway.recipients:
            whom = _either(self.catalogue.label(c) for c in gateway.recipients)
            default = f"{name} covers disclosure to a {whom}; the requester is a {{requester}}."
            found.append(("not_a_recipient", self.say(gateway.recipient_reason or default)))
        if "*" not in gateway.purposes and facts.purpose not in gateway.purposes:
            covered = _either(
                _sentence_case(self.catalogue.purpose(p).label) for p in gateway.purposes
            )
            found.append(
                ("purpose_not_covered", self.say(f"{name} covers {covered}, not {{purpose}}."))
            )
        outside = sorted(facts.categories - set(gateway.data_categories))
        if outside:
            allowed = _either(gateway.data_categories)
            found.append(
                (
                    "categories_not_covered",
                    f"{name} covers only {allowed} data; the request includes "
                    f"{', '.join(outside)} data.",
                )
            )
        if gateway.in_force == "not_in_force":
            found.append(("not_in_force", f"{name} is not in force."))
        for rule in gateway.exclusions:
            if applies(rule.when, self.facts):
                found.append((rule.code, self.say(rule.reason)))
        return found

    def conditions_of(self, gateway: LegalGateway, outcome: Outcome) -> None:
        for rule in gateway.conditions:
            self._rule(rule, outcome, blocking=False, gateway=gateway.id)
        if gateway.in_force == "unknown":
            outcome.condition(
                "in_force_unconfirmed",
                "Whether these provisions are in force has not been confirmed: check "
                "commencement before relying on them.",
                blocking=False,
                gateway=gateway.id,
            )
        if not gateway.confirmed:
            outcome.condition(
                "encoding_unconfirmed",
                "The catalogue's encoding of these gateways has not been checked against the "
                "legislation: an information governance lead should confirm it.",
                blocking=False,
                gateway=gateway.id,
            )
        if "wales" not in gateway.extent:
            outcome.condition(
                "extent_england_only",
                "These gateways apply in England only: confirm both parties act in England.",
                blocking=False,
                gateway=gateway.id,
            )

    def _rule(self, rule: Rule, outcome: Outcome, *, blocking: bool, gateway: str | None) -> None:
        if applies(rule.when, self.facts):
            outcome.condition(
                rule.code,
                self.say(rule.reason),
                blocking=blocking,
                gateway=gateway,
                citation=rule.citation,
            )

    def run(self, gateways: Sequence[LegalGateway]) -> Outcome:
        outcome = Outcome()
        deferred: list[LegalGateway] = []
        statutory_ok: list[str] = []
        for gateway in gateways:
            reasons = self.refusals(gateway)
            unmet = [rule for rule in gateway.requirements if applies(rule.when, self.facts)]
            if not reasons:
                # Only a gateway that would otherwise apply makes its requirements worth asking.
                for rule in unmet:
                    self._rule(rule, outcome, blocking=True, gateway=gateway.id)
            reasons += [(rule.code, self.say(rule.reason)) for rule in unmet]
            if reasons:
                outcome.not_permitted += [
                    NotPermitted(gateway=gateway.id, code=code, reason=reason)
                    for code, reason in reasons
                ]
            elif gateway.needs_statutory_gateway:
                deferred.append(gateway)
            else:
                self._permit(gateway, outcome)
                if gateway.kind in STATUTORY_KINDS:
                    statutory_ok.append(gateway.short_name)
        for gateway in deferred:
            if statutory_ok:
                self._permit(gateway, outcome, alongside=statutory_ok)
            else:
                outcome.not_permitted.append(
                    NotPermitted(
                        gateway=gateway.id,
                        code="needs_statutory_gateway",
                        reason=gateway.alone_reason
                        or f"{gateway.short_name} applies only with a statutory gateway.",
                    )
                )
        for rule in self.catalogue.data.conditions:
            self._rule(rule, outcome, blocking=False, gateway=None)
        return outcome

    def _permit(
        self, gateway: LegalGateway, outcome: Outcome, alongside: Sequence[str] = ()
    ) -> None:
        kind = self.catalogue.data.kinds[gateway.kind]
        explanation = f"{gateway.short_name} is {kind}. {gateway.explanation}"
        if alongside:
            explanation += f" Here it rests on {_either(alongside)}."
        outcome.permitted.append(
            PermittingGateway(
                id=gateway.id,
                short_name=gateway.short_name,
                kind=gateway.kind,
                explanation=explanation,
                citation=gateway.citation,
                legislation_url=str(gateway.legislation_url),
                overrides_confidence=gateway.overrides_confidence,
                confirmed=gateway.confirmed,
                in_force=gateway.in_force,
            )
        )
        self.conditions_of(gateway, outcome)


def evaluate(catalogue: Catalogue, facts: Facts, cited: Sequence[str] | None) -> Outcome:
    """Test the cited gateways (or every gateway in the catalogue) against ``facts``."""
    gateways = [catalogue.gateway(i) for i in cited] if cited else list(catalogue.data.gateways)
    return Evaluator(catalogue, facts).run(gateways)


def summary(catalogue: Catalogue, outcome: Outcome, cited: bool) -> str:
    """One paragraph an information governance lead can read."""
    if outcome.ok:
        names = _either(g.short_name for g in outcome.permitted)
        open_conditions = len(outcome.conditions)
        text = f"Permitted under {names}."
        if open_conditions:
            text += f" {open_conditions} condition(s) to settle or confirm before sharing."
        return text
    scope = "cited" if cited else "catalogued"
    text = f"Not permitted: no {scope} legal gateway allows this sharing."
    reasons = [
        f"{catalogue.gateway(n.gateway).short_name}: {n.reason}" for n in outcome.not_permitted
    ]
    return " ".join([text, *reasons])
