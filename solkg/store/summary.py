"""The summary graph: per-actor, per-chain and per-sector figures that the whole-graph named queries read.

``solkg build`` adds a second derived named graph, :data:`SUMMARY_GRAPH`, beside the entailed one.
It holds what five named queries would otherwise aggregate over every chain and participation at
each run (about a second each at 100,000 chains, over the 1 s target), computed once from the
union of the store's other graphs by the very aggregates those queries used to run (kept in
:data:`FIGURES`, which ``tests/test_summary.py`` and ``tests/test_remote_engines.py`` compare with
the graph on the embedded store, Oxigraph server and Virtuoso):

- ``solsum:actorChains`` / ``solsum:actorSectors``: for each actor that takes part in a chain (a
  sub-property of ``sol:hasParticipant``, or ``sol:takesPartInGovernanceOf``), the number of
  distinct chains, and of distinct sectors of those chains and its own (actors-in-several-chains);
- ``solsum:sectorChains`` / ``solsum:sectorActors``: for each sector, the chains in it and the
  actors in it or in its chains (sectors-overview; absent means 0);
- one node per (sector, territory) with ``solsum:cellSector``, ``solsum:cellTerritory``
  (``rdf:nil`` for none) and ``solsum:cellChains`` (chains-per-sector-territory);
- ``solsum:recordedIntermediaries``: for each chain with an intermediary (a sub-property of
  ``sol:hasIntermediary``), how many distinct ones (food-chains-by-intermediaries; absent means 0);
- ``solsum:upholds``: each chain with each principle it upholds, directly or through a narrower
  one (``skos:broaderTransitive``) (chains-by-principle);
- ``solsum:rank``: for each chain, actor and upheld principle, its position in the code-point order
  of their IRIs, so that a query orders thousands of rows by an integer instead of decoding and
  comparing IRIs (what cost most of those queries' time on the on-disk store).

Only IRIs are ranked and summarised as subjects (a blank node of one graph is not the same node in
another graph once published). The graph is recomputed from the other graphs, never from itself;
it is not part of the release files (it is derived, like an index) but ``solkg publish`` sends it
with the store's other graphs. A named query that reads it says so in its header
(``# reads: the summary graph``).

>>> from solkg.sources import project_sources
>>> from solkg.store import add_entailed, load_sources
>>> store = load_sources(project_sources())
>>> _ = add_entailed(store)
>>> added = add_summary(store)
>>> added > 0 and add_summary(store) == added
True
"""

from __future__ import annotations

import hashlib
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import SOLG
from .entail import ENTAILED_GRAPH

__all__ = ["FIGURES", "SUM", "SUMMARY_GRAPH", "add_summary", "load_summary", "summary_graphs", "write_summary"]

SUMMARY_GRAPH = SOLG + "summary"
"""The derived graph's IRI (no source file can be named so: source graphs end with a file suffix)."""
SUM = "https://w3id.org/solkg/summary#"
"""The namespace of the summary's properties (``solsum:``)."""
CELL = "https://w3id.org/solkg/summary/cell/"
"""Where the (sector, territory) nodes are named: ``CELL`` + SHA-1 of their two IRIs."""

PREFIXES = f"""PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX sol: <https://w3id.org/solkg/ontology#>
PREFIX solsum: <{SUM}>
"""

_CHAINS = "{ SELECT ?chain WHERE { ?chainClass rdfs:subClassOf sol:ShortSupplyChain . ?chain rdf:type ?chainClass . } }"
_PARTICIPATIONS = """{ SELECT ?actor ?chain WHERE {
      { ?role rdfs:subPropertyOf sol:hasParticipant . ?chain ?role ?actor . }
      UNION
      { ?actor sol:takesPartInGovernanceOf ?chain . } } }"""

