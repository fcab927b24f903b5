"""Merge candidates (D7): partnerships joined by a duplication score of at least tau, grouped
as connected components (or Louvain communities), with what they cost and what a merge could
save at most (the sum of their annual costs less the largest)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import networkx as nx
import numpy as np

from convenor_analytics.duplication.overlap import Overlaps


@dataclass(frozen=True)
class Cluster:
    partnerships: tuple[str, ...]
    annual_cost: Decimal
    estimated_saving: Decimal
    strongest: float


def clusters(
    found: Overlaps, tau: float, costs: Mapping[str, Decimal], method: str = "components"
) -> list[Cluster]:
    graph = nx.Graph()
    names = found.partnerships
    for k in np.flatnonzero((found.score >= tau) & (found.score > 0)).tolist():
        graph.add_edge(names[found.i[k]], names[found.j[k]], weight=float(found.score[k]))
    if method == "louvain" and graph.number_of_edges():
        groups = nx.community.louvain_communities(graph, weight="weight", seed=0)
    else:
        groups = list(nx.connected_components(graph))
    result = []
    for group in groups:
        if len(group) < 2:
            continue
        members = tuple(sorted(group))
        each = [costs.get(p, Decimal(0)) for p in members]
        total = sum(each, Decimal(0))
        weights = [d["weight"] for _, _, d in graph.subgraph(members).edges(data=True)]
        result.append(Cluster(members, total, total - max(each), max(weights, default=0.0)))
    return sorted(result, key=lambda c: (-c.estimated_saving, c.partnerships))
