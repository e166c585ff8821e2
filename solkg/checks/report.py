"""A :class:`~solkg.findings.Report` as ``text`` (grouped by file), ``json`` or ``turtle`` (SHACL).

In Turtle, the findings of SHACL shapes are ``sh:result`` values (``sh:ValidationResult`` with
their real ``sh:sourceShape``); findings of solkg's other checks (ill-typed literals, the checks
of ``queries/checks/``, OWL consistency, import checks) are ``sol:checkResult`` values typed
``sol:CheckResult`` with ``sol:check`` naming the check: no invented shape, and ``sh:conforms``
means what SHACL says (no ``sh:result``).

>>> import pyoxigraph as ox
>>> from solkg.findings import Finding, Report
>>> f = Finding(severity="violation", check="ill-typed-literal", focus=ox.NamedNode("urn:x"), message="bad")
>>> print(render_report(Report([f]), "text"), end="")
(no file)
  VIOLATION urn:x: bad  [ill-typed-literal]
conforms: no — 1 violation(s), 0 warning(s), 0 info
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from ..findings import Finding, Report
from ..namespaces import PREFIXES, SOL, compact

__all__ = ["CHECK_NS", "REPORT_FORMATS", "render_report"]

CHECK_NS = "https://w3id.org/solkg/check/"
"""IRIs of solkg's named checks in Turtle reports: ``CHECK_NS + name``."""
REPORT_FORMATS = ("text", "json", "turtle")

_LABELS = {
    "en": ("conforms", "{v} violation(s), {w} warning(s), {i} info"),
    "fr": ("conforme", "{v} violation(s), {w} avertissement(s), {i} info"),
}


def render_report(report: Report, fmt: str = "text", *, lang: str = "en") -> str:
    """The report as ``text`` (findings grouped by file), ``json`` or ``turtle`` (a SHACL report)."""
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "turtle":
        return _report_turtle(report)
    if fmt != "text":
        raise ValueError(f"unknown report format {fmt!r}: choose {'|'.join(REPORT_FORMATS)}")
    return _report_text(report, lang=lang)


def _report_text(report: Report, *, lang: str) -> str:
    lines: list[str] = []
    by_file: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_file.setdefault(finding.source, []).append(finding)
    words = {"line": "line" if lang == "en" else "ligne", "record": "record" if lang == "en" else "enregistrement"}
    for source in sorted(by_file):
        lines.append(source or "(no file)")
        for f in by_file[source]:
            where = compact(f.focus.value) if isinstance(f.focus, ox.NamedNode) else str(f.focus)
            path = f" {compact(f.path_text)}" if f.path_text else ""
            check = compact(f.check) if f.check.startswith("http") else f.check
            at = ""
            if f.record is not None:  # an imported record: its number, and its line where known
                at = f"{words['record']} {f.record} " + (f"({words['line']} {f.line}) " if f.line is not None else "")
            elif f.line is not None:
                at = f"{words['line']} {f.line} "
            lines.append(f"  {f.severity.upper():<9} {at}{where}{path}: {f.message}  [{check}]")
    counts = report.counts
    summary = _LABELS[lang][1].format(v=counts["violation"], w=counts["warning"], i=counts["info"])
    answer = ("yes", "no") if lang == "en" else ("oui", "non")
    colon = ": " if lang == "en" else " : "
    lines.append(_LABELS[lang][0] + colon + answer[0 if report.conforms else 1] + " — " + summary)
    return "\n".join(lines) + "\n"


def _report_turtle(report: Report) -> str:
    sh = "http://www.w3.org/ns/shacl#"
    N = ox.NamedNode
    a = N(PREFIXES["rdf"] + "type")
    boolean = N(PREFIXES["xsd"] + "boolean")
    integer = N(PREFIXES["xsd"] + "integer")
    triples = []
    root = ox.BlankNode("report")
    shape_results = [f for f in report.findings if f.shape is not None]
    triples.append(ox.Triple(root, a, N(sh + "ValidationReport")))
    conforms = ox.Literal("false" if shape_results else "true", datatype=boolean)
    triples.append(ox.Triple(root, N(sh + "conforms"), conforms))
    severities = {"violation": "Violation", "warning": "Warning", "info": "Info"}
    for i, f in enumerate(report.findings, 1):
        node = ox.BlankNode(f"r{i}")
        if f.shape is not None:
            triples.append(ox.Triple(root, N(sh + "result"), node))
            triples.append(ox.Triple(node, a, N(sh + "ValidationResult")))
            triples.append(ox.Triple(node, N(sh + "sourceShape"), f.shape))
        else:
            triples.append(ox.Triple(root, N(SOL + "checkResult"), node))
            triples.append(ox.Triple(node, a, N(SOL + "CheckResult")))
            triples.append(ox.Triple(node, N(SOL + "check"), N(CHECK_NS + f.check)))
        triples.append(ox.Triple(node, N(sh + "focusNode"), f.focus))
        if isinstance(f.path, ox.NamedNode):  # a complex path is kept as text in the message only
            triples.append(ox.Triple(node, N(sh + "resultPath"), f.path))
        if f.value is not None:
            triples.append(ox.Triple(node, N(sh + "value"), f.value))
        if f.component is not None:
            triples.append(ox.Triple(node, N(sh + "sourceConstraintComponent"), f.component))
        severity = severities.get(f.severity)
        triples.append(ox.Triple(node, N(sh + "resultSeverity"), N(sh + severity) if severity else N(f.severity)))
        triples.append(ox.Triple(node, N(sh + "resultMessage"), ox.Literal(f.message)))
        if f.source:
            triples.append(ox.Triple(node, N(PREFIXES["dcterms"] + "source"), ox.Literal(f.source)))
        if f.line is not None:
            triples.append(ox.Triple(node, N(SOL + "sourceLine"), ox.Literal(str(f.line), datatype=integer)))
        if f.record is not None:
            triples.append(ox.Triple(node, N(SOL + "sourceRecord"), ox.Literal(str(f.record), datatype=integer)))
    return bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b"").decode()