# name -> (the live aggregate, a SELECT whose rows the summary stores; the same rows read back from it)
FIGURES: dict[str, tuple[str, str]] = {
    "actors": (
        f"""SELECT ?actor ?chains ?sectors WHERE {{
  {{ SELECT ?actor (COUNT(DISTINCT ?chain) AS ?chains) (COUNT(DISTINCT ?sector) AS ?sectors) WHERE {{
      {_PARTICIPATIONS}
      OPTIONAL {{ SELECT ?chain ?chainSector WHERE {{ ?chain sol:inSector ?chainSector . }} }}
      OPTIONAL {{ SELECT ?actor ?actorSector WHERE {{ ?actor sol:inSector ?actorSector . }} }}
      VALUES ?side {{ 1 2 }}
      BIND(IF(?side = 1, ?chainSector, ?actorSector) AS ?sector)
    }} GROUP BY ?actor }}
  FILTER(isIRI(?actor))
}}""",
        "SELECT ?actor ?chains ?sectors WHERE { ?actor solsum:actorChains ?chains ; solsum:actorSectors ?sectors . }",
    ),
    "sector-chains": (
        f"""SELECT ?sector ?chains WHERE {{
  {{ SELECT ?sector (COUNT(DISTINCT ?chain) AS ?chains) WHERE {{
      {_CHAINS}
      {{ SELECT ?chain ?sector WHERE {{ ?chain sol:inSector ?sector . }} }}
    }} GROUP BY ?sector }}
  FILTER(isIRI(?sector))
}}""",
        "SELECT ?sector ?chains WHERE { ?sector solsum:sectorChains ?chains . }",
    ),
    "sector-actors": (
        f"""SELECT ?sector ?actors WHERE {{
  {{ SELECT ?sector (COUNT(DISTINCT ?actor) AS ?actors) WHERE {{
      {{
        {_PARTICIPATIONS}
        {{ SELECT ?chain ?sector WHERE {{ ?chain sol:inSector ?sector . }} }}
      }} UNION {{
        {{ SELECT ?actor WHERE {{ ?actorClass rdfs:subClassOf sol:Actor . ?actor rdf:type ?actorClass . }} }}
        {{ SELECT ?actor ?sector WHERE {{ ?actor sol:inSector ?sector . }} }}
      }}
    }} GROUP BY ?sector }}
  FILTER(isIRI(?sector))
}}""",
        "SELECT ?sector ?actors WHERE { ?sector solsum:sectorActors ?actors . }",
    ),
    "cells": (
        f"""SELECT ?sectorKey ?territoryKey ?chains WHERE {{
  {{ SELECT ?sectorKey ?territoryKey (COUNT(DISTINCT ?chain) AS ?chains) WHERE {{
      {_CHAINS}
      OPTIONAL {{ SELECT ?chain ?chainSector WHERE {{ ?chain sol:inSector ?chainSector . }} }}
      OPTIONAL {{ SELECT ?chain ?chainTerritory WHERE {{ ?chain sol:operatesIn ?chainTerritory . }} }}
      BIND(COALESCE(?chainSector, rdf:nil) AS ?sectorKey)
      BIND(COALESCE(?chainTerritory, rdf:nil) AS ?territoryKey)
    }} GROUP BY ?sectorKey ?territoryKey }}
  FILTER(isIRI(?sectorKey) && isIRI(?territoryKey))
}}""",
        "SELECT ?sectorKey ?territoryKey ?chains WHERE "
        "{ ?cell solsum:cellSector ?sectorKey ; solsum:cellTerritory ?territoryKey ; solsum:cellChains ?chains . }",
    ),
    "recorded-intermediaries": (
        """SELECT ?chain ?intermediaries WHERE {
  { SELECT ?chain (COUNT(DISTINCT ?intermediary) AS ?intermediaries) WHERE {
      ?role rdfs:subPropertyOf sol:hasIntermediary . ?chain ?role ?intermediary .
    } GROUP BY ?chain }
  FILTER(isIRI(?chain))
}""",
        "SELECT ?chain ?intermediaries WHERE { ?chain solsum:recordedIntermediaries ?intermediaries . }",
    ),
    "upholds": (
        f"""SELECT DISTINCT ?chain ?principle WHERE {{
  {_CHAINS}
  {{
    SELECT ?chain ?principle WHERE {{
      {{ SELECT ?chain ?principle WHERE {{ ?chain sol:upholdsPrinciple ?principle . }} }}
      UNION
      {{
        SELECT ?chain ?principle WHERE {{
          {{ SELECT ?chain ?upheld WHERE {{ ?chain sol:upholdsPrinciple ?upheld . }} }}
          {{ SELECT ?upheld ?principle WHERE {{ ?upheld skos:broaderTransitive ?principle . }} }}
        }}
      }}
    }}
  }}
  FILTER(isIRI(?chain) && isIRI(?principle))
}}""",
        "SELECT ?chain ?principle WHERE { ?chain solsum:upholds ?principle . }",
    ),
}

