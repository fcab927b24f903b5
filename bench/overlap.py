"""Overlap between partnerships at national scale: the production sparse computation against
the plain-Python all-pairs reference, in the same run, on 3,000 synthetic partnerships.

    .venv/bin/python bench/overlap.py [--partnerships 3000] [--runs 5] [--reference-runs 3]

Prints the median of each and the ratio (goal: at least 20 times faster), and asserts that
both give the same pairs with the same values.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from convenor_analytics.duplication import reference
from convenor_analytics.duplication.overlap import Incidence, is_close, overlaps

THEMES = [
    "serious_violence", "vawg", "domestic_abuse", "drugs", "asb", "reoffending",
    "victims", "youth_justice", "exploitation", "mental_health", "safeguarding", "other",
]  # fmt: skip


def landscape(partnerships: int, areas: int = 43, seed: int = 7) -> Incidence:
    """Boards of about 12 people drawn from their force area's pool (3 seats a person on
    average), 5 organisations from the area's 15, two own themes plus agenda counts."""
    rng = random.Random(seed)
    per_area = partnerships // areas + 1
    pool = per_area * 12 // 3
    ids, people, orgs, themes = [], [], [], []
    for index in range(partnerships):
        area = index % areas
        ids.append(f"p{index:05d}")
        people.append(frozenset(f"a{area}-x{rng.randrange(pool)}" for _ in range(12)))
        orgs.append(
            frozenset({f"a{area}-police"} | {f"a{area}-o{rng.randrange(15)}" for _ in range(4)})
        )
        counts = {t: 1.0 for t in rng.sample(THEMES, 2)}
        for _ in range(rng.randrange(4, 16)):
            theme = rng.choice(THEMES)
            counts[theme] = counts.get(theme, 0.0) + 1.0
        themes.append(counts)
    return Incidence(ids, people, orgs, themes)


def timed(work, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--partnerships", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reference-runs", type=int, default=3)
    args = parser.parse_args()
    incidence = landscape(args.partnerships)
    fast_time, fast = timed(lambda: overlaps(incidence), args.runs)
    slow_time, slow = timed(lambda: reference.overlaps(incidence), args.reference_runs)
    mine = {(p.a, p.b): p for p in fast.pairs()}  # type: ignore[attr-defined]
    theirs = {(p.a, p.b): p for p in slow}  # type: ignore[attr-defined]
    assert mine.keys() == theirs.keys(), "the pair sets differ"
    for key, pair in mine.items():
        other = theirs[key]
        assert (pair.people_jaccard, pair.people_overlap) == (
            other.people_jaccard,
            other.people_overlap,
        )
        assert (pair.organisation_jaccard, pair.organisation_overlap) == (
            other.organisation_jaccard, other.organisation_overlap,
        )  # fmt: skip
        assert is_close(pair.theme_similarity, other.theme_similarity)
        assert is_close(pair.score, other.score)
    sharing_people = sum(1 for p in mine.values() if p.people_shared)
    print(
        f"partnerships: {args.partnerships}; pairs: {len(mine)} ({sharing_people} sharing people)"
    )
    print(f"sparse (production): median {fast_time:.3f} s of {args.runs}")
    print(f"plain-Python reference: median {slow_time:.3f} s of {args.reference_runs}")
    print("identical pair sets and values: yes")
    print(f"ratio reference / sparse: {slow_time / fast_time:.1f}x (goal >= 20x)")


if __name__ == "__main__":
    main()
