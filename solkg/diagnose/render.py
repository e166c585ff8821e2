"""Render a :class:`Diagnosis` as JSON (every figure and list, and the queries' rows), Markdown
(for wikis), HTML (one self-contained file) or PDF.

>>> from solkg.diagnose.model import Diagnosis, Unit
>>> d = Diagnosis(territory=Unit("https://w3id.org/solkg/id/t", "T"), lang="en")
>>> '"chains": 0' in render(d, "json")
True
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from ..errors import InputError
from ..files import atomic_write
from ..namespaces import compact
from .i18n import number, rate, t
from .model import Diagnosis, Item, Tally
from .sections import FORMATS, LIST_LIMIT, SECTION_QUERIES, SECTIONS

__all__ = ["FORMATS", "render", "write_report", "to_json", "SECTIONS", "LIST_LIMIT"]

def render(d: Diagnosis, fmt: str, *, link: Callable[[str], str] | None = None) -> str | bytes:
    """The report in ``fmt`` (``html``, ``pdf``, ``json``, ``md``): text, or bytes for PDF.

    ``link`` turns an IRI into the address a reader follows (default: the IRI itself).
    """
    if fmt == "json":
        return to_json(d)
    if fmt == "md":
        return _markdown(d, link or (lambda iri: iri))
    if fmt == "html":
        from .html import render_html

        return render_html(d, link=link or (lambda iri: iri))
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(d)
    raise InputError(f"format: choose {'|'.join(FORMATS)}")


def write_report(d: Diagnosis, path: Path, fmt: str, *, link: Callable[[str], str] | None = None) -> Path:
    """Write the report to ``path`` atomically (temporary file, then rename)."""
    body = render(d, fmt, link=link)
    data = body if isinstance(body, bytes) else body.encode("utf-8")
    with atomic_write(Path(path)) as handle:
        handle.write(data)
    return Path(path)


def to_json(d: Diagnosis) -> str:
    """The JSON report: one key of the report per line, one element of each list per line (each
    written compactly), one row of each query per line. Python's indenting JSON encoder is written in
    Python; this one leaves each element to the C encoder (a département's report at 100,000 chains
    holds some 8 MB).

    >>> from solkg.diagnose.model import Unit
    >>> json.loads(to_json(Diagnosis(territory=Unit("urn:t", "T"), lang="en")))["figures"]["chains"]
    0
    """
    enc = json.JSONEncoder(ensure_ascii=False).encode
    parts = ["{"]
    doc = d.to_dict()
    for n, (key, value) in enumerate(doc.items()):
        end = "," if n < len(doc) - 1 else ""
        if key == "queries" and value:
            parts.append(f"  {enc(key)}: [")
            for i, run in enumerate(value):
                head = enc({k: v for k, v in run.items() if k != "bindings"})[:-1]
                rows = ",\n".join("      " + enc(row) for row in run["bindings"])
                sep = "," if i < len(value) - 1 else ""
                parts.append(f"    {head}, \"bindings\": [" + (f"\n{rows}\n    ]}}" if rows else "]}") + sep)
            parts.append("  ]" + end)
        elif isinstance(value, list) and value:
            parts.append(f"  {enc(key)}: [")
            parts.append(",\n".join("    " + enc(item) for item in value))
            parts.append("  ]" + end)
        else:
            parts.append(f"  {enc(key)}: {enc(value)}{end}")
    parts.append("}")
    return "\n".join(parts) + "\n"


# -- Markdown --------------------------------------------------------------------------------------

def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_link(item: Item, link: Callable[[str], str]) -> str:
    label = _cell(item.label).replace("[", "\\[").replace("]", "\\]")
    return f"[{label}]({link(item.iri)})" if not item.iri.startswith("_:") else label


def _md_tallies(lines: list[str], title: str, tallies: list[Tally], lang: str, link: Callable[[str], str]) -> None:
    lines += [f"### {title}", ""]
    if not tallies:
        lines += [f"_{t(lang, 'none')}_", ""]
        return
    lines += [f"| {t(lang, 'name')} | {t(lang, 'count')} | {t(lang, 'members')} |", "|---|---:|---|"]
    for tally in tallies:
        shown = ", ".join(_md_link(m, link) for m in tally.members[:10])
        more = f" … (+{tally.count - 10})" if tally.count > 10 else ""
        lines.append(f"| {_md_link(tally.item, link)} | {tally.count} | {shown}{more} |")
    lines.append("")


def _queries_note(lines: list[str], section: str, lang: str) -> None:
    names = SECTION_QUERIES.get(section)
    if names:
        lines += [f"<small>{t(lang, 'query')}{t(lang, 'colon')}" + ", ".join(f"`diagnose/{n}`" for n in names)
                  + "</small>", ""]


def _markdown(d: Diagnosis, link: Callable[[str], str]) -> str:
    lang = d.lang
    u = d.territory
    lines = [f"# {t(lang, 'title')}{t(lang, 'colon')}{_cell(u.label)}", ""]
    facts = [f"**{_cell(u.label)}**"]
    if u.level_label:
        facts.append(u.level_label)
    if u.code:
        facts.append(f"{t(lang, 'code')} {u.code}")
    if u.population is not None:
        facts.append(f"{t(lang, 'population')} {number(u.population, lang)}")
    if d.parents:
        facts.append(t(lang, "inside") + " " + ", ".join(_md_link(Item(p.iri, p.label), link) for p in d.parents))
    lines += [" · ".join(facts) + f" · <{u.iri}>", ""]
    lines += [f"## {t(lang, 'synthesis')}", ""]
    for m in d.key_messages:
        mark = {"strength": "✅ ", "gap": "⚠️ "}.get(m.kind, "")
        lines.append(f"- {mark}{m.text}")
    lines.append("")
    _queries_note(lines, "synthesis", lang)
    lines += [f"## {t(lang, 'exists')}", ""]
    _md_tallies(lines, t(lang, "by_sector"), d.sectors, lang, link)
    _md_tallies(lines, t(lang, "by_class"), d.classes, lang, link)
    _md_tallies(lines, t(lang, "by_actor_class"), d.actor_classes, lang, link)
    _md_tallies(lines, t(lang, "by_role"), d.roles, lang, link)
    lines += [f"### {t(lang, 'connected')} ({len(d.connected_actors)})", ""]
    if d.connected_actors:
        lines += [f"| {t(lang, 'name')} | {t(lang, 'kind')} | {t(lang, 'chains')} | {t(lang, 'sector')} |",
                  "|---|---|---:|---:|"]
        for a in d.connected_actors[:LIST_LIMIT]:
            kind = _cell(a.cls.label) if a.cls else ""
            lines.append(f"| {_md_link(a.item, link)} | {kind} | {a.chains} | {a.sectors} |")
        _more(lines, len(d.connected_actors), lang)
    else:
        lines += [f"_{t(lang, 'none')}_", ""]
    _md_tallies(lines, t(lang, "principles"), d.principles, lang, link)
    _md_tallies(lines, t(lang, "mechanisms"), d.mechanisms, lang, link)
    lines += [f"### {t(lang, 'chain_list')} ({len(d.chains)})", ""]
    if d.chains:
        lines += [f"| {t(lang, 'name')} | {t(lang, 'kind')} | {t(lang, 'where_col')} |", "|---|---|---|"]
        for c in d.chains[:LIST_LIMIT]:
            lines.append(f"| {_md_link(c.item, link)} | {_cell(c.cls.label) if c.cls else ''} | "
                         f"{_md_link(Item(c.unit, c.unit_label or compact(c.unit)), link) if c.unit else ''} |")
        _more(lines, len(d.chains), lang)
    else:
        lines += [f"_{t(lang, 'none')}_", ""]
    _queries_note(lines, "exists", lang)
    lines += [f"## {t(lang, 'where')}", "", f"### {t(lang, 'distribution')} ({len(d.sub_territories)})", ""]
    if d.sub_territories:
        lines += [f"| {t(lang, 'name')} | {t(lang, 'chains')} | {t(lang, 'population')} | {t(lang, 'per_100k')} |",
                  "|---|---:|---:|---:|"]
        for s in d.sub_territories[:LIST_LIMIT]:
            lines.append(f"| {_md_link(Item(s.unit.iri, s.unit.label), link)} | {s.chains} | "
                         f"{number(s.unit.population, lang)} | {rate(s.per_inhabitants, lang)} |")
        _more(lines, len(d.sub_territories), lang)
    else:
        lines += [f"_{t(lang, 'none')}_", ""]
    _queries_note(lines, "where", lang)
    lines += [f"## {t(lang, 'support')}", "", f"### {t(lang, 'policy_list')} ({len(d.policies)})", ""]
    if d.policies:
        lines += [f"| {t(lang, 'name')} | {t(lang, 'kind')} | {t(lang, 'carried_by')} | {t(lang, 'aims')} | "
                  f"{t(lang, 'supports')} |", "|---|---|---|---|---:|"]
        for p in d.policies:
            lines.append(f"| {_md_link(p.item, link)} | {_cell(p.cls.label) if p.cls else ''} | "
                         f"{_md_link(p.carrier, link) if p.carrier else ''} | "
                         f"{', '.join(_cell(a.label) for a in p.aims)} | {p.supported_chains} |")
        lines.append("")
    else:
        lines += [t(lang, "no_policy"), ""]
    lines += [f"### {t(lang, 'signatories')} ({len(d.signatories)})", ""]
    for sig in d.signatories:
        lines.append(f"- {_md_link(sig.actor, link)}: {_md_link(sig.charter, link)}")
    if not d.signatories:
        lines.append(t(lang, "no_signatory"))
    lines.append("")
    _queries_note(lines, "support", lang)
    g = d.gaps
    lines += [f"## {t(lang, 'gaps')}", ""]
    if not d.chains:
        lines += [t(lang, "no_data"), ""]
    for key, items in (("sectors_without", g.sectors_without_chain), ("subs_without", g.sub_territories_without_chain),
                       ("subs_far_below", g.sub_territories_far_below)):
        lines += [f"### {t(lang, key)} ({len(items)})", ""]
        lines.append(", ".join(_md_link(i, link) for i in items[:LIST_LIMIT]) or f"_{t(lang, 'none')}_")
        if len(items) > LIST_LIMIT:
            lines.append(t(lang, "n_more", n=len(items) - LIST_LIMIT))
        lines.append("")
    lines += [f"### {t(lang, 'excess')} ({len(g.excess_intermediaries)})", ""]
    for e in g.excess_intermediaries[:LIST_LIMIT]:
        lines.append(f"- {_md_link(e.item, link)}: {e.intermediary_count if e.intermediary_count is not None else '–'}"
                     f" / {e.recorded}")
    lines += ["" if g.excess_intermediaries else f"_{t(lang, 'none')}_", ""]
    lines += [f"### {t(lang, 'missing')} ({len(g.missing)})", ""]
    for miss in g.missing[:LIST_LIMIT]:
        lines.append(f"- {t(lang, 'kind_' + miss.kind)} {_md_link(miss.item, link)}{t(lang, 'colon')}"
                     f"{t(lang, 'missing_' + miss.missing)}")
    if not g.missing:
        lines.append(f"_{t(lang, 'none')}_")
    _more(lines, len(g.missing), lang)
    lines += [f"### {t(lang, 'findings')} ({len(g.findings)})", ""]
    for f in g.findings[:LIST_LIMIT]:
        lines.append(f"- **{f.severity}** `{compact(f.focus)}` {_cell(f.message)} ({f.source})")
    if not g.findings_checked:
        lines.append(t(lang, "findings_skipped", reason="--no-check"))
    elif not g.findings:
        lines.append(f"_{t(lang, 'none')}_")
    _more(lines, len(g.findings), lang)
    _queries_note(lines, "gaps", lang)
    lines += [f"## {t(lang, 'comparison')}", "",
              f"| {t(lang, 'name')} | | {t(lang, 'population')} | {t(lang, 'chains')} | {t(lang, 'per_100k')} |",
              "|---|---|---:|---:|---:|"]
    for cmp in d.comparison[:LIST_LIMIT]:
        lines.append(f"| {_md_link(Item(cmp.unit.iri, cmp.unit.label), link)} | "
                     f"{t(lang, 'relation_' + cmp.relation)} | {number(cmp.unit.population, lang)} | {cmp.chains} | "
                     f"{rate(cmp.chains_per_inhabitants, lang)} |")
    lines.append("")
    _queries_note(lines, "comparison", lang)
    lines += [f"## {t(lang, 'sources')}", ""]
    for key in ("m_inside", "m_counts", "m_rates", "m_policies", "m_quality", "m_queries"):
        lines.append(f"- {t(lang, key)}")
    lines.append("")
    if d.sources.graphs:
        lines += [f"| {t(lang, 'graph')} | {t(lang, 'source_file')} | {t(lang, 'triples')} | {t(lang, 'licence')} |",
                  "|---|---|---:|---|"]
        for g_ in d.sources.graphs:
            triples = g_["triples"] if g_["triples"] is not None else "–"
            lines.append(f"| <{g_['graph']}> | {g_['source']} | {triples} | {g_['licence'] or ''} |")
        lines.append("")
    ds = d.sources.dataset
    if ds:
        lines.append(f"{t(lang, 'build_time')}: {ds.get('modified', '–')} · {t(lang, 'licence')}: "
                     f"{ds.get('licence', '–')} · {ds.get('file', '')}")
    if d.sources.endpoint:
        lines.append(f"{t(lang, 'endpoint')}: <{d.sources.endpoint}>")
    lines += ["", t(lang, "generated_by", version=d.version), ""]
    return "\n".join(lines)


def _more(lines: list[str], total: int, lang: str) -> None:
    if total > LIST_LIMIT:
        lines.append(t(lang, "n_more", n=total - LIST_LIMIT))
    lines.append("")
