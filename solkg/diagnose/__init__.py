"""Territorial diagnosis: what a local authority reads before it acts on short supply chains.

For a territory (and everything inside it): what exists (chains per sector and kind, actors per
kind and role, the actors that link chains, principles, mechanisms), where (a map, the chains per
sub-territory), support (public policies, who carries them, charter signatories), gaps (sectors
with no chain, sub-territories with none or far below, food chains with too many intermediaries,
data to complete and ``solkg check``'s findings), a comparison per inhabitant with the territories
around it, and the sources of every figure. The figures come from the named queries of
``queries/diagnose/``, on the embedded store or on any SPARQL 1.1 endpoint.

>>> from solkg.diagnose import diagnose, render
>>> from solkg.store.entail import add_entailed
>>> from solkg.sources import project_sources
>>> from solkg.store import load_sources
>>> store = load_sources(project_sources())
>>> _ = add_entailed(store)
>>> report = diagnose("sold:example-territory-drome", store=store, check=False)
>>> len(report.chains), report.gaps.sectors_without_chain[0].label
(3, 'care and health')
>>> render(report, "md").splitlines()[0]
'# Territorial diagnosis of short supply chains: Drôme (example territory)'
"""

from __future__ import annotations

from .core import (UnknownTerritory, collate, diagnose, diagnose_queries, get_diagnose_query, name_pattern,
                   resolve_territory, same_name, sort_rows)
from .model import Diagnosis
from .render import FORMATS, render, write_report

__all__ = ["diagnose", "resolve_territory", "diagnose_queries", "get_diagnose_query", "UnknownTerritory",
           "Diagnosis", "render", "write_report", "FORMATS", "sort_rows", "collate", "name_pattern", "same_name"]
