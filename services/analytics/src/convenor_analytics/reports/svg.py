"""Charts drawn as inline SVG: no JavaScript, no external assets. Every text is escaped."""

from __future__ import annotations

from html import escape

COLOURS = {"red": "#c0392b", "amber": "#e6a100", "green": "#2e8540", "bar": "#1d5a8a"}


def bars(rows: list[tuple[str, float, str]], title: str, colour: str = COLOURS["bar"]) -> str:
    """A horizontal bar chart: (label, value, value as shown)."""
    if not rows:
        return ""
    height, label_width, width = 22, 260, 640
    top = max((v for _, v, _ in rows), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height * len(rows) + 30}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value, shown) in enumerate(rows):
        y = 24 + index * height
        length = max(1.0, (width - label_width - 110) * value / top)
        short = label if len(label) <= 38 else label[:37] + "…"
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="12">{escape(short)}</text>'
            f'<rect x="{label_width}" y="{y + 2}" width="{length:.1f}" height="{height - 6}" '
            f'fill="{colour}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 14}" font-size="12">'
            f"{escape(shown)}</text>"
        )
    parts.append(f'<text x="0" y="14" font-size="13" font-weight="bold">{escape(title)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def rag(counts: dict[str, int], title: str) -> str:
    """A stacked bar of red, amber and green counts."""
    total = sum(counts.values())
    if not total:
        return ""
    width, x = 600, 0.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="60" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for key in ("red", "amber", "green"):
        share = counts.get(key, 0) / total * width
        if share:
            parts.append(
                f'<rect x="{x:.1f}" y="20" width="{share:.1f}" height="24" fill="{COLOURS[key]}"/>'
                f'<text x="{x + 4:.1f}" y="37" font-size="12" fill="#fff">'
                f"{escape(key)} {counts[key]}</text>"
            )
            x += share
    parts.append(
        f'<text x="0" y="14" font-size="13" font-weight="bold">{escape(title)}</text></svg>'
    )
    return "".join(parts)
