"""Check data and vocabulary: SHACL shapes, ill-typed literals, named SPARQL checks, OWL.

One :class:`Report` gathers every finding. SHACL runs through :mod:`solkg.shacl` (one engine
behind one function); the vocabulary QC rules are the SPARQL files of ``queries/checks/``.

>>> report = check()
>>> report.counts["violation"]
0
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import shacl
from .entail import ENTAILED_GRAPH
from .errors import InputError
from .namespaces import PREFIXES, SOLG, compact
from .query import show_term
from .sources import Source, data_sources, display_path, input_size, project_root, project_sources
from .store import load_sources, scan_ill_typed, temporary_store

__all__ = [
    "SEVERITIES",
    "DISK_THRESHOLD",
    "Finding",
    "Report",
    "SparqlCheck",
    "list_checks",
    "run_sparql_checks",
    "check_store",
    "check",
    "owl_consistency",
    "render_report",
]

SEVERITIES = ("violation", "warning", "info")
"""Most to least severe."""
_RANK = {s: i for i, s in enumerate(SEVERITIES)}
_HEADER = re.compile(r"^#\s*(title|description|severity|message(?:@[a-z]+)?)\s*:\s*(.*?)\s*$")
CHECK_NS = "https://w3id.org/solkg/check/"
"""IRIs of the named SPARQL checks in Turtle reports: ``CHECK_NS + name``."""
DISK_THRESHOLD = 128 * 2**20
"""Partner files bigger than this (bytes, in total) are checked in a temporary on-disk store.

