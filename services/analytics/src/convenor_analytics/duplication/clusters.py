"""Merge candidates (D7): partnerships joined by a duplication score of at least tau, grouped
as connected components (or Louvain communities), with what they cost and what a merge could
save at most (the sum of their annual costs less the largest)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import networkx as nx

from convenor_analytics.duplication.overlap import Pair


@dataclass(frozen=True)
class Cluster:
    partnerships: tuple[str, ...]
    annual_cost: Decimal
    estimated_saving: Decimal
    strongest: float


def clusters(
    pairs: list[Pair], tau: float, costs: Mapping[str, Decimal], method: str = "components"
) -> list[Cluster]:
    graph = nx.Graph()
    for pair in pairs:
        if pair.score >= tau and pair.score > 0:
            graph.add_edge(pair.a, pair.b, weight=pair.score)
    if method == "louvain" and graph.number_of_edges():
        groups = nx.community.louvain_communities(graph, weight="weight", seed=0)
    else:
        groups = list(nx.connected_components(graph))
    found = []
    for group in groups:
        if len(group) < 2:
            continue
        members = tuple(sorted(group))
        each = [costs.get(p, Decimal(0)) for p in members]
        sub = graph.subgraph(members)
        strongest = max((d["weight"] for _, _, d in sub.edges(data=True)), default=0.0)
        found.append(
            Cluster(members, sum(each, Decimal(0)), sum(each, Decimal(0)) - max(each), strongest)
        )
    return sorted(found, key=lambda c: (-c.estimated_saving, c.partnerships))