_TYPED_CHAINS = f"SELECT DISTINCT ?chain WHERE {{ {_CHAINS} FILTER(isIRI(?chain)) }}"
_FOOD_CHAINS = """SELECT ?chain (MIN(?count) AS ?declared) WHERE {
  { SELECT DISTINCT ?chain WHERE { ?type rdfs:subClassOf sol:ShortFoodSupplyChain . ?chain rdf:type ?type . } }
  OPTIONAL { SELECT ?chain ?count WHERE { ?chain sol:intermediaryCount ?count . } }
  FILTER(isIRI(?chain))
} GROUP BY ?chain"""
_XSD_INTEGER = "<http://www.w3.org/2001/XMLSchema#integer>"


def summary_graphs(store: ox.Store) -> list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]:
    """The graphs the summary is computed from: every named graph but the summary itself."""
    return sorted((g for g in store.named_graphs() if g.value != SUMMARY_GRAPH), key=str)


def _order_of_count(term: ox.Literal | None) -> tuple:
    """A declared count as SPARQL's ORDER BY places it: unbound first, then numbers by value."""
    if term is None:
        return (0,)
    try:
        return (1, Decimal(term.value))
    except (InvalidOperation, ValueError):
        return (2, term.value)  # not a number: after them (an engine is free to place it elsewhere)


def write_summary(store: ox.Store, path: Path) -> int:
    """Write the summary of ``store``'s graphs to ``path`` as N-Quads (its graph :data:`SUMMARY_GRAPH`);
    returns the number of quads. The aggregates of :data:`FIGURES` run in the store; the ranks and
    the food chains' order are numbered here."""
    sources = summary_graphs(store)
    if ox.NamedNode(ENTAILED_GRAPH) not in sources:
        raise ValueError("the store has no entailed graph (call add_entailed first)")
    graph, written = f" <{SUMMARY_GRAPH}> .\n", 0
    ranked: set[str] = set()
    recorded: dict[str, int] = {}

    def select(text: str):
        return store.query(PREFIXES + text, default_graph=sources)

    with open(path, "w", encoding="utf-8") as out:
        def quad(s: str, p: str, o: str) -> None:
            nonlocal written
            out.write(f"{s} <{SUM}{p}> {o}{graph}")
            written += 1

        for name, (live, _) in FIGURES.items():
            for row in select(live):
                a, b = row[0], row[1]
                if name == "actors":
                    quad(str(a), "actorChains", str(b))
                    quad(str(a), "actorSectors", str(row[2]))
                    ranked.add(a.value)
                elif name == "sector-chains":
                    quad(str(a), "sectorChains", str(b))
                elif name == "sector-actors":
                    quad(str(a), "sectorActors", str(b))
                elif name == "cells":
                    cell = f"<{CELL}{hashlib.sha1(f'{a.value} {b.value}'.encode()).hexdigest()}>"
                    quad(cell, "cellSector", str(a))
                    quad(cell, "cellTerritory", str(b))
                    quad(cell, "cellChains", str(row[2]))
                elif name == "recorded-intermediaries":
                    quad(str(a), "recordedIntermediaries", str(b))
                    recorded[a.value] = int(b.value)
                else:  # upholds
                    quad(str(a), "upholds", str(b))
                    ranked.add(b.value)
        ranked.update(row[0].value for row in select(_TYPED_CHAINS))
        for i, iri in enumerate(sorted(ranked)):
            quad(f"<{iri}>", "rank", f'"{i}"^^{_XSD_INTEGER}')
        food = sorted((_order_of_count(row[1]), recorded.get(row[0].value, 0), row[0].value)
                       for row in select(_FOOD_CHAINS))
        for i, (_, _, iri) in enumerate(food):
            quad(f"<{iri}>", "foodChainOrder", f'"{i}"^^{_XSD_INTEGER}')
    return written


def load_summary(store: ox.Store, path: Path) -> None:
    """Replace the summary graph of ``store`` by the N-Quads of ``path`` (from :func:`write_summary`)."""
    graph = ox.NamedNode(SUMMARY_GRAPH)
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)


def add_summary(store: ox.Store) -> int:
    """Replace the summary graph of ``store`` by the figures of its other graphs; returns its size.

    Run it after :func:`~solkg.store.entail.add_entailed`: the figures follow the class and property
    closures of the entailed graph. The summary is written to a temporary N-Quads file and bulk
    loaded (measured at 100,000 chains on disk: inserting it with SPARQL Update took longer than
    computing it).
    """
    graph = ox.NamedNode(SUMMARY_GRAPH)
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    with tempfile.TemporaryDirectory(prefix="solkg-summary-") as folder:
        path = Path(folder) / "summary.nq"
        written = write_summary(store, path)
        load_summary(store, path)
    return written
