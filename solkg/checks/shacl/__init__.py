"""SHACL validation: the one place solkg runs SHACL, behind one function with several validators.

Validators (``VALIDATORS``), chosen with ``validator=``:

``"sparql"`` (``DEFAULT_VALIDATOR``)
    SHACL Core and SHACL-SPARQL (``sh:sparql`` SELECT constraints) straight on the store, the
    data never copied into rdflib: class hierarchies (``rdfs:subClassOf*``), complex paths
    (``*``, ``+``, ``?``), ``sh:sparql`` (focus nodes injected as ``VALUES``) and ``sh:closed``
    run as SPARQL in Oxigraph; focus nodes are checked in chunks, the triples of a chunk's nodes
    read once from the store (the values of predicate, inverse, sequence and alternative paths),
    and the value-level components evaluated in Python over them; everything read for a chunk is
    dropped before the next, so memory follows the chunk size, not the data. Measured (1.2M
    triples): one SPARQL query per constraint cost 0.3-0.8 s each, OPTIONAL-based merging of
    constraints more; reading the triples costs about as much as a handful of those queries for
    all constraints together. Nested shapes (``sh:node``,
    ``sh:not``, ``sh:and``/``sh:or``/``sh:xone``, ``sh:qualifiedValueShape``, ``sh:property`` of
    a property shape) are evaluated once on the distinct value nodes; a recursive shape met again
    on the same nodes is taken to conform.
``"pyshacl"``
    The reference: ``pyshacl.validate`` (inference none, ``advanced=True``) over an rdflib Graph
    built from the selected graphs of the store (blank-node ids kept, so results name the same
    nodes).
``"turbo"``
    ``pyshacl_turbo.validate`` (pySHACL-compatible API, Rust engine) over the same input.

Every validator returns the same ``ShaclResult`` list for the same input (tests/test_shacl_engine.py,
tests/test_w3c_shacl.py), with one documented difference: ``sh:datatype`` follows XSD 1.1 strictly
in the ``"sparql"`` engine (``"-4e-05"^^xsd:decimal`` is ill-typed: xsd:decimal has no exponent),
while pySHACL and pyshacl-turbo accept lexical forms that Python's ``Decimal`` accepts.

The package, by concern: :mod:`.results` (``ShaclResult``, severities, messages), :mod:`.shapes`
(reading the shapes graph), :mod:`.paths` (SHACL paths as SPARQL text and as Python steps),
:mod:`.values` (term tests), :mod:`.data` (the chunked reads of the data graph that bound memory),
:mod:`.components` (one function per constraint component, in a table keyed by its IRI),
:mod:`.sparql` (``sh:sparql`` constraints compiled into queries), :mod:`.validator` (the
``"sparql"`` validator), :mod:`.rdflib_validators` (``"pyshacl"``, ``"turbo"``); :func:`validate` here.

pyoxigraph 0.5.13 facts this package relies on (measured):

* the **Store** rewrites every datatype derived from xsd:integer to xsd:integer on insert
  (``"5"^^xsd:nonNegativeInteger`` and ``"-1"^^xsd:nonNegativeInteger`` are both stored as
  ``"..."^^xsd:integer``; ``"007"^^xsd:int`` as ``"7"^^xsd:integer``), so a shape
  ``sh:datatype xsd:nonNegativeInteger`` fails on every stored value and an ill-typed derived
  integer cannot be seen in the store: run :func:`ill_typed_literals` on the parse stream
  (``pyoxigraph.parse(...)`` keeps datatype and lexical form) before loading;
* valid literals of the other XSD types are stored canonicalised (``"1.50"^^xsd:decimal`` comes
  back as ``"1.5"``); ill-typed ones keep their datatype and lexical form unchanged
  (``"45,76"^^xsd:decimal``, ``"-4e-05"^^xsd:decimal``, ``"2019-02-30"^^xsd:date``,
  ``"yes"^^xsd:boolean``).

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> g, s = ox.NamedNode("urn:g:data"), ox.NamedNode("urn:g:shapes")
>>> store.load(b'<urn:x> a <urn:C> .', format=ox.RdfFormat.TURTLE, to_graph=g)
>>> store.load(b'@prefix sh: <http://www.w3.org/ns/shacl#> . <urn:S> a sh:NodeShape ; '
...            b'sh:targetClass <urn:C> ; sh:property [ sh:path <urn:p> ; sh:minCount 1 ] .',
...            format=ox.RdfFormat.TURTLE, to_graph=s)
>>> [(str(r.focus), r.path, r.component) for r in validate(store, data_graphs=[g], shapes=[s])]
[('<urn:x>', 'urn:p', 'http://www.w3.org/ns/shacl#MinCountConstraintComponent')]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pyoxigraph as ox

from .paths import result_path
from .rdflib_validators import run_pyshacl, run_turbo
from .results import ShaclResult, default_messages, severity
from .shapes import SH as SH  # re-exported: callers spell component IRIs with it
from .shapes import XSD as XSD
from .shapes import ShapesGraph
from .validator import SparqlValidator

__all__ = [
    "VALIDATORS",
    "DEFAULT_VALIDATOR",
    "ShaclResult",
    "validate",
]

VALIDATORS: tuple[str, ...] = ("sparql", "pyshacl", "turbo")
"""Names accepted by ``validate(validator=...)``: solkg's own (SPARQL + Python over the store),
pySHACL (the reference), pyshacl-turbo (optional, ``pip install pyshacl-turbo``)."""
DEFAULT_VALIDATOR = "sparql"
"""Chosen by measurement (see benchmarks/ and the closing note of issue 4)."""


def validate(
    data: ox.Store,
    *,
    shapes: Sequence[ox.NamedNode] | ox.Store | Any,
    data_graphs: Sequence[ox.NamedNode | ox.DefaultGraph] | None = None,
    validator: str = DEFAULT_VALIDATOR,
    progress: Callable[[int], None] | None = None,
    focus_chunk: int | None = None,
    workers: int = 1,
    store_folder: str | None = None,
) -> list[ShaclResult]:
    """Validate the union of ``data_graphs`` of ``data`` against ``shapes``; results sorted.

    ``data``: the store. ``data_graphs``: the graphs whose union is the SHACL data graph; include
    the ontology graphs there (``rdfs:subClassOf`` for ``sh:targetClass``/``sh:class`` over
    subclasses, SKOS concept typing for ``sh:class skos:Concept``), since SHACL reads the class
    hierarchy from the data graph (no inference is run). ``None``: every named graph of ``data``
    that is not a shapes graph, plus the default graph. ``shapes``: graph names in ``data``
    (their union is the shapes graph), or a separate ``pyoxigraph.Store`` (all its quads) or
    ``rdflib.Graph``. ``validator``: one of ``VALIDATORS``. With the ``"sparql"`` validator,
    ``progress`` is called with the number of focus nodes checked so far after each chunk of
    ``focus_chunk`` nodes (default ``SparqlValidator.FOCUS_CHUNK``; it bounds the memory used),
    and the chunks are checked by ``workers`` processes forked from this one (default 1: in this
    process; :func:`.workers.default_workers` gives the CPUs it may use, at most 4). The results do
    not depend on ``workers``. An on-disk (RocksDB) store is never forked (its mutexes do not
    survive a fork: a forked worker reading a just-built store hung in a mutex held at the fork):
    give its folder as ``store_folder`` and the workers are spawned, each opening it read only
    (``data`` is flushed first and must not be written to meanwhile); without it, ``workers``
    above 1 fork this process, which only an in-memory store survives.

    >>> import pyoxigraph as ox
    >>> st = ox.Store()
    >>> st.load(b'<urn:x> <urn:n> "x" .', format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:d"))
    >>> st.load(b'@prefix sh: <http://www.w3.org/ns/shacl#> . <urn:S> sh:targetSubjectsOf <urn:n> ;'
    ...         b' sh:property [ sh:path <urn:n> ; sh:datatype <http://www.w3.org/2001/XMLSchema#integer> ] .',
    ...         format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:s"))
    >>> [str(r.value) for r in validate(st, shapes=[ox.NamedNode("urn:s")])]
    ['"x"']
    """
    if validator not in VALIDATORS:
        raise ValueError(f"unknown SHACL validator {validator!r}; choose one of {', '.join(VALIDATORS)}")
    shapes_graph_names: list[Any] = []
    if isinstance(shapes, ox.Store):
        shapes_quads = list(shapes)
    elif isinstance(shapes, (list, tuple)):
        shapes_graph_names = list(shapes)
        shapes_quads = [q for g in shapes_graph_names for q in data.quads_for_pattern(None, None, None, g)]
    else:  # rdflib.Graph (or Dataset)
        graph: Any = shapes
        nt = graph.serialize(format="nt", encoding="utf-8")
        shapes_quads = list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False))
    if data_graphs is None:
        skip = set(shapes_graph_names)
        found: list[Any] = [g for g in sorted(data.named_graphs(), key=str) if g not in skip]
        data_graphs = [*found, ox.DefaultGraph()]
    data_graphs = list(data_graphs)
    sg = ShapesGraph(shapes_quads)
    if validator == "sparql":
        raw = SparqlValidator(data, data_graphs, sg, focus_chunk=focus_chunk, progress=progress,
                              workers=workers, store_folder=store_folder).run()
        results = [
            ShaclResult(
                r.focus,
                result_path(r.path),
                r.value,
                r.component,
                severity(sg.one(r.shape, SH + "severity")),
                r.shape,
                r.messages or default_messages(sg, r.shape, r.component),
            )
            for r in raw
        ]
    elif validator == "pyshacl":
        results = run_pyshacl(data, data_graphs, shapes_quads, sg)
    else:
        results = run_turbo(data, data_graphs, shapes_quads, sg)
    results.sort()
    return results
