"""Cambridgeshire (the High Harms Board) and Lincolnshire (the Safer Lincolnshire
Partnership), from the APCC report's case studies."""

from __future__ import annotations

from convenor_registry.demo.case_studies import (
    CDA_S5,
    CDA_URL,
    STRATEGIC,
    SVD,
    SVD_URL,
    WORKING,
    Area,
    Board,
    Org,
    Review,
    Strategy,
    council,
    csp,
)

C = "E23000023"
CAMBS_LAS = (
    ("cambridge", "Cambridge", "Cambridge City Council", "E07000008"),
    ("eastcambs", "East Cambridgeshire", "East Cambridgeshire District Council", "E07000009"),
    ("fenland", "Fenland", "Fenland District Council", "E07000010"),
    ("hunts", "Huntingdonshire", "Huntingdonshire District Council", "E07000011"),
    ("southcambs", "South Cambridgeshire", "South Cambridgeshire District Council", "E07000012"),
    ("peterborough", "Peterborough", "Peterborough City Council", "E06000031"),
)
CAMBRIDGESHIRE = Area(
    C,
    orgs=(
        Org("police", "Cambridgeshire Constabulary", "police_force", (C,)),
        Org("fire", "Cambridgeshire Fire and Rescue Service", "fire_rescue", (C,)),
        council("county", "Cambridgeshire County Council", "E10000003"),
        *(council(k, n, g) for k, _, n, g in CAMBS_LAS),
        Org("health", "Cambridgeshire and Peterborough Integrated Care Board", "health", (C,)),
        Org("probation", "Probation Service, Cambridgeshire and Peterborough", "probation", (C,)),
        Org("schools", "Cambridgeshire schools (education representative)", "education", (C,)),
        Org("vcse", "Cambridgeshire and Peterborough voluntary sector forum", "vcse", (C,)),
    ),
    boards=(
        Board(
            "hhb",
            "Cambridgeshire High Harms Board",
            "strategic_board",
            ("drugs", "serious_violence", "vawg", "organised_crime", "domestic_abuse"),
            (C,),
            (
                "pcc",
                "county",
                "peterborough",
                "police",
                "fire",
                "probation",
                "health",
                "schools",
                "vcse",
            ),
            per_year=4,
            level=STRATEGIC,
            chair="pcc",
            secretariat="pcc",
            short="HHB",
            description="Chaired by the PCC; four priorities: Harm to Hope drug strategy, the "
            "Serious Violence Duty, VAWG, serious and organised crime; also the county strategy "
            "group and the Combating Drugs Partnership (APCC report, 2025).",
            statutory=(SVD, SVD_URL),
            established="2022-10-01",
            support_cost=30_000,
        ),
        Board(
            "cso",
            "Cambridgeshire Community Safety Officer Group",
            "sub_group",
            ("asb", "prevention"),
            (C,),
            ("pcc", *(k for k, *_ in CAMBS_LAS), "police"),
            per_year=6,
            level=WORKING,
            purpose="delivery",
            description="Co-ordinates the countywide delivery groups and the CSPs (APCC report).",
        ),
        Board(
            "rr",
            "Cambridgeshire and Peterborough Reducing Reoffending Board",
            "reducing_reoffending",
            ("reoffending",),
            (C,),
            ("pcc", "probation", "police", "county", "peterborough", "health"),
            per_year=4,
        ),
        Board(
            "roads",
            "Cambridgeshire and Peterborough Road Safety Partnership",
            "other",
            ("road_safety",),
            (C,),
            ("police", "fire", "county", "peterborough", "pcc"),
            per_year=4,
        ),
        Board(
            "da",
            "Cambridgeshire and Peterborough Domestic Abuse Partnership",
            "domestic_abuse_board",
            ("domestic_abuse", "vawg"),
            (C,),
            ("county", "peterborough", "police", "health", "vcse", "pcc"),
            per_year=4,
            statutory=(
                "Domestic Abuse Act 2021 s57",
                "https://www.legislation.gov.uk/ukpga/2021/17/section/57",
            ),
        ),
        *(csp(f"csp_{k}", p, g, k) for k, p, _, g in CAMBS_LAS),
    ),
    plan=(
        ("Tackle drug harm: Harm to Hope", ("drugs",)),
        ("Prevent serious violence", ("serious_violence",)),
        ("End violence against women and girls", ("vawg", "domestic_abuse")),
        ("Disrupt serious and organised crime", ("organised_crime", "exploitation")),
        ("Safer roads", ("road_safety",)),
    ),
    reviews=(Review("hhb", "2024-09-18", "retain"), Review("csp_fenland", "2016-06-01", "retain")),
    strategies=(
        Strategy(
            "h2h",
            "Cambridgeshire and Peterborough Harm to Hope Drug Strategy",
            "partnership_strategy",
            "hhb",
            None,
            (
                ("Break drug supply chains", ("drugs", "organised_crime"), (0, 3)),
                ("Treatment and recovery places", ("drugs",), (0,)),
                ("Reduce drug-related deaths", ("drugs",), ()),
            ),
            period=("2023-04-01", "2026-03-31"),
            joint=("county", "peterborough", "police", "health", "probation"),
        ),
    ),
    terms=("hhb",),
)

