"""The plain-Python definition of the overlap measures, pair by pair.

Quadratic, and kept only as the oracle: the tests (hypothesis, random landscapes) and
``bench/overlap.py`` check that :func:`convenor_analytics.duplication.overlap.overlaps` gives
exactly the same pairs and values.
"""

from __future__ import annotations

import math

from convenor_analytics.duplication.overlap import Incidence, Pair


def _ratio(shared: int, whole: int) -> float:
    return shared / whole if whole else 0.0


def overlaps(incidence: Incidence) -> list[Pair]:
    n = len(incidence.partnerships)
    df: dict[str, int] = {}
    for counts in incidence.themes:
        for theme, count in counts.items():
            if count > 0:
                df[theme] = df.get(theme, 0) + 1
    idf = {t: math.log((1 + n) / (1 + d)) + 1 for t, d in df.items()}
    weights = [{t: c * idf[t] for t, c in counts.items() if c} for counts in incidence.themes]
    norms = [math.sqrt(sum(w * w for w in ws.values())) for ws in weights]
    pairs = []
    for a in range(n):
        for b in range(a + 1, n):
            pa, pb = incidence.people[a], incidence.people[b]
            oa, ob = incidence.organisations[a], incidence.organisations[b]
            people, orgs = len(pa & pb), len(oa & ob)
            if not people and not orgs:
                continue
            dot = sum(w * weights[b].get(t, 0.0) for t, w in weights[a].items())
            cosine = dot / (norms[a] * norms[b]) if norms[a] and norms[b] else 0.0
            people_overlap = _ratio(people, min(len(pa), len(pb)))
            pairs.append(
                Pair(
                    incidence.partnerships[a],
                    incidence.partnerships[b],
                    people,
                    _ratio(people, len(pa | pb)),
                    people_overlap,
                    orgs,
                    _ratio(orgs, len(oa | ob)),
                    _ratio(orgs, min(len(oa), len(ob))),
                    cosine,
                    people_overlap * cosine,
                )
            )
    return pairs
