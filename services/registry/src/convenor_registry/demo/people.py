"""Fictional people for the demo and the synthetic landscape: names drawn from common UK first
names and surnames with a seeded generator, and the roles each kind of organisation sends to
partnerships, with a plausible seniority (1 officer … 5 chief officer) and salary band.

No real person is named: the case studies' contacts are replaced by invented people in the
same kinds of roles. Phone numbers are in Ofcom's ranges reserved for drama (``0151 496 0xxx``
and the like), email addresses use the reserved ``.example`` top-level domain.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

FIRST = [
    "Aisha",
    "Alex",
    "Amir",
    "Amy",
    "Andrew",
    "Anna",
    "Ben",
    "Beth",
    "Callum",
    "Chloe",
    "Chris",
    "Claire",
    "Connor",
    "Daniel",
    "David",
    "Deborah",
    "Declan",
    "Eleanor",
    "Emma",
    "Faisal",
    "Fiona",
    "Gareth",
    "Gemma",
    "George",
    "Grace",
    "Hannah",
    "Harriet",
    "Imran",
    "Jack",
    "James",
    "Jasmine",
    "Jo",
    "John",
    "Karen",
    "Kate",
    "Kieran",
    "Laura",
    "Liam",
    "Lucy",
    "Mark",
    "Megan",
    "Michael",
    "Mo",
    "Nadia",
    "Naomi",
    "Neil",
    "Nicola",
    "Niamh",
    "Oliver",
    "Owen",
    "Paul",
    "Priya",
    "Rachel",
    "Rebecca",
    "Richard",
    "Rob",
    "Ruth",
    "Ryan",
    "Sam",
    "Sarah",
    "Sean",
    "Simon",
    "Sophie",
    "Steph",
    "Stuart",
    "Tariq",
    "Tom",
    "Vicky",
    "Will",
    "Yasmin",
    "Zoe",
]
LAST = [
    "Ahmed",
    "Ali",
    "Allen",
    "Bailey",
    "Baker",
    "Begum",
    "Bell",
    "Bennett",
    "Brooks",
    "Brown",
    "Campbell",
    "Carter",
    "Chapman",
    "Clarke",
    "Collins",
    "Cooper",
    "Cox",
    "Davies",
    "Dixon",
    "Edwards",
    "Evans",
    "Fisher",
    "Foster",
    "Green",
    "Griffiths",
    "Hall",
    "Harris",
    "Hughes",
    "Hussain",
    "Jackson",
    "James",
    "Jenkins",
    "Johnson",
    "Jones",
    "Kaur",
    "Kelly",
    "Khan",
    "Lewis",
    "Lloyd",
    "Marshall",
    "Martin",
    "Mason",
    "Mitchell",
    "Moore",
    "Morgan",
    "Morris",
    "Murphy",
    "Murray",
    "Owen",
    "Palmer",
    "Parker",
    "Patel",
    "Phillips",
    "Price",
    "Quinn",
    "Reid",
    "Richards",
    "Roberts",
    "Robinson",
    "Rogers",
    "Russell",
    "Scott",
    "Shaw",
    "Singh",
    "Smith",
    "Stewart",
    "Taylor",
    "Thomas",
    "Thompson",
    "Turner",
    "Walker",
    "Ward",
    "Watson",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
]


@dataclass(frozen=True)
class Role:
    title: str
    seniority: int
    band: str


# What each kind of organisation sends, most senior first.
ROLES: dict[str, tuple[Role, ...]] = {
    "local_policing_body": (
        Role("Police and Crime Commissioner", 5, "70k_90k"),
        Role("Chief Executive, OPCC", 5, "90k_120k"),
        Role("Head of Partnerships and Commissioning, OPCC", 4, "55k_70k"),
        Role("Partnership Lead, OPCC", 3, "45k_55k"),
        Role("Senior Analyst, OPCC", 3, "45k_55k"),
        Role("Partnership Officer, OPCC", 2, "35k_45k"),
    ),
    "police_force": (
        Role("Assistant Chief Constable", 5, "120k_150k"),
        Role("Chief Superintendent, Partnerships", 4, "90k_120k"),
        Role("Superintendent, Prevention", 4, "70k_90k"),
    ),
    "local_authority": (
        Role("Director of Communities", 5, "120k_150k"),
        Role("Head of Community Safety", 4, "70k_90k"),
        Role("Community Safety Manager", 3, "45k_55k"),
    ),
    "health": (
        Role("Director of Nursing and Quality", 5, "120k_150k"),
        Role("Associate Director of Safeguarding", 4, "70k_90k"),
        Role("Designated Nurse, Safeguarding", 3, "55k_70k"),
    ),
    "probation": (
        Role("Head of Probation Delivery Unit", 4, "55k_70k"),
        Role("Senior Probation Officer", 3, "45k_55k"),
    ),
    "fire_rescue": (
        Role("Area Manager, Prevention and Protection", 4, "70k_90k"),
        Role("Station Manager, Community Safety", 3, "45k_55k"),
    ),
    "youth_justice": (
        Role("Head of Youth Justice Service", 4, "55k_70k"),
        Role("Youth Justice Team Manager", 3, "45k_55k"),
    ),
    "education": (
        Role("Headteacher (schools representative)", 4, "70k_90k"),
        Role("Designated Safeguarding Lead", 3, "45k_55k"),
    ),
    "vcse": (
        Role("Chief Executive", 4, "45k_55k"),
        Role("Services Manager", 3, "35k_45k"),
    ),
    "courts": (Role("Delivery Director", 4, "70k_90k"), Role("Cluster Manager", 3, "45k_55k")),
    "cps": (
        Role("Chief Crown Prosecutor", 5, "120k_150k"),
        Role("Senior District Crown Prosecutor", 4, "70k_90k"),
    ),
    "prison": (Role("Governor", 4, "90k_120k"), Role("Head of Reducing Reoffending", 3, "45k_55k")),
    "government": (Role("Director", 4, "70k_90k"), Role("Programme Manager", 3, "45k_55k")),
    "other": (Role("Director", 4, "70k_90k"), Role("Programme Manager", 3, "45k_55k")),
}
PENSIONS = {
    "local_policing_body": "lgps",
    "police_force": "police",
    "local_authority": "lgps",
    "health": "nhs",
    "probation": "civil_service_alpha",
    "courts": "civil_service_alpha",
    "cps": "civil_service_alpha",
    "prison": "civil_service_alpha",
    "fire_rescue": "fire",
    "education": "teachers",
}
DRAMA_PREFIX = {"E23000004": "0151 496 0", "E23000012": "0114 496 0", "W15000003": "029 2018 0"}


class Names:
    """Unique fictional names from a seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def next(self) -> str:
        for _ in range(1000):
            name = f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"
            if name not in self.used:
                self.used.add(name)
                return name
        name = f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}-{self.rng.choice(LAST)}"
        self.used.add(name)
        return name


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower())[:40].strip("-")


def email(name: str, organisation: str) -> str:
    local = ".".join(part.lower() for part in re.findall(r"[A-Za-z]+", name))
    return f"{local}@{slug(organisation)}.example"


def phone(area_gss: str, number: int) -> str:
    return f"{DRAMA_PREFIX.get(area_gss, '020 7946 0')}{number % 1000:03d}"
