"""The landscape as GraphML (through networkx, so networkx and Gephi read it back) and as a
Mermaid flowchart (for pasting into Markdown that GitHub, GitLab or Notion render)."""

from __future__ import annotations

import io
import re
from typing import Any

import networkx as nx

from convenor_registry.landscape.schemas import Landscape

GRAPHML = "application/graphml+xml"
MERMAID = "text/vnd.mermaid"
FORMATS = {"graphml": GRAPHML, "mermaid": MERMAID}


def _attributes(values: dict[str, Any]) -> dict[str, Any]:
    """GraphML attributes are typed scalars: drop empty ones, join lists, dates as text."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, list):
            value = ";".join(str(v) for v in value)
        elif not isinstance(value, bool | int | float | str):
            value = str(value)
        out[key] = value
    return out


def graph(landscape: Landscape) -> nx.MultiDiGraph:
    """A directed multigraph: a pair of partnerships may be linked in several ways."""
    g = nx.MultiDiGraph(area=landscape.area.name, area_gss_code=landscape.area.gss_code)
    for node in landscape.nodes:
        values = node.model_dump(mode="json", exclude={"id"})
        g.add_node(str(node.id), **_attributes(values))
    for index, edge in enumerate(landscape.edges):
        values = edge.model_dump(mode="json", exclude={"source", "target"})
        g.add_edge(str(edge.source), str(edge.target), key=f"e{index}", **_attributes(values))
    return g


def to_graphml(landscape: Landscape) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(graph(landscape), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


_ESCAPES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;"}
_ESCAPE = re.compile("|".join(re.escape(c) for c in _ESCAPES))


def mermaid_label(text: str) -> str:
    """Text safe inside a quoted Mermaid label: entity codes for what Mermaid would parse."""
    flat = " ".join(text.split())
    return _ESCAPE.sub(lambda m: _ESCAPES[m.group(0)], flat)


def to_mermaid(landscape: Landscape) -> str:
    ids = {node.id: f"p{index}" for index, node in enumerate(landscape.nodes)}
    title = " ".join(f"Partnership landscape: {landscape.area.name}".split())
    lines = [f"%% {title}", "flowchart TD"]
    for node in landscape.nodes:
        label = mermaid_label(node.name) + "<br/><small>" + mermaid_label(node.type) + "</small>"
        lines.append(f'    {ids[node.id]}["{label}"]')
    for edge in landscape.edges:
        source, target = ids[edge.source], ids[edge.target]
        if edge.kind == "parent":
            lines.append(f"    {target} --> {source}")  # the board above, its sub-group below
        elif edge.kind == "shared_members":
            label = mermaid_label(f"{edge.weight} shared, J={edge.jaccard:.2f}")
            lines.append(f'    {source} ---|"{label}"| {target}')
        else:
            lines.append(f'    {source} -.->|"{mermaid_label(edge.kind)}"| {target}')
    statutory = [ids[n.id] for n in landscape.nodes if n.statutory]
    outside = [ids[n.id] for n in landscape.nodes if not n.in_area]
    lines.append("    classDef statutory stroke-width:3px")
    lines.append("    classDef outside stroke-dasharray:4 3")
    if statutory:
        lines.append(f"    class {','.join(statutory)} statutory")
    if outside:
        lines.append(f"    class {','.join(outside)} outside")
    return "\n".join(lines) + "\n"
