"""The diagnosis as one self-contained HTML page: inline CSS, inline SVG charts and map, no script,
nothing fetched from the network.

>>> from solkg.diagnose.model import Diagnosis, Unit
>>> page = render_html(Diagnosis(territory=Unit("https://w3id.org/solkg/id/t", "T"), lang="fr"))
>>> '<html lang="fr">' in page and "Manques" in page
True
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..namespaces import compact
from .basemap import MapPoint, department_regions, svg_map
from .charts import bar_chart
from .i18n import number, rate, t, tn
from .model import Diagnosis
from .sections import LIST_LIMIT, SECTION_QUERIES, SECTIONS

__all__ = ["render_html", "report_context"]

LEVEL = "https://w3id.org/solkg/vocab/territory-level/"


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(Path(__file__).resolve().parent / "templates")),
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["compact"] = compact
    return env


def map_svg(d: Diagnosis, link: Callable[[str], str]) -> str:
    """The report's map: the territory's located chains over the basemap."""
    lang = d.lang
    points = [MapPoint(c.lat, c.long, c.item.label, link(c.item.iri), c.cls.label if c.cls else "?")
              for c in d.chains if c.lat is not None and c.long is not None
              and -90 <= c.lat <= 90 and -180 <= c.long <= 180]
    units = [d.territory] + [s.unit for s in d.sub_territories]
    focus = [(u.lat, u.long) for u in units if u.lat is not None and u.long is not None]
    highlight: set[str] = set()
    if d.territory.level == LEVEL + "department" and d.territory.code:
        highlight.add(d.territory.code)
    elif d.territory.level == LEVEL + "region" and d.territory.code:
        highlight |= {dep for dep, reg in department_regions().items() if reg == d.territory.code}
    unlocated = len(d.chains) - len(points)
    note = t(lang, "map_cluster") + (". " + t(lang, "map_unlocated", n=unlocated) if unlocated else "")
    return svg_map(points, title=f"{t(lang, 'map')}: {d.territory.label}", focus=focus,
                   highlight=frozenset(highlight), legend_title=t(lang, "map_legend"), note=note)


def report_context(d: Diagnosis, *, link: Callable[[str], str],
                   territory_link: Callable[[str], str] | None = None) -> dict:
    """What the template shows: the diagnosis, its charts and map, the words of its language."""
    lang = d.lang
    num = lambda v, digits=1: number(v, lang, digits)  # noqa: E731
    charts = {}
    if d.sectors:
        charts["sectors"] = bar_chart([(s.item.label, s.count, False) for s in d.sectors],
                                      title=t(lang, "by_sector"), number=num)
    if d.classes:
        charts["classes"] = bar_chart([(s.item.label, s.count, False) for s in d.classes],
                                      title=t(lang, "by_class"), number=num)
    if d.actor_classes:
        charts["actor_classes"] = bar_chart([(s.item.label, s.count, False) for s in d.actor_classes],
                                            title=t(lang, "by_actor_class"), number=num)
    ranked = [s for s in d.sub_territories if s.chains][:15]
    if ranked:
        charts["distribution"] = bar_chart([(s.unit.label, s.chains, False) for s in ranked],
                                           title=t(lang, "distribution"), number=num)
    rated = [c for c in d.comparison if c.chains_per_inhabitants is not None]
    if rated:
        own = [c for c in rated if c.relation == "self"]
        parents = [c for c in rated if c.relation == "parent"]
        siblings = sorted((c for c in rated if c.relation == "sibling"),
                          key=lambda c: (-(c.chains_per_inhabitants or 0), c.unit.label))[:12]
        rows = [(c.unit.label, per, c.relation == "self")
                for c in sorted(own + siblings, key=lambda c: (-(c.chains_per_inhabitants or 0), c.unit.label))
                if (per := c.chains_per_inhabitants) is not None]
        parent_rate = parents[0].chains_per_inhabitants if parents else None
        reference = (parents[0].unit.label, parent_rate) if parents and parent_rate is not None else None
        charts["comparison"] = bar_chart(rows, title=f"{t(lang, 'chains')} {t(lang, 'per_100k')}",
                                         reference=reference, number=num)
    return {
        "d": d, "lang": lang, "t": lambda key, **kw: t(lang, key, **kw), "num": num, "link": link,
        "tn": lambda key, count, **kw: tn(lang, key, count, **kw), "rate": lambda v: rate(v, lang),
        "territory_link": territory_link or link, "charts": charts, "map": map_svg(d, link),
        "limit": LIST_LIMIT, "sections": SECTIONS, "section_queries": SECTION_QUERIES,
        "siblings": [c for c in d.comparison if c.relation == "sibling"],
        "by_pop": sorted(d.sub_territories, key=lambda s: (-(s.unit.population or 0), s.unit.label)),
    }


def render_html(d: Diagnosis, *, link: Callable[[str], str] | None = None,
                territory_link: Callable[[str], str] | None = None) -> str:
    """The report as a self-contained HTML document."""
    link = link or (lambda iri: iri)
    return _env().get_template("report.html").render(**report_context(d, link=link, territory_link=territory_link))
