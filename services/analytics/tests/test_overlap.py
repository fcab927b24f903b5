"""The sparse overlap computation equals the plain-Python all-pairs definition."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from convenor_analytics.duplication import reference
from convenor_analytics.duplication.clusters import clusters
from convenor_analytics.duplication.overlap import Incidence, is_close, overlaps

people = st.frozensets(st.sampled_from([f"p{i}" for i in range(15)]), max_size=8)
organisations = st.frozensets(st.sampled_from([f"o{i}" for i in range(6)]), max_size=4)
themes = st.dictionaries(
    st.sampled_from(["vawg", "asb", "drugs", "victims", "other"]),
    st.integers(min_value=0, max_value=3).map(float),
    max_size=5,
)
boards = st.lists(st.tuples(people, organisations, themes), max_size=14)


def landscape(rows: list[tuple[frozenset[str], frozenset[str], dict[str, float]]]) -> Incidence:
    return Incidence(
        [f"b{i}" for i in range(len(rows))],
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
    )


class TestSparseOverlapMatchesTheReference:
    @settings(max_examples=150, deadline=None)
    @given(boards)
    def test_on_random_landscapes_the_pairs_and_values_are_the_same(self, rows):
        incidence = landscape(rows)
        fast = {(p.a, p.b): p for p in overlaps(incidence).pairs()}
        slow = {(p.a, p.b): p for p in reference.overlaps(incidence)}
        assert fast.keys() == slow.keys()
        for key, mine in fast.items():
            theirs = slow[key]
            # Ratios of integers are computed identically; cosines are float sums taken in
            # another order by numpy, so they agree to the last few bits.
            assert (mine.people_shared, mine.people_jaccard, mine.people_overlap) == (
                theirs.people_shared, theirs.people_jaccard, theirs.people_overlap,
            )  # fmt: skip
            assert (mine.organisation_jaccard, mine.organisation_overlap) == (
                theirs.organisation_jaccard, theirs.organisation_overlap,
            )  # fmt: skip
            assert is_close(mine.theme_similarity, theirs.theme_similarity)
            assert is_close(mine.score, theirs.score)

    def test_a_worked_example(self):
        incidence = landscape(
            [
                (frozenset({"p1", "p2", "p3", "p4"}), frozenset({"o1"}), {"vawg": 2.0}),
                (frozenset({"p1", "p2"}), frozenset({"o1", "o2"}), {"vawg": 1.0}),
                (frozenset({"p9"}), frozenset({"o3"}), {"asb": 1.0}),
            ]
        )
        [pair] = overlaps(incidence).pairs()
        assert (pair.a, pair.b) == ("b0", "b1")
        assert pair.people_jaccard == 0.5 and pair.people_overlap == 1.0
        assert pair.organisation_jaccard == 0.5 and pair.organisation_overlap == 1.0
        assert is_close(pair.theme_similarity, 1.0) and is_close(pair.score, 1.0)


class TestClusters:
    def test_boards_joined_above_tau_form_a_cluster_whose_saving_is_all_but_the_largest(self):
        incidence = landscape(
            [
                (frozenset({"p1", "p2"}), frozenset(), {"vawg": 1.0}),
                (frozenset({"p1", "p2"}), frozenset(), {"vawg": 1.0}),
                (frozenset({"p2", "p3"}), frozenset(), {"vawg": 1.0}),
                (frozenset({"p8"}), frozenset(), {"asb": 1.0}),
            ]
        )
        costs = {"b0": Decimal(100), "b1": Decimal(300), "b2": Decimal(50), "b3": Decimal(900)}
        [cluster] = clusters(overlaps(incidence), 0.4, costs)
        assert cluster.partnerships == ("b0", "b1", "b2")
        assert cluster.annual_cost == Decimal(450)
        assert cluster.estimated_saving == Decimal(150)
