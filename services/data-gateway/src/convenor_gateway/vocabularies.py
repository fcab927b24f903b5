"""Controlled vocabularies of the data gateway (DESIGN sections 7 and 10).

The legal-gateway catalogue (``catalogue/legal-gateways.json``) is checked against these at
load, so the API's enums and the catalogue's data cannot drift apart.
"""

from __future__ import annotations

from typing import Literal, get_args

OrganisationClassification = Literal[
    "local_policing_body",
    "police_force",
    "local_authority",
    "health",
    "probation",
    "fire_rescue",
    "youth_justice",
    "education",
    "prison",
    "courts",
    "cps",
    "vcse",
    "government",
    "other",
]
Purpose = Literal[
    "crime_and_disorder_reduction",
    "serious_violence_prevention",
    "strategic_needs_assessment",
    "commissioning_victim_services",
    "victims_code_compliance",
    "reducing_reoffending",
    "safeguarding_children",
    "safeguarding_adults",
    "performance_monitoring",
    "research_statistics",
    "public_protection",
]
DataCategory = Literal[
    "aggregate",
    "depersonalised",
    "pseudonymised",
    "personal",
    "special_category",
    "criminal_offence",
]
Identifiability = Literal["aggregate", "pseudonymised", "identifiable"]
RequestStatus = Literal[
    "draft",
    "submitted",
    "acknowledged",
    "clarification_requested",
    "approved",
    "partially_approved",
    "refused",
    "delivered",
    "closed",
    "withdrawn",
    "expired",
]
RefusalCode = Literal[
    "no_lawful_basis",
    "purpose_unclear",
    "not_held",
    "disproportionate",
    "needs_agreement",
    "confidentiality",
]
# Reason codes the gateway itself records on the moves it makes.
SystemReasonCode = Literal["due_date_passed", "retention_ended"]
AgreementStatus = Literal["draft", "active", "suspended", "expired", "terminated"]
DpiaStatus = Literal["not_started", "in_progress", "completed", "not_required"]
Article6Basis = Literal[
    "consent",
    "contract",
    "legal_obligation",
    "vital_interests",
    "public_task",
    "recognised_legitimate_interests",
    "legitimate_interests",
]
Article9Condition = Literal[
    "explicit_consent",
    "employment_social_security",
    "vital_interests",
    "not_for_profit_body",
    "made_public",
    "legal_claims",
    "substantial_public_interest",
    "health_social_care",
    "public_health",
    "archiving_research_statistics",
]
# Article 9(2)(b), (g), (h), (i) and (j) need a DPA 2018 Schedule 1 condition as well (s10).
ARTICLE_9_NEEDING_SCHEDULE_1 = frozenset(
    {
        "employment_social_security",
        "substantial_public_interest",
        "health_social_care",
        "public_health",
        "archiving_research_statistics",
    }
)
# Categories that identify a person or enable identification (PCSC 2022 s10's test).
IDENTIFIABLE_CATEGORIES = frozenset(
    {"pseudonymised", "personal", "special_category", "criminal_offence"}
)
CLASSIFICATIONS: tuple[str, ...] = get_args(OrganisationClassification)
PURPOSES: tuple[str, ...] = get_args(Purpose)
DATA_CATEGORIES: tuple[str, ...] = get_args(DataCategory)
STATUSES: tuple[str, ...] = get_args(RequestStatus)
