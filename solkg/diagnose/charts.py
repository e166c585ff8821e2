"""Static bar charts as inline SVG (no script, no network): the report's charts, the same in HTML
and in PDF.

>>> svg = bar_chart([("food", 3, False), ("energy", 1, True)], title="Chains per sector")
>>> svg.count('class="bar'), "food" in svg
(2, True)
"""

from __future__ import annotations

import html
from collections.abc import Callable

__all__ = ["bar_chart"]


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def bar_chart(rows: list[tuple[str, float, bool]], *, title: str, width: int = 640, unit: str = "",
              reference: tuple[str, float] | None = None, number: Callable[[float], str] = _fmt) -> str:
    """Horizontal bars: one per ``(label, value, highlighted)``; ``reference`` draws a labelled
    vertical line (a mean, the parent's rate) across the bars."""
    esc = html.escape
    bar_h, gap, label_w, top = 18, 6, min(260, width // 2 - 40), 24
    height = top + len(rows) * (bar_h + gap) + (18 if reference else 6)
    values = [v for _, v, _ in rows] + ([reference[1]] if reference else [])
    top_value = max(values + [1e-9])
    scale = (width - label_w - 70) / top_value
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" width="100%" '
           f'role="img" aria-label="{esc(title)}" font-family="sans-serif" font-size="12">',
           f"<title>{esc(title)}</title>",
           f'<text x="0" y="14" font-weight="bold">{esc(title)}</text>']
    for i, (label, value, strong) in enumerate(rows):
        y = top + i * (bar_h + gap)
        shown = label if len(label) <= 38 else label[:37] + "…"
        w = max(value * scale, 0 if value == 0 else 1.5)
        fill = "#b35806" if strong else "#2166ac"
        out.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{esc(shown)}</text>')
        out.append(f'<rect class="bar{" strong" if strong else ""}" x="{label_w}" y="{y}" width="{w:.1f}" '
                   f'height="{bar_h}" fill="{fill}"><title>{esc(label)}: {esc(number(value))}{esc(unit)}</title>'
                   '</rect>')
        out.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 13}">{esc(number(value))}</text>')
    if reference:
        x = label_w + reference[1] * scale
        out.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 14}" stroke="#444" '
                   'stroke-dasharray="4 3"/>')
        out.append(f'<text x="{x:.1f}" y="{height - 3}" text-anchor="middle" font-size="11">'
                   f'{esc(reference[0])}: {esc(number(reference[1]))}</text>')
    out.append("</svg>")
    return "\n".join(out)
