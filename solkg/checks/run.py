"""Running the checks on a store: SHACL shapes, ill-typed literals, named SPARQL checks, OWL.

:func:`check_store` takes a store whose graphs have their roles (:class:`~solkg.store.graphs.Graphs`)
and the run's :class:`CheckOptions`; :class:`solkg.project.Project` prepares both for the project's
own data, a built store, partner files, imports and remote graphs alike.

>>> from solkg.sources import project_sources
>>> from solkg.store import load_sources
>>> store = load_sources(project_sources())
>>> check_store(store, Graphs.of(store)).counts
{'violation': 0, 'warning': 0, 'info': 0}
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import InputError
from ..findings import Finding, Report
from ..namespaces import compact
from ..store.graphs import Graphs
from . import shacl
from .literals import IllTypedLiteral, SourceLiterals, as_written, ill_typed_literals
from .origin import Origins
from .owl import owl_consistency
from .sparql import run_sparql_checks

__all__ = ["LANGS", "CheckOptions", "check_store"]

LANGS = ("en", "fr")
"""Languages of the findings' messages."""
DATATYPE_COMPONENT = ox.NamedNode("http://www.w3.org/ns/shacl#DatatypeConstraintComponent")
_ILL_TYPED = {
    "en": "ill-typed literal {value}: not a valid {datatype} ({reason})",
    "fr": "littéral mal typé {value} : pas un {datatype} valide ({reason})",
}
_COMPONENT_MESSAGES = {
    "en": "{component} failed on {focus}{path}{value}",
    "fr": "{component} non respecté sur {focus}{path}{value}",
}


@dataclass(frozen=True)
class CheckOptions:
    """How a check runs: the language of the messages, the SHACL validator (one of
    :data:`solkg.checks.shacl.VALIDATORS`, default the ``sparql`` one), whether the named SPARQL
    checks and the OWL consistency check (needs Java) run, and where progress messages go."""

    lang: str = "en"
    validator: str | None = None
    sparql_checks: bool = True
    owl: bool = False
    progress: Callable[[str], None] | None = None

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise InputError(f"language {self.lang!r}: choose {'|'.join(LANGS)}")
        if self.validator is not None and self.validator not in shacl.VALIDATORS:
            raise InputError(f"unknown SHACL validator {self.validator!r}: choose {'|'.join(shacl.VALIDATORS)}")

    def say(self, message: str) -> None:
        if self.progress:
            self.progress(message)


def _shacl_message(result: shacl.ShaclResult, lang: str) -> str:
    messages = dict(result.messages)
    text = messages.get(lang) or messages.get("en") or next(iter(messages.values()), None)
    if text:
        return text
    component = compact(result.component or "").removeprefix("sh:")
    path = f" ({compact(result.path)})" if result.path else ""
    value = f": {result.value}" if result.value is not None else ""
    focus = compact(result.focus.value) if isinstance(result.focus, ox.NamedNode) else str(result.focus)
    return _COMPONENT_MESSAGES[lang].format(component=component, focus=focus, path=path, value=value)


def _shape_finding(result: shacl.ShaclResult, lang: str) -> Finding:
    shape = result.shape
    return Finding(
        severity=result.severity,
        check=shape.value if isinstance(shape, ox.NamedNode) else f"_:{shape.value}",
        focus=result.focus,
        message=_shacl_message(result, lang),
        path=ox.NamedNode(result.path) if result.path and not result.path.startswith(("(", "^", "<")) else result.path,
        value=result.value,
        component=ox.NamedNode(result.component) if result.component else None,
        shape=shape,
    )


def _ill_typed_finding(bad: IllTypedLiteral, lang: str) -> Finding:
    return Finding(
        severity="violation",
        check="ill-typed-literal",
        focus=bad.subject,
        message=_ILL_TYPED[lang].format(value=bad.value, datatype=compact(bad.datatype), reason=bad.reason),
        path=bad.predicate,
        value=bad.value,
        component=DATATYPE_COMPONENT,
    )


def _spelling_key(f: Finding) -> tuple[ox.NamedNode, ox.NamedNode] | None:
    """The (focus, predicate) pair whose written literal a finding's value is, if it has one."""
    if isinstance(f.value, ox.Literal) and isinstance(f.focus, ox.NamedNode) and isinstance(f.path, ox.NamedNode):
        return (f.focus, f.path)
    return None


