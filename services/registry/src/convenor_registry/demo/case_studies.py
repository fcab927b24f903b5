"""The demo landscape, from the case studies of the APCC findings report (18 Feb 2025).

What the report states is kept: which boards exist, who chairs them, what they oversee and
report to, their themes and how often they meet where it says so (Merseyside's Strategic
Policing and Partnership Board meets quarterly and oversees the Violence Reduction Partnership;
the Combating Drugs Partnerships report into it; it reviews the Criminal Justice Board; the
Cambridgeshire High Harms Board's four priorities; Lincolnshire's district CSPs merging into
the Safer Lincolnshire Partnership, whose drugs and alcohol group acts as the Combating Drugs
Partnership; Humberside's Operations Board replacing three LCJB groups; Surrey's Community
Safety Board merged into the Health and Wellbeing Board in 2019-20; Avon and Somerset's Sexual
Abuse and Assault Strategy Board; Bedfordshire's six Strategic Mission Boards; the all-Wales
boards). The rest is invented and says so in the descriptions: people, meeting dates, agendas,
decisions, actions, review dates, and two deliberately duplicated Merseyside boards.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STRATEGIC, DELIVERY, WORKING = "strategic", "delivery", "working"
CDA_S5 = "Crime and Disorder Act 1998 s5-6"
CDA_URL = "https://www.legislation.gov.uk/ukpga/1998/37/section/5"
SVD = "Police, Crime, Sentencing and Courts Act 2022 Part 2 Chapter 1 (Serious Violence Duty)"
SVD_URL = "https://www.legislation.gov.uk/ukpga/2022/32/part/2/chapter/1"
HWB = "Health and Social Care Act 2012 s194"
HWB_URL = "https://www.legislation.gov.uk/ukpga/2012/7/section/194"
INVENTED = "Invented for the Convenor demo"


@dataclass(frozen=True)
class Org:
    key: str
    name: str
    classification: str
    areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class Board:
    key: str
    name: str
    type: str
    themes: tuple[str, ...]
    footprint: tuple[str, ...]
    members: tuple[str, ...]  # organisation keys; "pcc" is the area's policing body
    per_year: int = 4
    level: str = DELIVERY
    chair: str | None = None
    secretariat: str | None = None
    parent: str | None = None
    statutory: tuple[str, str] | None = None  # citation, legislation URL
    established: str | None = None
    short: str | None = None
    description: str | None = None
    purpose: str = "decision"
    talking_shop: bool = False
    status: str = "active"
    cycle: int = 36
    support_cost: int | None = None


@dataclass(frozen=True)
class Review:
    board: str
    date: str
    outcome: str
    into: str | None = None
    summary: str | None = None


@dataclass(frozen=True)
class Strategy:
    key: str
    name: str
    kind: str
    owner_board: str | None
    owner_org: str | None
    priorities: tuple[tuple[str, tuple[str, ...], tuple[int, ...]], ...]  # title, themes, PCP
    period: tuple[str, str] = ("2024-04-01", "2029-03-31")
    joint: tuple[str, ...] = ()


@dataclass(frozen=True)
class Area:
    gss: str
    orgs: tuple[Org, ...]
    boards: tuple[Board, ...]
    plan: tuple[tuple[str, tuple[str, ...]], ...] = ()  # Police and Crime Plan priorities
    relations: tuple[tuple[str, str, str, str | None], ...] = ()  # from, type, to, since
    reviews: tuple[Review, ...] = ()
    strategies: tuple[Strategy, ...] = ()
    terms: tuple[str, ...] = ()  # boards with terms of reference
    discontinued: tuple[tuple[str, str], ...] = ()  # board, ended
    extra: dict[str, str] = field(default_factory=dict)


def csp(key: str, place: str, gss: str, council: str, since: str = "1999-04-01") -> Board:
    return Board(
        key,
        f"{place} Community Safety Partnership",
        "csp",
        ("asb", "serious_violence", "drugs", "domestic_abuse"),
        (gss,),
        (council, "police", "fire", "health", "probation", "pcc"),
        per_year=4,
        chair=council,
        secretariat=council,
        statutory=(CDA_S5, CDA_URL),
        established=since,
        short=f"{place} CSP",
        support_cost=18_000,
    )


def council(key: str, name: str, gss: str) -> Org:
    return Org(key, name, "local_authority", (gss,))


MERSEYSIDE_LAS = (
    ("knowsley", "Knowsley", "Knowsley Council", "E08000011"),
    ("liverpool", "Liverpool", "Liverpool City Council", "E08000012"),
    ("sefton", "Sefton", "Sefton Council", "E08000014"),
    ("sthelens", "St Helens", "St Helens Borough Council", "E08000013"),
    ("wirral", "Wirral", "Wirral Council", "E08000015"),
)
M = "E23000004"
M_ALL = tuple(gss for *_, gss in MERSEYSIDE_LAS)
MERSEYSIDE = Area(
    M,
    orgs=(
        Org("police", "Merseyside Police", "police_force", (M,)),
        Org("fire", "Merseyside Fire and Rescue Service", "fire_rescue", (M,)),
        Org("lcrca", "Liverpool City Region Combined Authority", "local_authority", M_ALL),
        Org("health", "Cheshire and Merseyside Health and Care Partnership", "health", (M,)),
        Org("probation", "Probation Service, Merseyside", "probation", (M,)),
        Org("yos", "Merseyside youth offending services", "youth_justice", (M,)),
        Org("schools", "Merseyside schools (education representative)", "education", (M,)),
        Org("vcse", "Merseyside VCSE network", "vcse", (M,)),
        Org("courts", "HM Courts and Tribunals Service, Merseyside", "courts", (M,)),
        Org("cps", "Crown Prosecution Service, Mersey-Cheshire", "cps", (M,)),
        *(council(k, n, g) for k, _, n, g in MERSEYSIDE_LAS),
    ),
    boards=(
        Board(
            "msppb",
            "Merseyside Strategic Policing and Partnership Board",
            "strategic_board",
            ("serious_violence", "vawg", "drugs", "cjs_performance", "domestic_abuse"),
            (M,),
            ("pcc", "police", "lcrca", "health", *(k for k, *_ in MERSEYSIDE_LAS)),
            per_year=4,
            level=STRATEGIC,
            chair="pcc",
            secretariat="pcc",
            short="MSPPB",
            description="Meets quarterly, chaired by the PCC: senior leaders of the partners; "
            "oversees the Violence Reduction Partnership, reviews the Criminal Justice Board, and "
            "receives the Combating Drugs Partnerships and the VAWG work (APCC report, 2025).",
            established="2022-04-01",
            support_cost=25_000,
        ),
        Board(
            "mvrp",
            "Merseyside Violence Reduction Partnership",
            "vru",
            ("serious_violence", "youth_justice", "exploitation", "prevention"),
            (M,),
            (
                "pcc",
                "police",
                "fire",
                "probation",
                "yos",
                "health",
                "schools",
                "vcse",
                *(k for k, *_ in MERSEYSIDE_LAS),
            ),
            per_year=6,
            level=STRATEGIC,
            chair="pcc",
            secretariat="pcc",
            parent="msppb",
            statutory=(SVD, SVD_URL),
            established="2019-09-01",
            short="MVRP",
            description="Established in 2019, chaired by the PCC and convened by the OPCC; agreed "
            "the single Merseyside Serious Violence Strategy (APCC report, 2025).",
            support_cost=60_000,
        ),
        Board(
            "mcjb",
            "Merseyside Criminal Justice Board",
            "lcjb",
            ("cjs_performance", "victims", "reoffending"),
            (M,),
            ("pcc", "police", "courts", "cps", "probation", "yos", "vcse"),
            per_year=6,
            level=STRATEGIC,
            chair="pcc",
            secretariat="pcc",
            established="2003-04-01",
            short="MCJB",
            support_cost=30_000,
        ),
        Board(
            "cdp",
            "Merseyside Combating Drugs Partnerships",
            "cdp",
            ("drugs", "alcohol", "reoffending"),
            M_ALL,
            ("pcc", "police", "health", "probation", *(k for k, *_ in MERSEYSIDE_LAS)),
            per_year=4,
            chair="pcc",
            description="The area's Combating Drugs Partnerships, shown as one board; they "
            "report into the MSPPB (APCC report, 2025).",
            established="2022-08-01",
        ),
        Board(
            "vawg",
            "Merseyside VAWG Strategic Group",
            "vawg_board",
            ("vawg", "domestic_abuse", "sexual_violence"),
            (M,),
            ("pcc", "police", "health", "liverpool", "sefton", "wirral", "vcse"),
            per_year=6,
            description=f"{INVENTED}: shares its people and themes with the Domestic Abuse "
            "Partnership Board, to show duplication.",
            talking_shop=True,
            established="2021-10-01",
        ),
        Board(
            "dapb",
            "Merseyside Domestic Abuse Partnership Board",
            "domestic_abuse_board",
            ("domestic_abuse", "vawg", "victims"),
            (M,),
            ("pcc", "police", "health", "liverpool", "sefton", "wirral", "vcse"),
            per_year=6,
            statutory=(
                "Domestic Abuse Act 2021 s57",
                "https://www.legislation.gov.uk/ukpga/2021/17/section/57",
            ),
            description=f"{INVENTED}: the same people as the VAWG Strategic Group.",
            talking_shop=True,
            established="2021-10-01",
        ),
        *(csp(f"csp_{k}", p, g, k) for k, p, _, g in MERSEYSIDE_LAS),
    ),
    plan=(
        ("Prevent and tackle serious violence and knife crime", ("serious_violence",)),
        ("Keep women and girls safe", ("vawg", "domestic_abuse", "sexual_violence")),
        ("Tackle drugs and organised crime", ("drugs", "organised_crime")),
        (
            "Support victims and a criminal justice system that works",
            ("victims", "cjs_performance"),
        ),
        ("Reduce anti-social behaviour in neighbourhoods", ("asb", "community_cohesion")),
    ),
    relations=(("mcjb", "reports_to", "msppb", None), ("cdp", "reports_to", "msppb", None)),
    reviews=(
        Review("msppb", "2024-06-12", "retain"),
        Review("mvrp", "2023-03-15", "refocus", summary="Focus on the single strategy."),
        Review("csp_knowsley", "2017-05-10", "retain"),
        Review("csp_wirral", "2018-11-20", "retain"),
        Review("csp_liverpool", "2022-09-01", "retain"),
    ),
    strategies=(
        Strategy(
            "msvs",
            "Merseyside Serious Violence Strategy",
            "partnership_strategy",
            "mvrp",
            None,
            (
                ("Reduce knife crime among under-25s", ("serious_violence", "youth_justice"), (0,)),
                ("Hotspot policing and place-based prevention", ("serious_violence",), (0, 4)),
                ("Support young people at risk of exploitation", ("exploitation",), (0,)),
                ("Shared data and analysis across partners", ("prevention",), ()),
            ),
            period=("2023-04-01", "2026-03-31"),
            joint=("police", "fire", "probation", "health", *(k for k, *_ in MERSEYSIDE_LAS)),
        ),
        Strategy(
            "vawg_pcc",
            "PCC's VAWG Strategy for Merseyside",
            "organisation_strategy",
            None,
            "pcc",
            (
                ("16 days of action on domestic abuse", ("domestic_abuse",), (1,)),
                ("Safer night-time economy for women", ("vawg",), (1,)),
                ("Better support for victims of sexual violence", ("sexual_violence",), (1, 3)),
            ),
        ),
        Strategy(
            "vawg_liverpool",
            "Liverpool VAWG Strategy",
            "organisation_strategy",
            None,
            "liverpool",
            (
                ("Domestic abuse support in every neighbourhood", ("domestic_abuse",), ()),
                ("Women's safety in public spaces", ("vawg",), (1,)),
            ),
        ),
        Strategy(
            "vawg_sefton",
            "Sefton VAWG Strategy",
            "organisation_strategy",
            None,
            "sefton",
            (
                ("Domestic abuse awareness in schools", ("domestic_abuse",), ()),
                ("Tackling stalking and harassment", ("vawg",), ()),
            ),
        ),
    ),
    terms=("msppb", "mvrp", "mcjb"),
)
