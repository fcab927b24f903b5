"""The indicator catalogue (``../shared/reference/indicators.md``): what each indicator is, in
which unit, for which recommendation, with which parameters (``data/indicators.json``), and the
function computing it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from convenor_analytics.indicators import (
    capacity,
    cost,
    delivery,
    duplication,
    engagement,
    newboard,
    partners,
    sharing,
    strategy,
)
from convenor_analytics.indicators.context import Context
from convenor_analytics.indicators.result import Answer
from convenor_analytics.landscape.scope import Scope

Compute = Callable[[Context, Scope], Answer]

COMPUTE: dict[str, Compute] = {
    "C1": cost.c1,
    "C2": cost.c2,
    "C3": cost.c3,
    "C4": cost.c4,
    "C5": cost.c5,
    "C6": cost.c6,
    "C7": cost.c7,
    "C8": cost.c8,
    "C9": cost.c9,
    "C10": cost.c10,
    "C11": newboard.c11,
    "D1": duplication.d1,
    "D2": duplication.d2,
    "D3": duplication.d3,
    "D4": duplication.d4,
    "D5": duplication.d5,
    "D6": duplication.d6,
    "D7": duplication.d7,
    "D8": duplication.d8,
    "D9": duplication.d9,
    "D10": strategy.d10,
    "D11": strategy.d11,
    "D12": strategy.d12,
    "D13": strategy.d13,
    "K1": capacity.k1,
    "K2": capacity.k2,
    "K3": capacity.k3,
    "K4": capacity.k4,
    "K5": capacity.k5,
    "E1": engagement.e1,
    "E2": engagement.e2,
    "E3": engagement.e3,
    "E4": engagement.e4,
    "E5": engagement.e5,
    "E6": engagement.e6,
    "E7": engagement.e7,
    "A1": delivery.a1,
    "A2": delivery.a2,
    "A3": delivery.a3,
    "A4": delivery.a4,
    "A5": delivery.a5,
    "A6": delivery.a6,
    "G1": delivery.g1,
    "G2": delivery.g2,
    "G3": delivery.g3,
    "S1": sharing.s1,
    "S2": sharing.s2,
    "S3": sharing.s3,
    "S4": sharing.s4,
    "S5": sharing.s5,
    "S6": sharing.s6,
    "S7": sharing.s7,
    "S8": sharing.s8,
    "S9": sharing.s9,
    "S10": partners.s10,
    "S11": partners.s11,
    "S12": partners.s12,
}


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    definition: str
    unit: str
    recommendation: str
    parameters: tuple[str, ...]
    compute: Compute


def _load() -> tuple[Indicator, ...]:
    text = resources.files("convenor_analytics").joinpath("data/indicators.json").read_text("utf-8")
    return tuple(
        Indicator(
            row["id"],
            row["name"],
            row["definition"],
            row["unit"],
            row["recommendation"],
            tuple(row["parameters"]),
            COMPUTE[row["id"]],
        )
        for row in json.loads(text)
    )


CATALOGUE = _load()
BY_ID = {indicator.id: indicator for indicator in CATALOGUE}
