"""What the HTML pages show, read from the store: labels, resource descriptions, trees, search, map.

Every query here reads the union of the named graphs, passes user input as RDF terms
(substitutions), never as SPARQL text, and is bounded by a LIMIT.

>>> path_for("https://w3id.org/solkg/id/france"), path_for("https://w3id.org/solkg/vocab/sector/food")
('/id/france', '/vocab/sector/food')
>>> path_for("https://w3id.org/solkg/graph/data/seed.ttl")
'/graph/data/seed.ttl'
>>> iri_for("/vocab/sector")
'https://w3id.org/solkg/vocab/sector'
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

import pyoxigraph as ox

from ..namespaces import RDF, RDFS, SOL, SOLD, SOLG, SOLV, compact
from ..store.select import select

__all__ = [
    "ONTOLOGY",
    "path_for",
    "iri_for",
    "href",
    "Labels",
    "Value",
    "Resource",
    "describe",
    "search",
    "home_counts",
    "scheme_tree",
    "schemes",
    "class_tree",
    "direct_superclasses",
    "map_points",
    "resource_triples",
    "ontology_triples",
    "exists",
    "ontology_terms",
]

ONTOLOGY = "https://w3id.org/solkg/ontology"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
DCT = "http://purl.org/dc/terms/"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
LABEL_PROPS = (SKOS + "prefLabel", RDFS + "label")
DEFINITION_PROPS = (SKOS + "definition", RDFS + "comment")
LANGS = ("en", "fr")
MAX_INCOMING = 200
MAX_VALUES = 500

_PREFIX = f"""PREFIX rdf: <{RDF}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{SKOS}>
PREFIX owl: <{OWL}>
PREFIX sol: <{SOL}>
PREFIX geo: <{GEO}>
"""


def path_for(iri: str) -> str | None:
    """The local path that answers for one of our IRIs (``None`` for other IRIs)."""
    if iri == ONTOLOGY:
        return "/ontology"
    if iri.startswith(SOL):
        return "/ontology#" + iri[len(SOL) :]
    for ns, prefix in ((SOLD, "/id/"), (SOLV, "/vocab/"), (SOLG, "/graph/")):
        if iri.startswith(ns) and len(iri) > len(ns):
            return prefix + quote(iri[len(ns) :], safe="/-._~!$&'()*+,;=:@")
    return None


def iri_for(path: str) -> str | None:
    """Our IRI for a local path (``/id/x``, ``/vocab/x``, ``/graph/x``, ``/ontology``)."""
    from urllib.parse import unquote

    if path in ("/ontology", "/ontology/"):
        return ONTOLOGY
    for prefix, ns in (("/id/", SOLD), ("/vocab/", SOLV), ("/graph/", SOLG)):
        if path.startswith(prefix) and len(path) > len(prefix):
            return ns + unquote(path[len(prefix) :])
    return None


def href(iri: str) -> str:
    """Where a link to ``iri`` goes in our pages: our own paths for our IRIs, a resource page else.

    Ontology terms get their full resource page (with instance counts), not the anchor of /ontology.
    """
    if iri.startswith((SOLD, SOLV, SOLG)) or iri == ONTOLOGY:
        return path_for(iri) or "/resource?iri=" + quote(iri, safe="")
    return "/resource?iri=" + quote(iri, safe="")


def _bind(text: str, subs: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """``text`` with ``?name`` replaced by the given RDF terms, in their N-Triples form, which
    pyoxigraph escapes: user input cannot change the query (pyoxigraph's own substitutions want
    the variables in the projection)."""
    for name, term in subs.items():
        if not isinstance(term, (ox.NamedNode, ox.Literal)):
            raise TypeError(f"?{name}: an IRI or a literal, not {type(term).__name__}")
        text = re.sub(r"[?$]" + re.escape(name) + r"\b", _constant(str(term)), text)
    return _PREFIX + text


def _constant(text: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: text


def _q(store: ox.Store, text: str, **subs: ox.NamedNode | ox.Literal) -> ox.QuerySolutions:
    """Run the SELECT ``text`` on the union graph, with ``?name`` replaced by the given RDF terms."""
    return select(store, _bind(text, subs), use_default_graph_as_union=True)


def _ask(store: ox.Store, text: str, **subs: ox.NamedNode | ox.Literal) -> bool:
    """The answer of the ASK ``text`` on the union graph, with ``?name`` replaced by the given RDF terms."""
    return bool(store.query(_bind(text, subs), use_default_graph_as_union=True))


def _values(iris) -> str:
    return " ".join(str(ox.NamedNode(i)) for i in iris)


def _rank(term: ox.Literal, lang: str) -> int:
    tag = (term.language or "").lower().split("-")[0]
    if tag == lang:
        return 0
    if tag in LANGS:
        return 1 + LANGS.index(tag)
    return 5 if not tag else 8


class Labels:
    """Labels of IRIs in one language, fetched in batches and cached for one page."""

    def __init__(self, store: ox.Store, lang: str):
        self.store, self.lang = store, lang
        self._cache: dict[str, tuple[str, str | None]] = {}

    def fetch(self, iris) -> None:
        todo = sorted({i for i in iris if i and i not in self._cache})
        for start in range(0, len(todo), 200):
            chunk = todo[start : start + 200]
            best: dict[str, tuple[int, str, str | None]] = {}
            query = (
                f"SELECT ?s ?p ?l WHERE {{ VALUES ?s {{ {_values(chunk)} }} "
                f"VALUES ?p {{ skos:prefLabel rdfs:label }} ?s ?p ?l FILTER(isLiteral(?l)) }}"
            )
            for row in _q(self.store, query):
                s, p, lit = row["s"].value, row["p"].value, row["l"]
                rank = _rank(lit, self.lang) * 2 + (0 if p == SKOS + "prefLabel" else 1)
                if s not in best or (rank, lit.value) < best[s][:2]:
                    best[s] = (rank, lit.value, lit.language)
            for iri in chunk:
                self._cache[iri] = (best[iri][1], best[iri][2]) if iri in best else (compact(iri), None)

    def get(self, iri: str) -> str:
        if iri not in self._cache:
            self.fetch([iri])
        return self._cache[iri][0]

    def lang_of(self, iri: str) -> str | None:
        if iri not in self._cache:
            self.fetch([iri])
        return self._cache[iri][1]


@dataclass
class Value:
    """A value shown on a page: a link, a literal, or a nested blank node."""

    kind: str  # "iri" | "literal" | "bnode"
    text: str
    href: str | None = None
    iri: str | None = None
    lang: str | None = None
    datatype: str | None = None
    nested: list[tuple[str, str, list[Value]]] = field(default_factory=list)
    """For a blank node: (predicate label, predicate href, values)."""
    graph: str | None = None


@dataclass
class Resource:
    iri: str
    label: str
    label_lang: str | None
    labels: list[tuple[str, str | None]]
    definitions: list[tuple[str, str | None]]
    types: list[Value]
    properties: list[tuple[str, str, str, list[Value]]]
    """(predicate IRI, label, href, values)"""
    incoming: list[tuple[Value, str, str]]
    """(subject, predicate label, predicate href)"""
    incoming_truncated: bool
    graphs: list[str]
    sources: list[Value]
    is_class: bool = False
    instances: int = 0
    direct_instances: int = 0
    subclasses: list[Value] = field(default_factory=list)
    sample_instances: list[Value] = field(default_factory=list)
    is_scheme: bool = False
    tree: list = field(default_factory=list)
    schemes: list[Value] = field(default_factory=list)
    lat: str | None = None
    long: str | None = None


def _value(term, labels: Labels, store: ox.Store, depth: int = 0) -> Value:
    if isinstance(term, ox.NamedNode):
        return Value(
            "iri", labels.get(term.value), href=href(term.value), iri=term.value, lang=labels.lang_of(term.value)
        )
    if isinstance(term, ox.BlankNode):
        value = Value("bnode", "_:" + term.value)
        if depth < 3:
            value.nested = _properties(store, term, labels, depth + 1)
        return value
    if isinstance(term, ox.Literal):
        dt: str | None = term.datatype.value if term.datatype else None
        if term.language or dt in (
            None,
            "http://www.w3.org/2001/XMLSchema#string",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
        ):
            dt = None
        return Value("literal", term.value, lang=term.language or None, datatype=compact(dt) if dt else None)
    return Value("literal", str(term))


def _properties(store, subject, labels: Labels, depth: int = 0):
    pairs = sorted(
        {(q.predicate, q.object) for q in store.quads_for_pattern(subject, None, None, None)},
        key=lambda po: (po[0].value, str(po[1])),
    )[:MAX_VALUES]
    labels.fetch({p.value for p, _ in pairs} | {o.value for _, o in pairs if isinstance(o, ox.NamedNode)})
    grouped: dict[str, list] = defaultdict(list)
    for p, o in pairs:
        grouped[p.value].append(o)
    out = []
    for p, objects in grouped.items():
        vals = [_value(o, labels, store, depth) for o in objects]
        vals.sort(key=lambda v: (v.kind != "literal", v.lang not in (labels.lang, None), v.text.lower()))
        out.append((labels.get(p), href(p), vals))
    return out


def exists(store: ox.Store, iri: str) -> bool:
    node = ox.NamedNode(iri)
    return _ask(store, "ASK { { ?x ?p ?o } UNION { ?s ?p ?x } UNION { ?s ?x ?o } }", x=node)


def describe(store: ox.Store, iri: str, lang: str) -> Resource:
    """Everything the resource page shows about ``iri``."""
    node = ox.NamedNode(iri)
    labels = Labels(store, lang)
    rows = list(_q(store, f"SELECT DISTINCT ?p ?o WHERE {{ ?x ?p ?o }} ORDER BY ?p ?o LIMIT {MAX_VALUES}", x=node))
    incoming_rows = list(
        _q(
            store,
            f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p ?x FILTER(isIRI(?s)) }} ORDER BY ?p ?s LIMIT {MAX_INCOMING + 1}",
            x=node,
        )
    )
    graphs = [
        r["g"].value for r in select(store, f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {node} ?p ?o }} }} ORDER BY ?g")
    ]
    wanted = {iri} | {r["p"].value for r in rows} | {r["o"].value for r in rows if isinstance(r["o"], ox.NamedNode)}
    wanted |= {r["s"].value for r in incoming_rows} | {r["p"].value for r in incoming_rows}
    labels.fetch(wanted)
    all_labels, definitions, types, sources = [], [], [], []
    grouped: dict[str, list] = defaultdict(list)
    lat = long = None
    for r in rows:
        p, o = r["p"].value, r["o"]
        if p in LABEL_PROPS and isinstance(o, ox.Literal):
            all_labels.append((o.value, o.language or None))
        if p in DEFINITION_PROPS[:1] and isinstance(o, ox.Literal):
            definitions.append((o.value, o.language or None))
        if p == RDF + "type" and isinstance(o, ox.NamedNode):
            types.append(_value(o, labels, store))
        if p == DCT + "source":
            sources.append(_value(o, labels, store))
        if p == GEO + "lat":
            lat = o.value
        if p == GEO + "long":
            long = o.value
        grouped[p].append(o)
    definitions.sort(key=lambda d: (d[1] != lang, d[1] or ""))
    if not definitions:
        definitions = sorted(
            ((o.value, o.language or None) for o in grouped.get(RDFS + "comment", []) if isinstance(o, ox.Literal)),
            key=lambda d: (d[1] != lang, d[1] or ""),
        )
    properties = []
    for p, objects in grouped.items():
        vals = [_value(o, labels, store) for o in objects]
        vals.sort(key=lambda v: (v.kind != "literal", v.lang not in (lang, None), v.text.lower()))
        properties.append((p, labels.get(p), href(p), vals))
    order = {RDF + "type": 0, SKOS + "prefLabel": 1, RDFS + "label": 2, SKOS + "altLabel": 3, SKOS + "definition": 4}
    properties.sort(key=lambda t: (order.get(t[0], 9), t[1].lower()))
    incoming = [
        (_value(r["s"], labels, store), labels.get(r["p"].value), href(r["p"].value))
        for r in incoming_rows[:MAX_INCOMING]
    ]
    res = Resource(
        iri=iri,
        label=labels.get(iri),
        label_lang=labels.lang_of(iri),
        labels=sorted(set(all_labels), key=lambda x: (x[1] or "", x[0])),
        definitions=definitions,
        types=types,
        properties=properties,
        incoming=incoming,
        incoming_truncated=len(incoming_rows) > MAX_INCOMING,
        graphs=graphs,
        sources=sources,
        lat=lat,
        long=long,
    )
    type_iris = {t.iri for t in types}
    if type_iris & {OWL + "Class", RDFS + "Class"}:
        _class_details(store, res, labels)
    if SKOS + "ConceptScheme" in type_iris:
        res.is_scheme = True
        res.tree = scheme_tree(store, iri, lang)
    if SKOS + "Concept" in type_iris:
        res.schemes = [
            _value(r["sc"], labels, store)
            for r in _q(
                store,
                "SELECT DISTINCT ?sc WHERE { { ?x skos:inScheme ?sc } UNION { ?x skos:topConceptOf ?sc } } "
                "ORDER BY ?sc",
                x=node,
            )
        ]
    return res


def _class_details(store, res: Resource, labels: Labels) -> None:
    node = ox.NamedNode(res.iri)
    res.is_class = True
    row = next(iter(_q(store, "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i rdf:type/rdfs:subClassOf* ?c }", c=node)))
    res.instances = int(row["n"].value)
    row = next(iter(_q(store, "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i rdf:type ?c }", c=node)))
    res.direct_instances = int(row["n"].value)
    subs = [
        r["s"]
        for r in _q(
            store,
            """SELECT DISTINCT ?s WHERE { ?s rdfs:subClassOf ?c FILTER(isIRI(?s) && ?s != ?c)
            FILTER NOT EXISTS { ?s rdfs:subClassOf ?m . ?m rdfs:subClassOf ?c
                FILTER(?m != ?s && ?m != ?c)
                FILTER NOT EXISTS { ?c rdfs:subClassOf ?m } FILTER NOT EXISTS { ?m rdfs:subClassOf ?s } } }
            ORDER BY ?s LIMIT 200""",
            c=node,
        )
    ]
    inst = [
        r["i"]
        for r in _q(
            store,
            "SELECT DISTINCT ?i WHERE { ?i rdf:type/rdfs:subClassOf* ?c FILTER(isIRI(?i)) } ORDER BY ?i LIMIT 100",
            c=node,
        )
    ]
    labels.fetch([t.value for t in subs + inst])
    res.subclasses = sorted((_value(t, labels, store) for t in subs), key=lambda v: v.text.lower())
    res.sample_instances = sorted((_value(t, labels, store) for t in inst), key=lambda v: v.text.lower())


def search(
    store: ox.Store, text: str, lang: str, limit: int = 50, *, index=None
) -> list[tuple[Value, str, list[Value]]]:
    """Resources whose label (rdfs:label, skos:prefLabel/altLabel, any language) contains ``text``,
    ignoring case and accents (:mod:`solkg.serve.search`; pass a
    :class:`~solkg.serve.search.LabelIndex` to reuse one).

    Returns (resource, the label that matched, types); exact matches first.
    """
    from .search import LabelIndex, fold

    text = " ".join(text.split())
    if not text:
        return []
    found = (index or LabelIndex(store)).find(text, limit=limit)
    rows: list[dict[str, ox.NamedNode | ox.Literal]] = [
        {"s": ox.NamedNode(s), "match": ox.Literal(match)} for s, match, _ in found]
    labels = Labels(store, lang)
    subjects = [r["s"].value for r in rows]
    type_rows = (
        list(
            _q(store, f"SELECT ?s ?t WHERE {{ VALUES ?s {{ {_values(subjects)} }} ?s rdf:type ?t FILTER(isIRI(?t)) }}")
        )
        if subjects
        else []
    )
    types: dict[str, list[str]] = defaultdict(list)
    for r in type_rows:
        types[r["s"].value].append(r["t"].value)
    labels.fetch(subjects + [t for ts in types.values() for t in ts])
    out = []
    for r in rows:
        s = r["s"].value
        ts = sorted((Value("iri", labels.get(t), href=href(t), iri=t) for t in types[s]), key=lambda v: v.text)
        out.append((Value("iri", labels.get(s), href=href(s), iri=s, lang=labels.lang_of(s)), r["match"].value, ts))

    wanted = fold(text)

    def rank(item):
        value, match, _ = item
        exact = fold(value.text) == wanted or fold(match) == wanted
        ns = next((i for i, n in enumerate((SOLD, SOLV, SOL)) if value.iri.startswith(n)), 3)
        return (not exact, ns, value.text.lower())

    out.sort(key=rank)
    return out


def home_counts(store: ox.Store) -> dict[str, int]:
    row = next(
        iter(
            _q(
                store,
                """SELECT
        (COUNT(DISTINCT ?chain) AS ?chains) (COUNT(DISTINCT ?actor) AS ?actors)
        (COUNT(DISTINCT ?territory) AS ?territories) (COUNT(DISTINCT ?policy) AS ?policies)
        (COUNT(DISTINCT ?concept) AS ?concepts) (COUNT(DISTINCT ?scheme) AS ?schemes)
        (COUNT(DISTINCT ?class) AS ?classes)
      WHERE {
        { ?chain rdf:type/rdfs:subClassOf* sol:ShortSupplyChain } UNION { ?actor rdf:type/rdfs:subClassOf* sol:Actor }
        UNION { ?territory rdf:type/rdfs:subClassOf* sol:Territory }
        UNION { ?policy rdf:type/rdfs:subClassOf* sol:PublicPolicy }
        UNION { ?concept a skos:Concept } UNION { ?scheme a skos:ConceptScheme }
        UNION { ?class a owl:Class FILTER(STRSTARTS(STR(?class), STR(sol:))) }
      }""",
            )
        )
    )
    counts = {
        k: int(row[k].value) for k in ("chains", "actors", "territories", "policies", "concepts", "schemes", "classes")
    }
    n = select(store, "SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?g) AS ?g) WHERE { GRAPH ?g { ?s ?p ?o } }")
    row = next(iter(n))
    counts["triples"], counts["graphs"] = int(row["n"].value), int(row["g"].value)
    return counts


@dataclass
class Node:
    value: Value
    children: list[Node] = field(default_factory=list)
    count: int | None = None
    direct: int | None = None
    definition: str | None = None


def _tree(roots: list[str], children: dict[str, list[str]], labels: Labels, seen: frozenset = frozenset()):
    nodes = []
    for iri in sorted(roots, key=lambda i: labels.get(i).lower()):
        if iri in seen:
            continue
        node = Node(Value("iri", labels.get(iri), href=href(iri), iri=iri, lang=labels.lang_of(iri)))
        node.children = _tree(children.get(iri, []), children, labels, seen | {iri})
        nodes.append(node)
    return nodes


def scheme_tree(store: ox.Store, scheme: str, lang: str) -> list[Node]:
    """The concepts of a scheme as a tree: top concepts, then skos:narrower/broader below them."""
    node = ox.NamedNode(scheme)
    concepts = {
        r["c"].value
        for r in _q(
            store,
            """SELECT DISTINCT ?c WHERE {
        { ?c skos:inScheme ?s } UNION { ?c skos:topConceptOf ?s } UNION { ?s skos:hasTopConcept ?c } }""",
            s=node,
        )
    }
    tops = {
        r["c"].value
        for r in _q(
            store, "SELECT DISTINCT ?c WHERE { { ?c skos:topConceptOf ?s } UNION { ?s skos:hasTopConcept ?c } }", s=node
        )
    }
    children: dict[str, list[str]] = defaultdict(list)
    has_parent = set()
    if concepts:
        for r in _q(
            store,
            f"""SELECT DISTINCT ?parent ?child WHERE {{
            VALUES ?parent {{ {_values(concepts)} }}
            {{ ?child skos:broader ?parent }} UNION {{ ?parent skos:narrower ?child }} }}""",
        ):
            if r["child"].value in concepts:
                children[r["parent"].value].append(r["child"].value)
                has_parent.add(r["child"].value)
    roots = tops | (concepts - has_parent)
    labels = Labels(store, lang)
    labels.fetch(concepts)
    definitions: dict[str, ox.Literal] = {}
    if concepts:
        for r in _q(store, f"SELECT ?c ?d WHERE {{ VALUES ?c {{ {_values(concepts)} }} ?c skos:definition ?d }}"):
            prev = definitions.get(r["c"].value)
            if prev is None or _rank(r["d"], lang) < _rank(prev, lang):
                definitions[r["c"].value] = r["d"]
    tree = _tree(sorted(roots), {k: sorted(set(v)) for k, v in children.items()}, labels)

    def annotate(nodes):
        for n in nodes:
            d = definitions.get(n.value.iri)
            n.definition = d.value if d is not None else None
            annotate(n.children)

    annotate(tree)
    return tree


def schemes(store: ox.Store, lang: str) -> list[tuple[Value, int, str | None]]:
    """Concept schemes with their number of concepts and definition."""
    rows = list(
        _q(
            store,
            """SELECT ?s (COUNT(DISTINCT ?c) AS ?n) WHERE {
        ?s a skos:ConceptScheme OPTIONAL { { ?c skos:inScheme ?s } UNION { ?c skos:topConceptOf ?s } } }
        GROUP BY ?s ORDER BY ?s""",
        )
    )
    labels = Labels(store, lang)
    labels.fetch(r["s"].value for r in rows)
    out = []
    for r in rows:
        s = r["s"].value
        defs = sorted(
            _q(store, "SELECT ?d WHERE { ?s skos:definition|rdfs:comment ?d FILTER(isLiteral(?d)) }", s=r["s"]),
            key=lambda x: _rank(x["d"], lang),
        )
        out.append(
            (
                Value("iri", labels.get(s), href=href(s), iri=s, lang=labels.lang_of(s)),
                int(r["n"].value),
                defs[0]["d"].value if defs else None,
            )
        )
    out.sort(key=lambda x: x[0].text.lower())
    return out


def class_tree(store: ox.Store, lang: str) -> list[Node]:
    """solkg's classes as a subclass tree, each with its instance counts (direct; with subclasses)."""
    from ..query.info import info

    summary = info(store, lang=lang)
    counts = {c.iri: c.instances for c in summary.classes}
    direct = {
        r["c"].value: int(r["n"].value)
        for r in _q(
            store,
            """SELECT ?c (COUNT(DISTINCT ?i) AS ?n) WHERE {
        ?c a owl:Class FILTER(STRSTARTS(STR(?c), STR(sol:))) ?i rdf:type ?c } GROUP BY ?c""",
        )
    }
    parents: dict[str, list[str]] = defaultdict(list)
    for r in _q(
        store,
        """SELECT DISTINCT ?c ?sup WHERE { ?c rdfs:subClassOf ?sup
        FILTER(isIRI(?sup) && ?c != ?sup && STRSTARTS(STR(?c), STR(sol:)) && STRSTARTS(STR(?sup), STR(sol:))) }""",
    ):
        parents[r["c"].value].append(r["sup"].value)
    direct_parents = direct_superclasses({c: {s for s in sups if s in counts} for c, sups in parents.items()})
    children: dict[str, list[str]] = defaultdict(list)
    for c, sups in direct_parents.items():
        for s in sups:
            children[s].append(c)
    roots = [c for c in counts if not direct_parents.get(c)]
    labels = Labels(store, lang)
    labels.fetch(counts)
    tree = _tree(roots, children, labels)

    def annotate(nodes):
        for n in nodes:
            n.count, n.direct = counts.get(n.value.iri, 0), direct.get(n.value.iri, 0)
            annotate(n.children)

    annotate(tree)
    return tree


