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
from typing import Any

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


def _product(sets: Sequence[frozenset[str]]) -> sparse.csr_matrix:
    """Upper triangle (i < j) of X·Xᵀ: how many members each pair of rows shares."""
    x = _matrix(sets)
    return sparse.triu(x @ x.T, k=1, format="csr")


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


Array = npt.NDArray[Any]


@dataclass(frozen=True)
class Overlaps:
    """Every pair sharing a person or an organisation, as columns (one entry per pair, i < j
    in the order of ``partnerships``). Pairs become :class:`Pair` objects only when shown."""

    partnerships: Sequence[str]
    i: Array
    j: Array
    people_shared: Array
    people_jaccard: Array
    people_overlap: Array
    organisations_shared: Array
    organisation_jaccard: Array
    organisation_overlap: Array
    theme_similarity: Array
    score: Array

    def __len__(self) -> int:
        return len(self.i)

    def pair(self, k: int) -> Pair:
        return Pair(
            self.partnerships[int(self.i[k])],
            self.partnerships[int(self.j[k])],
            int(self.people_shared[k]),
            float(self.people_jaccard[k]),
            float(self.people_overlap[k]),
            int(self.organisations_shared[k]),
            float(self.organisation_jaccard[k]),
            float(self.organisation_overlap[k]),
            float(self.theme_similarity[k]),
            float(self.score[k]),
        )

    def ranked(self) -> Array:
        """Positions, highest score first; ties by people overlap, then by the pair's ids."""
        return np.lexsort((self.j, self.i, -self.people_overlap, -self.score))

    def pairs(self, positions: Sequence[int] | Array | None = None) -> list[Pair]:
        chosen = range(len(self)) if positions is None else positions
        return [self.pair(int(k)) for k in chosen]


# People counts and organisation counts share one sparse matrix, people in the high bits, so a
# single sparse addition gives the union of the two patterns with both counts.
_SHIFT = 1 << 24


def overlaps(incidence: Incidence) -> Overlaps:
    """D1-D5 for every pair sharing a person or an organisation."""
    n = len(incidence.partnerships)
    combined = (_product(incidence.people) * _SHIFT + _product(incidence.organisations)).tocoo()
    keep = combined.data > 0
    i = combined.row[keep].astype(np.int64)
    j = combined.col[keep].astype(np.int64)
    people = combined.data[keep].astype(np.int64) // _SHIFT
    orgs = combined.data[keep].astype(np.int64) % _SHIFT
    psize = np.array([len(s) for s in incidence.people], dtype=np.int64)
    osize = np.array([len(s) for s in incidence.organisations], dtype=np.int64)
    p_jaccard, p_overlap = _ratios(people, psize[i], psize[j])
    o_jaccard, o_overlap = _ratios(orgs, osize[i], osize[j])
    weights = theme_weights(incidence.themes)[1] if n else np.zeros((0, 1))
    norms = np.sqrt((weights * weights).sum(axis=1))
    dots = (weights[i] * weights[j]).sum(axis=1)
    denominator = norms[i] * norms[j]
    cosine = np.divide(dots, denominator, out=np.zeros(len(i)), where=denominator > 0)
    return Overlaps(
        incidence.partnerships, i, j, people, p_jaccard, p_overlap, orgs, o_jaccard, o_overlap,
        cosine, p_overlap * cosine,
    )  # fmt: skip


def is_close(a: float, b: float) -> bool:
    """Theme cosines are float sums taken in another order by numpy: equal to 1e-12."""
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
