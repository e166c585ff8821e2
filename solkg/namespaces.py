"""The fixed prefixes of solkg, used in every serialisation.

>>> PREFIXES["sol"]
'https://w3id.org/solkg/ontology#'
>>> graph_iri("data/seed.ttl")
'https://w3id.org/solkg/graph/data/seed.ttl'
"""

from __future__ import annotations

__all__ = ["PREFIXES", "SOL", "SOLV", "SOLD", "SOLG", "XSD", "RDF", "RDFS", "graph_iri", "compact"]

SOL = "https://w3id.org/solkg/ontology#"
SOLV = "https://w3id.org/solkg/vocab/"
SOLD = "https://w3id.org/solkg/id/"
SOLG = "https://w3id.org/solkg/graph/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"

PREFIXES: dict[str, str] = {
    "sol": SOL,
    "solv": SOLV,
    "sector": SOLV + "sector/",
    "principle": SOLV + "principle/",
    "aim": SOLV + "aim/",
    "mechanism": SOLV + "mechanism/",
    "theme": SOLV + "theme/",
    "sold": SOLD,
    "solg": SOLG,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": XSD,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "sh": "http://www.w3.org/ns/shacl#",
    "vann": "http://purl.org/vocab/vann/",
    "spdx": "http://spdx.org/rdf/terms#",
}
"""Prefix → namespace, fixed: every Turtle, TriG, RDF/XML and JSON-LD output uses these."""

# Longest namespace first, so that sector: wins over solv: for https://w3id.org/solkg/vocab/sector/x.
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def graph_iri(relative_path: str) -> str:
    """The named graph IRI of a source file, from its path relative to its root."""
    return SOLG + relative_path.replace("\\", "/").lstrip("/")


def compact(iri: str) -> str:
    """``prefix:local`` for an IRI in a known namespace whose local part is simple, else the IRI.

    >>> compact("https://w3id.org/solkg/vocab/sector/energy")
    'sector:energy'
    >>> compact("http://example.org/x")
    'http://example.org/x'
    """
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns):
            local = iri[len(ns):]
            if local and all(c.isalnum() or c in "-_." for c in local) and not local.endswith("."):
                return f"{prefix}:{local}"
    return iri