def direct_superclasses(parents: dict[str, set[str]]) -> dict[str, list[str]]:
    """The direct superclasses of each class, from its superclasses (possibly a transitive closure,
    as the store holds one): ``s`` is dropped when another superclass of ``c`` is below ``s``.
    Equivalent classes (each below the other) stay direct superclasses of what is below both.

    >>> direct_superclasses({"FarmShop": {"Food", "Chain"}, "Food": {"Chain"}})
    {'FarmShop': ['Food'], 'Food': ['Chain']}
    """
    def ancestors(c: str) -> set[str]:
        seen: set[str] = set()
        todo = list(parents.get(c, ()))
        while todo:
            s = todo.pop()
            if s not in seen and s != c:
                seen.add(s)
                todo.extend(parents.get(s, ()))
        return seen

    above = {c: ancestors(c) for c in parents}
    out = {}
    for c, sups in parents.items():
        sups = {s for s in sups if s != c}
        out[c] = sorted(
            s for s in sups
            if not any(s in above.get(m, ()) and m not in above.get(s, ()) for m in sups if m != s)
        )
    return out


def map_points(store: ox.Store, lang: str) -> list[dict]:
    """Chains (instances of sol:ShortSupplyChain or a subclass) that carry geo:lat and geo:long."""
    rows = list(
        _q(
            store,
            """SELECT ?c (SAMPLE(?lat0) AS ?lat) (SAMPLE(?long0) AS ?long) (MIN(?t) AS ?type) WHERE {
        ?c geo:lat ?lat0 ; geo:long ?long0 ; rdf:type ?t . ?t rdfs:subClassOf* sol:ShortSupplyChain .
        FILTER(isIRI(?c)) } GROUP BY ?c ORDER BY ?c LIMIT 5000""",
        )
    )
    labels = Labels(store, lang)
    labels.fetch([r["c"].value for r in rows] + [r["type"].value for r in rows])
    out = []
    for r in rows:
        try:
            lat, long = float(r["lat"].value), float(r["long"].value)
        except ValueError:
            continue
        if not (-90 <= lat <= 90 and -180 <= long <= 180):
            continue
        c = r["c"].value
        out.append(
            {
                "iri": c,
                "label": labels.get(c),
                "href": href(c),
                "lat": lat,
                "long": long,
                "type": labels.get(r["type"].value),
                "typeIri": r["type"].value,
            }
        )
    out.sort(key=lambda p: p["label"].lower())
    return out


