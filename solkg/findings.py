"""The findings model: what every check of solkg reports (a leaf module: it imports no other of solkg's).

A :class:`Finding` carries RDF terms as pyoxigraph terms, and where it was found as a file with its
line or record number apart; a :class:`Report` gathers findings. SHACL shapes, ill-typed literals,
the named SPARQL checks, OWL consistency, the importer's row checks and remote checks all produce
the same objects; renderers (text, JSON, SHACL Turtle) live in :mod:`solkg.checks.report`.

>>> import pyoxigraph as ox
>>> f = Finding(severity="warning", check="import-duplicate", focus=ox.NamedNode("https://w3id.org/solkg/id/a"),
...             message="probable duplicate", source="coops.csv", line=4)
>>> f.where
'coops.csv:4'
>>> Report([f]).counts
{'violation': 0, 'warning': 1, 'info': 0}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

import pyoxigraph as ox

__all__ = [
    "SEVERITIES",
    "Severity",
    "Term",
    "Finding",
    "Report",
    "severity_rank",
    "term_text",
]

SEVERITIES: tuple[str, ...] = ("violation", "warning", "info")
"""Most to least severe."""
Severity: TypeAlias = Literal["violation", "warning", "info"]
Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal
"""An RDF term a finding names (pyoxigraph)."""
_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def severity_rank(severity: str) -> int:
    """0 for violation, 1 for warning, 2 for info; ``ValueError`` for anything else.

    >>> severity_rank("warning")
    1
    """
    try:
        return _RANK[severity]
    except KeyError:
        raise ValueError(f"unknown severity {severity!r}: choose {'|'.join(SEVERITIES)}") from None


def term_text(term: Term | None) -> str | None:
    """An IRI without brackets, ``_:id`` for a blank node, N-Triples for a literal (report fields).

    >>> term_text(ox.NamedNode("urn:x")), term_text(ox.BlankNode("b1")), term_text(ox.Literal("a", language="fr"))
    ('urn:x', '_:b1', '"a"@fr')
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


@dataclass(frozen=True)
class Finding:
    """One problem found.

    ``check`` names what found it: a SHACL shape (its IRI, or ``_:id``; then ``shape`` holds the
    shape's term) or a named check of solkg's (``ill-typed-literal``, a file of
    ``queries/checks/``, ``owl-consistency``, ``import-...``; then ``shape`` is ``None``).
    ``path`` is the predicate (a NamedNode) or the text of a SPARQL property path.
    ``value`` is the offending term as the data wrote it. ``source`` is the file the focus node
    comes from (relative to the current folder), ``line`` the line in that file and ``record``
    the record number (first = 1) for imported files, when known.
    """

    severity: str
    check: str
    focus: Term
    message: str
    path: ox.NamedNode | str | None = None
    value: Term | None = None
    component: ox.NamedNode | None = None
    shape: ox.NamedNode | ox.BlankNode | None = None
    source: str = ""
    line: int | None = None
    record: int | None = None

    @property
    def where(self) -> str:
        """``file``, ``file:line`` or ``file#record``: for people, never to be parsed back."""
        if self.line is not None:
            return f"{self.source}:{self.line}"
        if self.record is not None:
            return f"{self.source}#{self.record}"
        return self.source

    @property
    def path_text(self) -> str | None:
        """The path as the report fields write it: the predicate's IRI, or the path text."""
        return self.path.value if isinstance(self.path, ox.NamedNode) else self.path

    def sort_key(self) -> tuple:
        """File, then line and record numerically, then severity, check, focus, path, value, message."""
        return (
            self.source, self.line or 0, self.record or 0, _RANK.get(self.severity, 9), self.check,
            term_text(self.focus) or "", self.path_text or "", term_text(self.value) or "",
            self.component.value if self.component else "", self.message,
        )

    def to_dict(self) -> dict:
        """The JSON report's fields (terms as text: IRIs bare, literals in N-Triples)."""
        return {
            "source": self.source,
            "line": self.line,
            "record": self.record,
            "severity": self.severity,
            "check": self.check,
            "focus": term_text(self.focus),
            "path": self.path_text,
            "value": term_text(self.value),
            "component": self.component.value if self.component else None,
            "message": self.message,
        }


@dataclass
class Report:
    """All findings of a check run, kept sorted (:meth:`Finding.sort_key`)."""

    findings: list[Finding] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.findings = sorted(self.findings, key=Finding.sort_key)

    @classmethod
    def merge(cls, *parts: Report | Iterable[Finding]) -> Report:
        """One report of the findings of several reports or lists."""
        found: list[Finding] = []
        for part in parts:
            found.extend(part.findings if isinstance(part, Report) else part)
        return cls(found)

    @property
    def counts(self) -> dict[str, int]:
        counts = {s: 0 for s in SEVERITIES}
        for finding in self.findings:
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
        return counts

    @property
    def conforms(self) -> bool:
        """As SHACL defines it: true only when there is no finding at all."""
        return not self.findings

    def fails(self, fail_on: str = "violation") -> bool:
        """True when a finding is at or above ``fail_on`` (``ValueError`` for an unknown severity)."""
        rank = severity_rank(fail_on)
        return any(_RANK.get(f.severity, 9) <= rank for f in self.findings)

    def to_dict(self) -> dict:
        return {"conforms": self.conforms, "counts": self.counts, "findings": [f.to_dict() for f in self.findings]}
