"""The diagnosis as PDF, with fpdf2 (pure Python, on PyPI, well kept; no system library, unlike
WeasyPrint, which needs Pango and Cairo): the same sections, figures, bar charts (drawn natively)
and map (the report's SVG map, which fpdf2 renders) as the HTML report.

Text uses DejaVu Sans when Debian's ``fonts-dejavu-core`` (or ``SOLKG_PDF_FONT``) provides it, for
every character of the data; otherwise PDF's core Helvetica, in which characters outside
Latin-1 are written as their closest ASCII (œ as oe) or ``?``.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from pathlib import Path

from ..errors import InputError
from .i18n import number, rate, t
from .model import Diagnosis, Tally
from .sections import LIST_LIMIT

__all__ = ["render_pdf", "font_path"]

FONT_CANDIDATES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                   "/usr/share/fonts/TTF/DejaVuSans.ttf", "/Library/Fonts/DejaVuSans.ttf")


def font_path() -> Path | None:
    """The TrueType font the PDF embeds, if one is found."""
    env = os.environ.get("SOLKG_PDF_FONT")
    for candidate in ([env] if env else []) + list(FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def _latin1(text: str) -> str:
    out = []
    for ch in text.replace("œ", "oe").replace("Œ", "OE").replace("’", "'").replace("…", "...").replace("–", "-"):
        if ord(ch) < 256:
            out.append(ch)
        else:
            plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            out.append(plain or "?")
    return "".join(out)


def render_pdf(d: Diagnosis) -> bytes:
    """The report as PDF bytes."""
    try:
        from fpdf import FPDF
    except ImportError:
        raise InputError("PDF reports need fpdf2: pip install 'solkg[pdf]' (or pip install fpdf2)") from None
    lang = d.lang
    colon = t(lang, "colon")
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    font = font_path()
    if font:
        pdf.add_font("body", "", str(font))
        bold = font.with_name("DejaVuSans-Bold.ttf")
        pdf.add_font("body", "B", str(bold if bold.is_file() else font))
        family, clean = "body", (lambda s: s)
    else:
        family, clean = "helvetica", _latin1
    pdf.set_title(clean(f"{t(lang, 'title')}{t(lang, 'colon')}{d.territory.label}"))
    pdf.set_creator(f"solkg {d.version}")
    pdf.set_lang(lang)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def text(s: str, size: float = 10, style: str = "", h: float = 5.2) -> None:
        pdf.set_font(family, style, size)
        pdf.multi_cell(width, h, clean(s), new_x="LMARGIN", new_y="NEXT")

    def heading(s: str, size: float = 15) -> None:
        pdf.ln(3)
        text(s, size, "B", h=8)
        pdf.set_draw_color(31, 59, 45)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.ln(2)

    def bars(title: str, rows: list[tuple[str, float]]) -> None:
        if not rows:
            return
        text(title, 11, "B")
        top = max(v for _, v in rows) or 1
        label_w, bar_max = 62, width - 62 - 18
        pdf.set_font(family, "", 8.5)
        for label, value in rows:
            if pdf.get_y() > pdf.h - 25:
                pdf.add_page()
            y = pdf.get_y()
            shown = label if len(label) <= 42 else label[:41] + "…"
            pdf.set_xy(pdf.l_margin, y)
            pdf.cell(label_w - 2, 5, clean(shown), align="R")
            pdf.set_fill_color(33, 102, 172)
            w = bar_max * value / top
            if w > 0:
                pdf.rect(pdf.l_margin + label_w, y + 0.8, max(w, 0.4), 3.6, style="F")
            pdf.set_xy(pdf.l_margin + label_w + w + 1.5, y)
            pdf.cell(16, 5, clean(number(value, lang)))
            pdf.set_xy(pdf.l_margin, y + 5.4)
        pdf.ln(2)

    def tallies(title: str, items: list[Tally]) -> None:
        text(title, 11, "B")
        if not items:
            text(t(lang, "none"), 9)
        for tally in items:
            members = ", ".join(m.label for m in tally.members[:8]) + (" …" if tally.count > 8 else "")
            text(f"{tally.item.label}{colon}{tally.count}" + (f" ({members})" if members else ""), 9)
        pdf.ln(1)

    u = d.territory
    text(t(lang, "title").upper(), 9)
    text(u.label, 20, "B", h=10)
    facts = [x for x in (u.level_label, f"{t(lang, 'code')} {u.code}" if u.code else None,
                         f"{number(u.population, lang)} {t(lang, 'inhabitants')}" if u.population is not None else None,
                         (t(lang, "inside") + " " + ", ".join(p.label for p in d.parents)) if d.parents else None) if x]
    text(" · ".join(facts), 10)
    text(u.iri, 8)
    heading(t(lang, "synthesis"))
    figures = [(t(lang, "chains"), number(len(d.chains), lang)), (t(lang, "actors"), number(len(d.actors), lang)),
               (t(lang, "policies"), number(len(d.policies), lang)),
               (f"{t(lang, 'chains')} {t(lang, 'per_100k')}", rate(d.chains_per_inhabitants, lang))]
    pdf.set_font(family, "B", 10)
    for label, value in figures:
        text(f"{label}{colon}{value}", 10, "B")
    pdf.ln(1)
    for m in d.key_messages:
        mark = {"strength": "+", "gap": "!"}.get(m.kind, "-")
        text(f"{mark} {m.text}", 10)
    heading(t(lang, "exists"))
    if not d.chains:
        text(t(lang, "no_data"))
    bars(t(lang, "by_sector"), [(s.item.label, s.count) for s in d.sectors])
    bars(t(lang, "by_class"), [(s.item.label, s.count) for s in d.classes])
    bars(t(lang, "by_actor_class"), [(s.item.label, s.count) for s in d.actor_classes])
    tallies(t(lang, "by_role"), d.roles)
    text(f"{t(lang, 'connected')} ({len(d.connected_actors)})", 11, "B")
    for a in d.connected_actors[:LIST_LIMIT]:
        text(f"{a.item.label} ({a.cls.label if a.cls else ''}): {a.chains} {t(lang, 'chains')}, "
             f"{a.sectors} {t(lang, 'sector')}", 9)
    tallies(t(lang, "principles"), d.principles)
    tallies(t(lang, "mechanisms"), d.mechanisms)
    heading(t(lang, "where"))
    from .html import map_svg

    svg = map_svg(d, lambda iri: iri)
    svg_only = svg.split("</svg>")[0] + "</svg>"
    # fpdf2 draws paths, circles and text; titles (tooltips) and links mean nothing on paper
    svg_only = re.sub(r"<title[^>]*>.*?</title>|</?a\b[^>]*>", "", svg_only, flags=re.S)
    try:
        pdf.image(io.BytesIO(svg_only.encode()), w=min(width, 130))
    except Exception as exc:  # fpdf2's SVG support is partial: say so rather than fail the report
        text(f"(map not drawn: {type(exc).__name__})", 8)
    counts: dict[str, int] = {}
    for c in d.chains:
        if c.lat is not None and c.cls:
            counts[c.cls.label] = counts.get(c.cls.label, 0) + 1
    if counts:
        text(t(lang, "map_legend") + t(lang, "colon") + "; ".join(f"{k} ({n})" for k, n in sorted(counts.items())), 8.5)
    text(t(lang, "m_map"), 7.5)
    ranked = [s for s in d.sub_territories if s.chains][:15]
    bars(t(lang, "distribution"), [(s.unit.label, s.chains) for s in ranked])
    text(f"{t(lang, 'contains')}{t(lang, 'colon')}{len(d.sub_territories)}", 9)
    heading(t(lang, "support"))
    text(f"{t(lang, 'policy_list')} ({len(d.policies)})", 11, "B")
    if not d.policies:
        text(t(lang, "no_policy"), 9)
    for p in d.policies:
        aims = ", ".join(a.label for a in p.aims) or "–"
        text(f"{p.item.label} ({p.cls.label if p.cls else ''}); {t(lang, 'carried_by')}{colon}"
             f"{p.carrier.label if p.carrier else '–'}; {t(lang, 'aims')}{colon}{aims}; "
             f"{t(lang, 'supports')}{colon}{p.supported_chains}", 9)
    text(f"{t(lang, 'signatories')} ({len(d.signatories)})", 11, "B")
    if not d.signatories:
        text(t(lang, "no_signatory"), 9)
    for sig in d.signatories:
        text(f"{sig.actor.label}{colon}{sig.charter.label}", 9)
    heading(t(lang, "gaps"))
    g = d.gaps
    if not d.chains:
        text(t(lang, "no_data"))
    for key, items in (("sectors_without", g.sectors_without_chain), ("subs_without", g.sub_territories_without_chain),
                       ("subs_far_below", g.sub_territories_far_below)):
        text(f"{t(lang, key)} ({len(items)})", 11, "B")
        shown = ", ".join(i.label for i in items[:LIST_LIMIT])
        more = " " + t(lang, "n_more", n=len(items) - LIST_LIMIT) if len(items) > LIST_LIMIT else ""
        text((shown or t(lang, "none")) + more, 9)
    text(f"{t(lang, 'excess')} ({len(g.excess_intermediaries)})", 11, "B")
    for e in g.excess_intermediaries[:LIST_LIMIT]:
        declared = e.intermediary_count if e.intermediary_count is not None else "–"
        text(f"{e.item.label}{colon}{declared} / {e.recorded}", 9)
    text(f"{t(lang, 'missing')} ({len(g.missing)})", 11, "B")
    for miss in g.missing[:LIST_LIMIT]:
        text(f"{t(lang, 'kind_' + miss.kind)} {miss.item.label}{colon}{t(lang, 'missing_' + miss.missing)}", 9)
    text(f"{t(lang, 'findings')} ({len(g.findings)})", 11, "B")
    if not g.findings_checked:
        text(t(lang, "findings_skipped", reason="--no-check"), 9)
    for f in g.findings[:LIST_LIMIT]:
        text(f"{f.severity}{colon}{f.focus} — {f.message} ({f.source})", 8.5)
    heading(t(lang, "comparison"))
    rated = [c for c in d.comparison if c.chains_per_inhabitants is not None]
    own_and_parents = [c for c in rated if c.relation != "sibling"]
    siblings = sorted((c for c in rated if c.relation == "sibling"), key=lambda c: -(c.chains_per_inhabitants or 0))
    bars(f"{t(lang, 'chains')} {t(lang, 'per_100k')}",
         [(c.unit.label, per) for c in own_and_parents + siblings[:12]
          if (per := c.chains_per_inhabitants) is not None])
    for cmp in d.comparison:
        if cmp.relation != "sibling":
            text(f"{cmp.unit.label} ({t(lang, 'relation_' + cmp.relation)}): {t(lang, 'population')} "
                 f"{number(cmp.unit.population, lang)}; {t(lang, 'chains')} {number(cmp.chains, lang)}; "
                 f"{rate(cmp.chains_per_inhabitants, lang)} {t(lang, 'per_100k')}", 9)
    heading(t(lang, "sources"))
    for key in ("m_inside", "m_counts", "m_rates", "m_policies", "m_quality", "m_queries"):
        text(t(lang, key), 8.5)
    for g_ in d.sources.graphs:
        triples = g_["triples"] if g_["triples"] is not None else "–"
        text(f"{g_['graph']} — {g_['source']} — {triples} {t(lang, 'triples')} — {g_['licence'] or ''}", 8)
    if d.sources.dataset:
        ds = d.sources.dataset
        text(f"{t(lang, 'build_time')}{colon}{ds.get('modified', '–')} · "
             f"{t(lang, 'licence')}{colon}{ds.get('licence', '–')}", 8)
    text(f"{t(lang, 'query')}{colon}" + ", ".join(sorted({q.name for q in d.queries})), 8)
    text(t(lang, "generated_by", version=d.version), 8)
    return bytes(pdf.output())