def resource_triples(store: ox.Store, iri: str) -> list[ox.Triple]:
    """The description of ``iri`` for machines: its triples, and those of the blank nodes it reaches."""
    out: list[ox.Triple] = []
    seen: set = set()
    todo: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(iri)]
    while todo and len(out) < 100000:
        subject = todo.pop()
        if subject in seen:
            continue
        seen.add(subject)
        pairs = {(q.predicate, q.object) for q in store.quads_for_pattern(subject, None, None, None)}
        for p, o in sorted(pairs, key=lambda po: (po[0].value, str(po[1]))):
            out.append(ox.Triple(subject, p, o))
            if isinstance(o, ox.BlankNode):
                todo.append(o)
    return out


def ontology_triples(store: ox.Store) -> list[ox.Triple]:
    """The ontology document: the named graph(s) that declare <https://w3id.org/solkg/ontology>."""
    graphs = [
        r["g"] for r in select(store, f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{ONTOLOGY}> a <{OWL}Ontology> }} }}")
    ]
    if not graphs:
        return resource_triples(store, ONTOLOGY)
    return [
        ox.Triple(r["s"], r["p"], r["o"])
        for g in graphs
        for r in select(store, f"SELECT ?s ?p ?o WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}")
    ]


def ontology_terms(store: ox.Store, lang: str) -> dict[str, list[tuple[Value, str, str | None]]]:
    """The ontology's terms by kind (classes, object/datatype/annotation properties):
    (term, local name for the anchor, definition)."""
    kinds = {
        "classes": OWL + "Class",
        "object_properties": OWL + "ObjectProperty",
        "datatype_properties": OWL + "DatatypeProperty",
        "annotation_properties": OWL + "AnnotationProperty",
    }
    labels = Labels(store, lang)
    out = {}
    for key, kind in kinds.items():
        terms = [
            r["t"].value
            for r in _q(
                store,
                "SELECT DISTINCT ?t WHERE { ?t a ?k FILTER(STRSTARTS(STR(?t), STR(sol:))) }",
                k=ox.NamedNode(kind),
            )
        ]
        labels.fetch(terms)
        defs: dict[str, ox.Literal] = {}
        if terms:
            for r in _q(store, f"SELECT ?t ?d WHERE {{ VALUES ?t {{ {_values(terms)} }} ?t skos:definition ?d }}"):
                prev = defs.get(r["t"].value)
                if prev is None or _rank(r["d"], lang) < _rank(prev, lang):
                    defs[r["t"].value] = r["d"]
        out[key] = sorted(
            (
                (
                    Value("iri", labels.get(t), href=href(t), iri=t, lang=labels.lang_of(t)),
                    t[len(SOL) :],
                    defs[t].value if t in defs else None,
                )
                for t in terms
            ),
            key=lambda x: x[1].lower(),
        )
    return out