Measured: an in-memory store takes about six times the Turtle file (390 MB for 1.2M triples, 66 MB);
on disk, loading and reading are about three times slower, and peak memory (the bulk load's) was
1.7 GB for 12M triples (a 667 MB file), where memory would have needed about 4 GB for the store alone.
"""


@dataclass(frozen=True, order=True)
class Finding:
    """One problem found, with DESIGN's report fields."""

    source: str
    """File the focus node comes from (path relative to the current folder, or ``file:line``)."""
    severity: str
    check: str
    """The SHACL shape IRI (or ``_:id``), or the name of a SPARQL check."""
    focus: str
    """IRI, or ``_:id``."""
    path: str | None
    value: str | None
    """An N-Triples term."""
    component: str | None
    message: str


@dataclass
class Report:
    """All findings of a check run."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = {s: 0 for s in SEVERITIES}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    @property
    def conforms(self) -> bool:
        """As SHACL defines it: true only when there is no finding at all."""
        return not self.findings

    def fails(self, fail_on: str = "violation") -> bool:
        """True when a finding is at or above ``fail_on``."""
        if fail_on not in _RANK:
            raise InputError(f"--fail-on: choose {'|'.join(SEVERITIES)}")
        return any(_RANK[f.severity] <= _RANK[fail_on] for f in self.findings)

    def to_dict(self) -> dict:
        return {
            "conforms": self.conforms,
            "counts": self.counts,
            "findings": [
                {k: v for k, v in asdict(f).items()}
                for f in self.findings
            ],
        }


@dataclass(frozen=True)
class SparqlCheck:
    """A named SPARQL check of ``queries/checks/``: a SELECT binding ?entity, ?property, ?value."""

    name: str
    title: str
    description: str
    severity: str
    messages: dict
    text: str

    def message(self, lang: str, **values: str) -> str:
        template = self.messages.get(lang) or self.messages.get("en") or self.title
        for key in ("entity", "property", "value"):
            template = template.replace("{" + key + "}", values.get(key) or "")
        return template


def _parse_check(path: Path) -> SparqlCheck:
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    messages: dict[str, str] = {}
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if match:
            key, value = match.groups()
            if key.startswith("message"):
                messages[key.partition("@")[2] or "en"] = value
            else:
                meta[key] = value
    severity = meta.get("severity", "violation")
    if severity not in _RANK:
        raise InputError(f"{display_path(path)}: severity must be one of {', '.join(SEVERITIES)}")
    return SparqlCheck(name=path.stem, title=meta.get("title", path.stem), description=meta.get("description", ""),
                       severity=severity, messages=messages, text=text)


def list_checks(*, root: Path | None = None) -> list[SparqlCheck]:
    """The named SPARQL checks of ``queries/checks/``, sorted by name."""
    folder = (root or project_root()) / "queries" / "checks"
    return [_parse_check(p) for p in sorted(folder.glob("*.rq"))]


def _term_text(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


class _Sources:
    """Maps a focus node to the file it comes from."""

    def __init__(self, store: ox.Store, graph_paths: dict[str, str], data_graphs: Sequence[str] | None):
        self.store = store
        self.graph_paths = graph_paths
        self.order = list(data_graphs or []) + sorted(set(graph_paths) - set(data_graphs or []))
        self.cache: dict[str, str] = {}

    def graph_of(self, focus) -> str | None:
        """The graph a node is described in: the first data graph holding it as subject, else any."""
        if isinstance(focus, ox.Literal):
            return None
        graphs = {q.graph_name.value for q in self.store.quads_for_pattern(focus, None, None)
                  if isinstance(q.graph_name, ox.NamedNode)}
        return next((g for g in self.order if g in graphs), None) or (min(graphs) if graphs else None)

    def __call__(self, focus) -> str:
        key = str(focus)
        if key in self.cache:
            return self.cache[key]
        found = self.graph_of(focus)
        where = self.graph_paths.get(found, found.removeprefix("https://w3id.org/solkg/graph/")) if found else ""
        line = self._line(focus, found)
        if line:  # an imported record: name the tabular file it came from, not the RDF file
            origin = self._origin(focus, found)
            where = origin or where
        self.cache[key] = f"{where}:{line}" if line else where
        return self.cache[key]

    def _origin(self, focus, graph: str) -> str | None:
        """The file an imported node was derived from (``prov:wasDerivedFrom solg:<file>``)."""
        for quad in self.store.quads_for_pattern(focus, ox.NamedNode(PREFIXES["prov"] + "wasDerivedFrom"), None,
                                                 ox.NamedNode(graph)):
            if isinstance(quad.object, ox.NamedNode) and quad.object.value.startswith(SOLG):
                return quad.object.value.removeprefix(SOLG)
        return None

    def _line(self, focus, graph) -> str | None:
        """Imported records carry the line of their source file in ``sol:sourceLine``."""
        if graph is None:
            return None
        for quad in self.store.quads_for_pattern(focus, ox.NamedNode(PREFIXES["sol"] + "sourceLine"), None,
                                                 ox.NamedNode(graph)):
            return quad.object.value
        return None


def run_sparql_checks(store: ox.Store, *, lang: str = "en", sources=None,
                      checks: Iterable[SparqlCheck] | None = None) -> list[Finding]:
    """Run the named SPARQL checks over the union of the store's named graphs."""
    findings = []
    for chk in (list_checks() if checks is None else checks):
        try:
            rows = store.query(chk.text, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise InputError(f"queries/checks/{chk.name}.rq: SPARQL syntax error: {exc}") from None
        for row in rows:
            entity, prop, value = row["entity"], row["property"], row["value"]
            findings.append(Finding(
                source=sources(entity) if sources else "",
                severity=chk.severity,
                check=chk.name,
                focus=_term_text(entity),
                path=prop.value if isinstance(prop, ox.NamedNode) else None,
                value=str(value) if value is not None else None,
                component=None,
                message=chk.message(lang, entity=show_term(entity), property=show_term(prop), value=show_term(value)),
            ))
    return findings


_COMPONENT_MESSAGES = {
    "en": "{component} failed on {focus}{path}{value}",
    "fr": "{component} non respecté sur {focus}{path}{value}",
}


def _shacl_message(result, lang: str) -> str:
    messages = dict(result.messages)
    text = messages.get(lang) or messages.get("en") or next(iter(messages.values()), None)
    if text:
        return text
    component = compact(result.component or "").removeprefix("sh:")
    path = f" ({compact(result.path)})" if result.path else ""
    value = f": {result.value}" if result.value else ""
    return _COMPONENT_MESSAGES.get(lang, _COMPONENT_MESSAGES["en"]).format(
        component=component, focus=compact(result.focus.strip("<>")), path=path, value=value)


DATATYPE_COMPONENT = "http://www.w3.org/ns/shacl#DatatypeConstraintComponent"
_ILL_TYPED = {
    "en": "ill-typed literal {value}: not a valid {datatype} ({reason})",
    "fr": "littéral mal typé {value} : pas un {datatype} valide ({reason})",
}


def _plain(term: str) -> str:
    """An N-Triples IRI without its brackets; blank nodes and literals as they are."""
    return term[1:-1] if term.startswith("<") and term.endswith(">") else term


def _focus_term(text: str):
    if text.startswith("_:"):
        return ox.BlankNode(text[2:])
    return ox.NamedNode(text.strip("<>"))


def check_store(
    store: ox.Store,
    *,
    data_graphs: Sequence[str] | None = None,
    graph_paths: dict[str, str] | None = None,
    lang: str = "en",
    engine: str | None = None,
    sparql_checks: bool = True,
    owl: bool = False,
    ill_typed: Sequence | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Check a store holding ontology, shapes and data graphs (named graphs).

    ``data_graphs`` are the graphs SHACL validates (default: every graph under ``solg:data/`` and
    any graph not from ontology/ or shapes/, nor the derived :data:`~solkg.entail.ENTAILED_GRAPH`);
    ``graph_paths`` maps graphs to file paths shown in
    findings; ``progress`` receives one-line messages as the checks go.
    """
    if lang not in ("en", "fr"):
        raise InputError("--lang: choose en|fr")
    all_graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    shapes_graphs = [g for g in all_graphs if g.startswith("https://w3id.org/solkg/graph/shapes/")]
    ontology_graphs = [g for g in all_graphs if g.startswith("https://w3id.org/solkg/graph/ontology/")]
    partner = data_graphs is not None
    if data_graphs is None:
        data_graphs = [g for g in all_graphs
                       if g not in shapes_graphs and g not in ontology_graphs and g != ENTAILED_GRAPH]
    sources = _Sources(store, graph_paths or {}, data_graphs)
    findings: list[Finding] = []
    if shapes_graphs and data_graphs:
        if progress:
            progress("checking shapes")
        results = shacl.validate(
            store,
            shapes=[ox.NamedNode(g) for g in shapes_graphs],
            data_graphs=[ox.NamedNode(g) for g in [*data_graphs, *ontology_graphs]],
            engine=engine or shacl.DEFAULT_ENGINE,
            progress=(lambda n: progress(f"checking shapes: {n:,} focus nodes done")) if progress else None,
        )
        for result in results:
            findings.append(Finding(
                source=sources(_focus_term(result.focus)),
                severity=result.severity,
                check=_plain(result.shape),
                focus=_plain(result.focus),
                path=result.path,
                value=result.value,
                component=result.component,
                message=_shacl_message(result, lang),
            ))
    reported = {(f.focus, f.value) for f in findings if f.component == DATATYPE_COMPONENT}
    if ill_typed is None:
        if progress:
            progress("looking for ill-typed literals")
        ill_typed = shacl.ill_typed_literals(store, graphs=[ox.NamedNode(g) for g in data_graphs])
    wanted = set(data_graphs)
    for bad in ill_typed:
        if bad.graph is not None and bad.graph not in wanted:
            continue
        focus = _plain(bad.subject)
        if (focus, bad.value) in reported:
            continue  # the shapes already reported this literal through sh:datatype
        findings.append(Finding(
            source=sources(_focus_term(bad.subject)),
            severity="violation",
            check="ill-typed-literal",
            focus=focus,
            path=bad.predicate,
            value=bad.value,
            component=DATATYPE_COMPONENT,
            message=_ILL_TYPED[lang].format(value=bad.value, datatype=compact(bad.datatype), reason=bad.reason),
        ))
    if sparql_checks:
        if progress:
            progress("running the SPARQL checks")
        found = run_sparql_checks(store, lang=lang, sources=sources)
        if partner:  # partner data: report on its own nodes, not on solkg's vocabulary
            wanted = set(data_graphs)
            found = [f for f in found if sources.graph_of(_focus_term(f.focus)) in wanted]
        findings.extend(found)
    if owl:
        if progress:
            progress("checking OWL consistency")
        findings.extend(owl_consistency(store, graphs=ontology_graphs, lang=lang))
    return Report(findings=sorted(findings))


def check(
    paths: Sequence[str | Path] = (),
    *,
    store: ox.Store | None = None,
    lang: str = "en",
    engine: str | None = None,
    owl: bool = False,
    progress: Callable[[str], None] | None = None,
    disk_threshold: int | None = None,
) -> Report:
    """Check the project's data (or the built ``store``), or partner files given in ``paths``.

    Partner files are checked against the project's shapes with its ontology's class hierarchy,
    each file in its own named graph; when they hold more than ``disk_threshold`` bytes (default
    :data:`DISK_THRESHOLD`) they are loaded into a temporary on-disk store, removed afterwards,
    instead of memory. ``progress`` receives one-line messages as the check goes.
    """
    project = project_sources(kinds=("ontology", "shapes"))
    ill_typed: list | None
    options = {"lang": lang, "engine": engine, "owl": owl, "progress": progress}
    if paths:
        extra = data_sources(list(paths))
        sources: list[Source] = project + extra
        data_graphs = [s.graph for s in extra]
        graph_paths = {s.graph: s.shown for s in sources}
        threshold = DISK_THRESHOLD if disk_threshold is None else disk_threshold
        if sum(input_size(s.path) for s in extra) > threshold:
            opened = temporary_store(sources, progress=progress)
        else:
            if progress:
                progress(f"loading {len(extra)} file(s)")
            opened = contextlib.nullcontext(load_sources(sources))
        with opened as partner:
            ill_typed = _scan(extra, progress)
            report = check_store(partner, data_graphs=data_graphs, graph_paths=graph_paths, ill_typed=ill_typed,
                                 **options)
            del partner  # our last reference to an on-disk store: closed before its folder is removed
        return report
    if store is None:
        sources = project_sources()
        store = load_sources(sources)
        ill_typed = _scan([s for s in sources if s.kind == "data"], progress)
    else:  # a built store: literals are checked in their stored (canonical) form
        sources = project_sources()
        ill_typed = None
    graph_paths = {s.graph: s.shown for s in sources}
    return check_store(store, data_graphs=None, graph_paths=graph_paths, ill_typed=ill_typed, **options)


def _scan(sources: list[Source], progress: Callable[[str], None] | None) -> list:
    if progress:
        progress("looking for ill-typed literals")
    return scan_ill_typed(sources)


def owl_consistency(store: ox.Store, *, graphs: Sequence[str], lang: str = "en") -> list[Finding]:
    """OWL 2 DL consistency and unsatisfiable classes of the ontology graphs, with HermiT.

    Needs Java (owlready2 runs HermiT with it): raises :class:`InputError` when it is missing.
    Only the TBox is given to HermiT (it rejects ``xsd:date``, outside the OWL 2 datatype map).
    """
    from .owl import run_hermit

    return [
        Finding(source=display_path(Path(path)) if path else "", severity="violation", check="owl-consistency",
                focus=focus, path=None, value=None, component=None, message=message[lang])
        for focus, path, message in run_hermit(store, graphs=graphs)
    ]


# ---------------------------------------------------------------------------------------------
# Rendering


def render_report(report: Report, fmt: str = "text", *, lang: str = "en") -> str:
    """The report as ``text`` (a table grouped by file), ``json`` (DESIGN's fields) or ``turtle``."""
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "turtle":
        return _report_turtle(report)
    if fmt != "text":
        raise InputError("--format: choose text|json|turtle")
    return _report_text(report, lang=lang)


_LABELS = {
    "en": ("conforms", "{v} violation(s), {w} warning(s), {i} info"),
    "fr": ("conforme", "{v} violation(s), {w} avertissement(s), {i} info"),
}


def _report_text(report: Report, *, lang: str) -> str:
    lines: list[str] = []
    by_file: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_file.setdefault(finding.source.rsplit(":", 1)[0] if finding.source.rsplit(":", 1)[-1].isdigit()
                           else finding.source, []).append(finding)
    for source in sorted(by_file):
        lines.append(source or "(no file)")
        for f in by_file[source]:
            where = compact(f.focus)
            line = f.source.rsplit(":", 1)[-1] if f.source.rsplit(":", 1)[-1].isdigit() else ""
            path = f" {compact(f.path)}" if f.path else ""
            check = compact(f.check) if f.check.startswith("http") else f.check
            at = f"line {line} " if line else ""
            lines.append(f"  {f.severity.upper():<9} {at}{where}{path}: {f.message}  [{check}]")
    counts = report.counts
    summary = _LABELS[lang][1].format(v=counts["violation"], w=counts["warning"], i=counts["info"])
    answer = ("yes", "no") if lang == "en" else ("oui", "non")
    colon = ": " if lang == "en" else " : "
    lines.append(_LABELS[lang][0] + colon + answer[0 if report.conforms else 1] + " — " + summary)
    return "\n".join(lines) + "\n"


def _term(text: str | None):
    if text is None:
        return None
    if text.startswith("_:"):
        return ox.BlankNode(text[2:])
    if text.startswith("<") or text.startswith('"'):
        return next(iter(ox.parse(f"<x:s> <x:p> {text} .".encode(), ox.RdfFormat.N_TRIPLES))).object
    return ox.NamedNode(text)


def _report_turtle(report: Report) -> str:
    sh = "http://www.w3.org/ns/shacl#"
    triples = []
    root = ox.BlankNode("report")
    triples.append(ox.Triple(root, ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(sh + "ValidationReport")))
    triples.append(ox.Triple(root, ox.NamedNode(sh + "conforms"),
                             ox.Literal("true" if report.conforms else "false",
                                        datatype=ox.NamedNode(PREFIXES["xsd"] + "boolean"))))
    sev = {"violation": "Violation", "warning": "Warning", "info": "Info"}
    for i, f in enumerate(report.findings, 1):
        node = ox.BlankNode(f"r{i}")
        triples.append(ox.Triple(root, ox.NamedNode(sh + "result"), node))
        triples.append(ox.Triple(node, ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(sh + "ValidationResult")))
        triples.append(ox.Triple(node, ox.NamedNode(sh + "focusNode"), _term(f.focus)))
        if f.path and not f.path.startswith("("):
            triples.append(ox.Triple(node, ox.NamedNode(sh + "resultPath"), _term(f.path)))
        if f.value:
            triples.append(ox.Triple(node, ox.NamedNode(sh + "value"), _term(f.value)))
        if f.component:
            triples.append(ox.Triple(node, ox.NamedNode(sh + "sourceConstraintComponent"), ox.NamedNode(f.component)))
        shape = f.check if (f.check.startswith("http") or f.check.startswith("_:")) else CHECK_NS + f.check
        triples.append(ox.Triple(node, ox.NamedNode(sh + "sourceShape"), _term(shape)))
        triples.append(ox.Triple(node, ox.NamedNode(sh + "resultSeverity"), ox.NamedNode(sh + sev[f.severity])))
        triples.append(ox.Triple(node, ox.NamedNode(sh + "resultMessage"), ox.Literal(f.message)))
        if f.source:
            triples.append(ox.Triple(node, ox.NamedNode(PREFIXES["dcterms"] + "source"), ox.Literal(f.source)))
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES).decode()