L = "E23000020"
LINCS_LAS = (
    ("boston", "Boston", "Boston Borough Council", "E07000136"),
    ("elindsey", "East Lindsey", "East Lindsey District Council", "E07000137"),
    ("lincoln", "Lincoln", "City of Lincoln Council", "E07000138"),
    ("nkesteven", "North Kesteven", "North Kesteven District Council", "E07000139"),
    ("sholland", "South Holland", "South Holland District Council", "E07000140"),
    ("skesteven", "South Kesteven", "South Kesteven District Council", "E07000141"),
    ("wlindsey", "West Lindsey", "West Lindsey District Council", "E07000142"),
)
LINCOLNSHIRE = Area(
    L,
    orgs=(
        Org("police", "Lincolnshire Police", "police_force", (L,)),
        Org("fire", "Lincolnshire Fire and Rescue", "fire_rescue", (L,)),
        council("county", "Lincolnshire County Council", "E10000019"),
        *(council(k, n, g) for k, _, n, g in LINCS_LAS),
        Org("health", "Lincolnshire Integrated Care Board", "health", (L,)),
        Org("probation", "Probation Service, Lincolnshire", "probation", (L,)),
    ),
    boards=(
        Board(
            "slp",
            "Safer Lincolnshire Partnership",
            "csp",
            ("asb", "drugs", "alcohol", "domestic_abuse", "serious_violence"),
            (L,),
            ("county", "pcc", "police", "fire", "health", "probation", *(k for k, *_ in LINCS_LAS)),
            per_year=4,
            level=STRATEGIC,
            secretariat="county",
            short="SLP",
            statutory=(CDA_S5, CDA_URL),
            description="Acts as a force-wide CSP and strategic oversight board, the PCC its "
            "vice-chair; the district CSPs are merging into it (APCC report, 2025).",
            established="2010-04-01",
        ),
        Board(
            "slp_strategy",
            "Safer Lincolnshire Partnership Strategy Board",
            "strategic_board",
            ("asb", "drugs", "domestic_abuse", "serious_violence"),
            (L,),
            ("county", "pcc", "police", "health"),
            per_year=4,
            level=STRATEGIC,
            parent="slp",
            description="Gives the SLP its strategic direction (APCC report, 2025).",
        ),
        Board(
            "slp_drugs",
            "SLP Drugs and Alcohol Core Priority Group",
            "cdp",
            ("drugs", "alcohol"),
            (L,),
            ("county", "pcc", "police", "health", "probation"),
            per_year=6,
            parent="slp",
            purpose="delivery",
            description="A delivery-focused core priority group that acts as the Combating Drugs "
            "Partnership (APCC report, 2025).",
        ),
        *(csp(f"csp_{k}", p, g, k, since="1999-04-01") for k, p, _, g in LINCS_LAS),
    ),
    plan=(
        ("Safer communities and less anti-social behaviour", ("asb", "community_cohesion")),
        ("Tackle drugs and alcohol harm", ("drugs", "alcohol")),
        ("Protect people from domestic abuse", ("domestic_abuse", "vawg")),
        ("Safer roads in a rural county", ("road_safety",)),
    ),
    reviews=tuple(
        Review(f"csp_{k}", "2021-09-30", "merge_into", "slp", "Proposed by the county council.")
        for k, *_ in LINCS_LAS
    ),
    strategies=(
        Strategy(
            "slp_strategy",
            "Safer Lincolnshire Partnership Strategy",
            "partnership_strategy",
            "slp",
            None,
            (
                ("Reduce anti-social behaviour", ("asb",), (0,)),
                ("Drugs and alcohol: treatment and enforcement", ("drugs", "alcohol"), (1,)),
                ("Domestic abuse", ("domestic_abuse",), (2,)),
                ("Serious violence duty", ("serious_violence",), ()),
            ),
            joint=("county", "police", *(k for k, *_ in LINCS_LAS)),
        ),
    ),
    terms=("slp",),
    extra={"slp_vice_chair": "pcc"},
)
