"""Avon and Somerset, Bedfordshire and the all-Wales boards, from the APCC report."""

from __future__ import annotations

from convenor_registry.demo.case_studies import (
    STRATEGIC,
    WORKING,
    Area,
    Board,
    Org,
)

AVON = "E23000036"
AVON_AND_SOMERSET = Area(
    AVON,
    orgs=(
        Org("nhse", "NHS England South West", "health", (AVON,)),
        Org("bristol", "Bristol City Council", "local_authority", (AVON,)),
        Org("icb", "Bristol, North Somerset and South Gloucestershire ICB", "health", (AVON,)),
        Org("sarsas", "Sexual violence therapy alliance (lead provider)", "vcse", (AVON,)),
    ),
    boards=(
        Board(
            "saas",
            "Sexual Abuse and Assault Strategy Board",
            "vawg_board",
            ("sexual_violence", "vawg", "victims"),
            (AVON,),
            ("pcc", "nhse", "bristol", "icb", "sarsas"),
            per_year=4,
            chair="pcc",
            secretariat="pcc",
            description="Chaired by the OPCC; co-commissioned a force-wide therapy service "
            "from April 2023 (APCC report, 2025).",
        ),
        Board(
            "cf",
            "Sexual Violence Commissioners' Forum",
            "other",
            ("sexual_violence", "victims"),
            (AVON,),
            ("pcc", "nhse", "bristol", "icb"),
            per_year=4,
            level=WORKING,
            purpose="delivery",
        ),
    ),
)

B = "E23000026"
MISSIONS = (
    ("prevention", "Prevention", ("prevention",)),
    ("women_children", "Protecting Women and Children", ("vawg", "safeguarding")),
    ("serious_crime", "Tackling Serious Crime", ("organised_crime", "serious_violence")),
    ("victims", "Victims at the Heart of All Services", ("victims",)),
    ("local_policing", "Reinvigorating Local Policing", ("asb", "community_cohesion")),
    ("excellence", "Excellence in Policing and Criminal Justice", ("cjs_performance",)),
)
BEDFORDSHIRE = Area(
    B,
    orgs=(
        Org("police", "Bedfordshire Police", "police_force", (B,)),
        Org("university", "University of Bedfordshire (academic adviser)", "education", (B,)),
        Org("unions", "Bedfordshire trade unions representative", "other", (B,)),
        Org("vcse", "Bedfordshire voluntary sector representative", "vcse", (B,)),
    ),
    boards=tuple(
        Board(
            f"mission_{key}",
            f"Bedfordshire Strategic Mission Board: {title}",
            "strategic_board",
            themes,
            (B,),
            ("pcc", "police", "university", "unions", "vcse"),
            per_year=4,
            level=STRATEGIC,
            chair="pcc",
            secretariat="pcc",
            purpose="horizon_scanning",
            established="2024-10-01",
            description="One of six mission boards of the PCC's mission-led plan (APCC report).",
        )
        for key, title, themes in MISSIONS
    ),
)

WALES = ("W15000001", "W15000002", "W15000003", "W15000004")
ALL_WALES = Area(
    "W15000003",
    orgs=(
        Org("hmpps_wales", "HM Prison and Probation Service in Wales", "probation", WALES),
        Org("welsh_gov", "Welsh Government", "government", WALES),
    ),
    boards=(
        Board(
            "cjbw",
            "Criminal Justice Board for Wales",
            "lcjb",
            ("cjs_performance", "victims", "reoffending"),
            WALES,
            ("pcc", "hmpps_wales", "welsh_gov"),
            per_year=4,
            level=STRATEGIC,
            description="Scrutinises the Wales race disparity, domestic abuse attrition and "
            "women's justice dashboards (APCC report, 2025).",
        ),
        Board(
            "ppbw",
            "Policing Partnership Board for Wales",
            "strategic_board",
            ("prevention", "community_cohesion"),
            WALES,
            ("pcc", "welsh_gov"),
            per_year=4,
            level=STRATEGIC,
        ),
        Board(
            "scb",
            "Safer Communities Board",
            "other",
            ("asb", "serious_violence", "prevention"),
            WALES,
            ("pcc", "welsh_gov", "hmpps_wales"),
            per_year=4,
        ),
    ),
    extra={"also_pccs": "W15000001,W15000002,W15000004"},
)
