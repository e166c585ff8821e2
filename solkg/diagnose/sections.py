"""What every report holds, whatever its format: the sections in order, the named queries behind
each, the formats, and how many rows a list shows. A leaf: the renderers (:mod:`.render`,
:mod:`.html`, :mod:`.pdf`) read it, it reads none of them.

>>> SECTIONS[0], LIST_LIMIT, "pdf" in FORMATS
('synthesis', 50, True)
"""

from __future__ import annotations

__all__ = ["FORMATS", "SECTIONS", "LIST_LIMIT", "SECTION_QUERIES"]

FORMATS = ("html", "pdf", "json", "md")
SECTIONS = ("synthesis", "exists", "where", "support", "gaps", "comparison", "sources")
"""The sections of every report, in order (their titles come from :mod:`solkg.diagnose.i18n`)."""
LIST_LIMIT = 50
"""Rows shown per list in the HTML, Markdown and PDF reports; the JSON holds them all."""

SECTION_QUERIES = {
    "synthesis": ["territory", "parents", "chains", "actors", "policies", "figures"],
    "exists": ["chains", "chain-sectors", "sectors", "chain-concepts", "actors", "participants", "roles",
               "actor-sectors", "places"],
    "where": ["children", "chains"],
    "support": ["policies", "signatories"],
    "gaps": ["chain-sectors", "children", "intermediaries", "chains", "actors", "participants", "actor-sectors"],
    "comparison": ["figures", "children"],
    "sources": [],
}
"""The named queries behind each section (``places`` runs only when a chain operates below the
sub-territories; the data to complete comes from the rows of ``chains``, ``actors``, ``chain-sectors``,
``participants`` and ``actor-sectors``)."""
