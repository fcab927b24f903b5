"""Overlap between partnerships: people and organisations in common (Jaccard and overlap
coefficient, D1-D3), agenda-theme similarity (TF-IDF cosine, D4) and the combined "same people,
same conversation" score OC_P x cos_theme (D5).

Intersections come from sparse incidence matrices: with X the partnership x person matrix,
X·Xᵀ holds every pair's shared count, and unions follow from the row sizes. Only pairs that
share someone (or some organisation) are ever materialised, so the work grows with the
overlaps, not with the square of the number of partnerships.
:mod:`convenor_analytics.duplication.reference` is the plain-Python definition it must equal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse


@dataclass(frozen=True)
class Incidence:
    """Per partnership (same order in every list): people, organisations, theme counts."""

    partnerships: Sequence[str]
    people: Sequence[frozenset[str]]
    organisations: Sequence[frozenset[str]]
    themes: Sequence[dict[str, float]]


@dataclass(frozen=True, slots=True)
class Pair:
    a: str
    b: str
    people_shared: int
    people_jaccard: float
    people_overlap: float
    organisations_shared: int
    organisation_jaccard: float
    organisation_overlap: float
    theme_similarity: float
    score: float


def _matrix(sets: Sequence[frozenset[str]]) -> sparse.csr_matrix:
    index: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for row, members in enumerate(sets):
        for member in members:
            rows.append(row)
            cols.append(index.setdefault(member, len(index)))
    data = np.ones(len(rows), dtype=np.int64)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(sets), max(len(index), 1)))


def _shared(
    sets: Sequence[frozenset[str]],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Upper-triangle pairs (i < j) sharing at least one member, with the shared count."""
    x = _matrix(sets)
    product = sparse.triu(x @ x.T, k=1).tocoo()
    keep = product.data > 0
    return (
        product.row[keep].astype(np.int64),
        product.col[keep].astype(np.int64),
        product.data[keep].astype(np.int64),
    )


def _ratios(
    shared: npt.NDArray[np.int64], size_a: npt.NDArray[np.int64], size_b: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    union = size_a + size_b - shared
    smaller = np.minimum(size_a, size_b)
    jaccard = np.divide(shared, union, out=np.zeros(len(shared)), where=union > 0)
    overlap = np.divide(shared, smaller, out=np.zeros(len(shared)), where=smaller > 0)
    return jaccard, overlap


def theme_weights(themes: Sequence[dict[str, float]]) -> tuple[list[str], npt.NDArray[np.float64]]:
    """TF-IDF weights (smoothed idf = ln((1 + n) / (1 + df)) + 1) over the partnerships given."""
    vocabulary = sorted({t for counts in themes for t in counts})
    column = {t: i for i, t in enumerate(vocabulary)}
    tf = np.zeros((len(themes), max(len(vocabulary), 1)))
    for row, counts in enumerate(themes):
        for theme, count in counts.items():
            tf[row, column[theme]] = count
    df = (tf > 0).sum(axis=0)
    idf = np.log((1 + len(themes)) / (1 + df)) + 1
    return vocabulary, tf * idf


def overlaps(incidence: Incidence) -> list[Pair]:
    """Every pair sharing a person or an organisation, with its D1-D5 measures."""
    n = len(incidence.partnerships)
    if n < 2:
        return []
    pi, pj, pshared = _shared(incidence.people)
    oi, oj, oshared = _shared(incidence.organisations)
    people_keys = pi * n + pj
    org_keys = oi * n + oj
    keys = np.union1d(people_keys, org_keys)
    i, j = keys // n, keys % n
    people = _lookup(keys, people_keys, pshared)
    orgs = _lookup(keys, org_keys, oshared)
    psize = np.array([len(s) for s in incidence.people], dtype=np.int64)
    osize = np.array([len(s) for s in incidence.organisations], dtype=np.int64)
    pj_, po = _ratios(people, psize[i], psize[j])
    oj_, oo = _ratios(orgs, osize[i], osize[j])
    _, weights = theme_weights(incidence.themes)
    norms = np.sqrt((weights * weights).sum(axis=1))
    dots = (weights[i] * weights[j]).sum(axis=1)
    denominator = norms[i] * norms[j]
    cosine = np.divide(dots, denominator, out=np.zeros(len(keys)), where=denominator > 0)
    score = po * cosine
    names = incidence.partnerships
    return [
        Pair(
            names[a],
            names[b],
            int(ps),
            float(pjv),
            float(pov),
            int(os_),
            float(ojv),
            float(oov),
            float(c),
            float(s),
        )
        for a, b, ps, pjv, pov, os_, ojv, oov, c, s in zip(
            i.tolist(),
            j.tolist(),
            people.tolist(),
            pj_.tolist(),
            po.tolist(),
            orgs.tolist(),
            oj_.tolist(),
            oo.tolist(),
            cosine.tolist(),
            score.tolist(),
            strict=True,
        )
    ]


def _lookup(
    keys: npt.NDArray[np.int64], known: npt.NDArray[np.int64], values: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    order = np.argsort(known)
    known, values = known[order], values[order]
    at = np.searchsorted(known, keys)
    at = np.minimum(at, max(len(known) - 1, 0))
    found = np.zeros(len(keys), dtype=np.int64)
    if len(known):
        hit = known[at] == keys
        found[hit] = values[at[hit]]
    return found


def ranked(pairs: list[Pair]) -> list[Pair]:
    """Highest score first; ties by people overlap, then by the ids (a stable order)."""
    return sorted(pairs, key=lambda p: (-p.score, -p.people_overlap, p.a, p.b))


def is_close(a: float, b: float) -> bool:
    """Theme cosines are float sums taken in another order by numpy: equal to 1e-12."""
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
