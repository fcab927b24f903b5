"""Controlled vocabularies of the registry (DESIGN sections 6 and 10)."""

from __future__ import annotations

from typing import Literal, get_args

AreaClassification = Literal[
    "country", "police_force_area", "local_authority", "csp_area", "combined_authority", "other"
]
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
PolicingBodyKind = Literal["pcc", "pfcc", "mayor", "policing_and_crime_board", "common_council"]
PensionScheme = Literal["lgps", "civil_service_alpha", "police", "nhs", "teachers", "fire", "other"]
Seniority = Literal[1, 2, 3, 4, 5]
# Salary bands, never salaries: analytics costs a band at its midpoint.
SalaryBand = Literal[
    "under_25k",
    "25k_35k",
    "35k_45k",
    "45k_55k",
    "55k_70k",
    "70k_90k",
    "90k_120k",
    "120k_150k",
    "over_150k",
]
PartnershipType = Literal[
    "lcjb",
    "csp",
    "cdp",
    "svd_partnership",
    "vru",
    "vawg_board",
    "domestic_abuse_board",
    "safeguarding_children",
    "safeguarding_adults",
    "mappa_smb",
    "reducing_reoffending",
    "health_wellbeing",
    "psb_wales",
    "rpb_wales",
    "strategic_board",
    "sub_group",
    "task_and_finish",
    "other",
]
PartnershipStatus = Literal["active", "under_review", "merging", "discontinued"]
RelationType = Literal["reports_to", "sub_group_of", "merged_into", "replaced_by"]
Theme = Literal[
    "serious_violence",
    "vawg",
    "domestic_abuse",
    "sexual_violence",
    "drugs",
    "alcohol",
    "asb",
    "reoffending",
    "victims",
    "youth_justice",
    "exploitation",
    "organised_crime",
    "road_safety",
    "mental_health",
    "safeguarding",
    "hate_crime",
    "cjs_performance",
    "prevention",
    "community_cohesion",
    "other",
]
MembershipRole = Literal["chair", "vice_chair", "member", "secretariat", "observer", "advisor"]
MeetingMode = Literal["in_person", "online", "hybrid"]
MeetingStatus = Literal["scheduled", "held", "cancelled", "postponed"]
MeetingPurpose = Literal["decision", "delivery", "relational", "horizon_scanning"]
AttendanceStatus = Literal["present", "apologies", "absent", "deputy", "observer", "officer"]
AgendaItemType = Literal["decision", "discussion", "information"]
ActionStatus = Literal["open", "in_progress", "done", "cancelled"]
StrategyKind = Literal["police_and_crime_plan", "partnership_strategy", "organisation_strategy"]
StrategyStatus = Literal["draft", "active", "expired", "withdrawn"]
ReviewOutcome = Literal["retain", "refocus", "merge_into", "discontinue"]

THEMES: tuple[str, ...] = get_args(Theme)
PARTNERSHIP_TYPES: tuple[str, ...] = get_args(PartnershipType)
ORGANISATION_CLASSIFICATIONS: tuple[str, ...] = get_args(OrganisationClassification)
SALARY_BANDS: tuple[str, ...] = get_args(SalaryBand)