def _spelled(findings: list[Finding]) -> set[tuple[ox.NamedNode, ox.NamedNode]]:
    return {k for f in findings if (k := _spelling_key(f)) is not None}


def _as_written(sources: SourceLiterals, findings: list[Finding]) -> tuple[list[IllTypedLiteral], list[Finding]]:
    """The sources' ill-typed literals, and the findings with each literal value as the data wrote it."""
    key = _spelling_key
    bad, spellings = sources.scan(_spelled(findings))
    out = []
    for f in findings:
        k = key(f)
        if k is not None and k in spellings and isinstance(f.value, ox.Literal):
            f = dataclasses.replace(f, value=as_written(f.value, spellings[k]))
        out.append(f)
    return bad, out


def _sparql_checks(store: ox.Store, graphs: Graphs, options: CheckOptions, locate: Origins) -> list[Finding]:
    options.say("running the SPARQL checks")
    found = run_sparql_checks(store, lang=options.lang, locate=locate)
    if graphs.partner:  # partner data: report on its own nodes, not on solkg's vocabulary
        data = set(graphs.data)
        found = [f for f in found if locate.graph_of(f.focus) in data]
    return found


def check_store(
    store: ox.Store,
    graphs: Graphs,
    *,
    options: CheckOptions | None = None,
    paths: dict[str, str] | None = None,
    literals: Sequence[IllTypedLiteral] | SourceLiterals | None = None,
    workers: int = 1,
    store_folder: str | None = None,
) -> Report:
    """Check the data graphs of ``store`` against its shapes graphs, with its ontology graphs'
    class hierarchy (SHACL reads it from the data graph: no inference is run).

    ``paths`` maps graph IRIs to the file paths findings show. ``literals``: the sources the data
    came from (:class:`~solkg.checks.literals.SourceLiterals`), read once after the shapes ran, for
    their ill-typed literals and the data's own spelling of each reported value (the store
    canonicalises them); or the ill-typed literals already found; ``None`` scans the store's
    literals (a built store: values are then reported in their stored, canonical form). With partner data
    (``graphs.partner``), the named SPARQL checks report on the partner's nodes only. ``workers``:
    processes checking the shapes side by side (:func:`solkg.checks.shacl.validate`); for an
    on-disk store, more than 1 only with its ``store_folder`` (the workers open it read only).
    """
    options = options or CheckOptions()
    locate = Origins(store, paths or {}, graphs.data)
    findings: list[Finding] = []
    if graphs.shapes and graphs.data:
        options.say("checking shapes")
        results = shacl.validate(
            store,
            shapes=[ox.NamedNode(g) for g in graphs.shapes],
            data_graphs=[ox.NamedNode(g) for g in [*graphs.data, *graphs.ontology]],
            validator=options.validator or shacl.DEFAULT_VALIDATOR,
            progress=(lambda n: options.say(f"checking shapes: {n:,} focus nodes done")) if options.progress else None,
            workers=workers,
            store_folder=store_folder,
        )
        findings.extend(locate(_shape_finding(result, options.lang)) for result in results)
    if isinstance(literals, SourceLiterals):
        literals.prepare(_spelled(findings))  # read in the background, if any, while the SPARQL checks run
    found = _sparql_checks(store, graphs, options, locate) if options.sparql_checks else []
    if isinstance(literals, SourceLiterals):
        options.say("looking for ill-typed literals")
        literals, findings = _as_written(literals, findings)
    reported = {(f.focus, f.value) for f in findings if f.component == DATATYPE_COMPONENT}
    if literals is None:
        options.say("looking for ill-typed literals")
        literals = ill_typed_literals(store, graphs=[ox.NamedNode(g) for g in graphs.data])
    data = set(graphs.data)
    for bad in literals:
        if bad.graph is not None and bad.graph not in data:
            continue
        finding = _ill_typed_finding(bad, options.lang)
        if (finding.focus, finding.value) not in reported:  # else the shapes reported it through sh:datatype
            findings.append(locate(finding))
    findings.extend(found)
    if options.owl:
        options.say("checking OWL consistency")
        sources = {g: (paths or {}).get(g, "") for g in graphs.ontology}
        findings.extend(owl_consistency(store, graphs=list(sources), lang=options.lang))
    return Report(findings)
