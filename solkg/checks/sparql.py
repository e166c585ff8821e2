"""The named SPARQL checks of ``queries/checks/``: vocabulary quality rules as SELECT queries.

Each file binds ``?entity``, ``?property`` and ``?value`` and has a header of ``# title:``,
``# description:``, ``# severity:`` and ``# message@LANG:`` lines (``{entity}``, ``{property}``,
``{value}`` in a message are replaced by the row's terms).

>>> [c.name for c in list_checks()][:2]
['broader-cycle', 'concept-without-scheme']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError
from ..findings import SEVERITIES, Finding
from ..query.named import header_lines, read_query_text
from ..sources import display_path, project_root
from ..store.select import select
from ..terms import show_term

__all__ = ["SparqlCheck", "list_checks", "run_sparql_checks"]


@dataclass(frozen=True)
class SparqlCheck:
    """A named SPARQL check: a SELECT binding ?entity, ?property, ?value."""

    name: str
    title: str
    description: str
    severity: str
    messages: dict[str, str] = field(hash=False)
    text: str

    def message(self, lang: str, **values: str) -> str:
        template = self.messages.get(lang) or self.messages.get("en") or self.title
        for key in ("entity", "property", "value"):
            template = template.replace("{" + key + "}", values.get(key) or "")
        return template


def _read_check(path: Path) -> SparqlCheck:
    text = read_query_text(path)
    meta: dict[str, str] = {}
    messages: dict[str, str] = {}
    for _, key, value in header_lines(text, {"title", "description", "severity", "message"}):
        if key.startswith("message"):
            messages[key.partition("@")[2] or "en"] = value
        else:
            meta[key] = value
    severity = meta.get("severity", "violation")
    if severity not in SEVERITIES:
        raise InputError(f"{display_path(path)}: severity must be one of {', '.join(SEVERITIES)}")
    return SparqlCheck(name=path.stem, title=meta.get("title", path.stem), description=meta.get("description", ""),
                       severity=severity, messages=messages, text=text)


def list_checks(*, root: Path | None = None) -> list[SparqlCheck]:
    """The named SPARQL checks of ``queries/checks/``, sorted by name."""
    folder = (root or project_root()) / "queries" / "checks"
    return [_read_check(p) for p in sorted(folder.glob("*.rq"))]


def run_sparql_checks(store: ox.Store, *, lang: str = "en", locate: Callable[[Finding], Finding] | None = None,
                      checks: Iterable[SparqlCheck] | None = None) -> list[Finding]:
    """Run the named SPARQL checks over the union of the store's named graphs.

    ``locate`` gives each finding its source file and line (see :class:`solkg.checks.origin.Origins`).
    """
    findings = []
    for chk in (list_checks() if checks is None else checks):
        try:
            rows = select(store, chk.text, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise InputError(f"queries/checks/{chk.name}.rq: SPARQL syntax error: {exc}") from None
        for row in rows:
            entity, prop, value = row["entity"], row["property"], row["value"]
            finding = Finding(
                severity=chk.severity,
                check=chk.name,
                focus=entity,
                path=prop if isinstance(prop, ox.NamedNode) else None,
                value=value,
                message=chk.message(lang, entity=show_term(entity), property=show_term(prop), value=show_term(value)),
            )
            findings.append(locate(finding) if locate else finding)
    return findings
