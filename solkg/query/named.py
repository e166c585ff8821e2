"""Named queries: ``queries/<name>.rq`` files and their header (the model of a query).

A named query has a header of ``# title:``, ``# description:`` and ``# param: NAME KIND [default]``
lines (KIND: ``iri``, ``literal``, ``decimal``, ``integer``, ``date``). The same ``# key: value``
reader serves the quality checks of ``queries/checks/`` (:func:`header_lines`).

>>> q = get_query("concepts-of-scheme")
>>> q.form, [p.name for p in q.params][:1]
('SELECT', ['scheme'])
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..limits import check_query
from ..sources import display_path, project_root

__all__ = [
    "PARAM_KINDS",
    "Param",
    "NamedQuery",
    "header_lines",
    "query_form",
    "read_query_text",
    "load_query",
    "list_queries",
    "get_query",
    "adhoc_query",
]

_HEADER_LINE = re.compile(r"^#\s*([A-Za-z][\w-]*(?:@[a-z]+)?)\s*:\s*(.*?)\s*$")
_FORM = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.I)
PAGE_LINE = re.compile(r"^([ \t]*)#[ \t]*page[ \t]*$", re.M)
"""A ``# page`` line (see :func:`solkg.query.params.inject_page`)."""

TYPED_KINDS = {  # kind: (XSD datatype, lexical form, what to write)
    "decimal": ("decimal", re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"), "a decimal number such as 45.2"),
    "integer": ("integer", re.compile(r"[+-]?\d+"), "an integer such as 1"),
    "date": ("date", re.compile(r"-?\d{4,}-\d\d-\d\d"), "a date such as 2019-11-21"),
}
PARAM_KINDS = ("iri", "literal", *TYPED_KINDS)
"""Kinds of ``# param:`` lines."""


@dataclass(frozen=True)
class Param:
    """A parameter of a named query."""

    name: str
    kind: str
    """``iri``, ``literal`` (a plain string), or a literal checked and typed as ``decimal``,
    ``integer`` or ``date`` (XSD lexical forms)."""
    default: str | None = None


@dataclass(frozen=True)
class NamedQuery:
    """A SPARQL query with its header."""

    name: str
    text: str
    title: str = ""
    description: str = ""
    params: tuple[Param, ...] = ()
    path: Path | None = None

    @property
    def form(self) -> str:
        """``SELECT``, ``CONSTRUCT``, ``ASK`` or ``DESCRIBE``."""
        try:
            return query_form(self.text)
        except InputError:
            where = display_path(self.path) if self.path else self.name
            raise InputError(f"{where}: not a SELECT, CONSTRUCT, ASK or DESCRIBE query") from None

    def to_dict(self) -> dict:
        """Name, title, description, form and parameters (``solkg queries --format json``)."""
        return {"name": self.name, "title": self.title, "description": self.description, "form": self.form,
                "params": [{"name": p.name, "kind": p.kind, "default": p.default} for p in self.params]}


def header_lines(text: str, keys: frozenset[str] | set[str]) -> Iterator[tuple[int, str, str]]:
    """``(line number, key, value)`` of each ``# key: value`` comment line whose key (before any
    ``@lang``) is one of ``keys``, anywhere in ``text``.

    >>> list(header_lines("# title: A\\n# message@fr: B\\nSELECT * {}", {"title", "message"}))
    [(1, 'title', 'A'), (2, 'message@fr', 'B')]
    """
    for number, line in enumerate(text.splitlines(), 1):
        match = _HEADER_LINE.match(line.strip())
        if match and match.group(1).partition("@")[0] in keys:
            yield number, match.group(1), match.group(2)


def read_query_text(path: Path) -> str:
    """The UTF-8 text of a ``.rq`` file; one-line errors naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{display_path(path)}: no such file") from None
    except UnicodeDecodeError:
        raise InputError(f"{display_path(path)}: not UTF-8") from None
    except OSError as exc:
        raise InputError(f"{display_path(path)}: cannot read: {exc.strerror}") from None


def query_form(text: str) -> str:
    """The query form of SPARQL text, from its first keyword outside comments and IRIs."""
    body = re.sub(r"<[^>\s]*>", "<>", text)  # IRIs first: they may hold a '#'
    body = re.sub(r"#[^\n]*", "", body)
    match = _FORM.search(body)
    if not match:
        raise InputError("query: not a SELECT, CONSTRUCT, ASK or DESCRIBE query")
    return match.group(1).upper()


def load_query(path: Path, *, name: str | None = None) -> NamedQuery:
    """Read a ``.rq`` file and its header."""
    text = read_query_text(path)
    title = description = ""
    params: list[Param] = []
    for number, key, value in header_lines(text, {"title", "description", "param"}):
        if key == "title":
            title = value
        elif key == "description":
            description = (description + " " + value).strip()
        else:
            parts = value.split(None, 2)
            if len(parts) < 2 or parts[1] not in PARAM_KINDS:
                raise InputError(f"{display_path(path)}:{number}: bad '# param:' line, "
                                 f"want 'NAME {'|'.join(PARAM_KINDS)} [default]'")
            params.append(Param(parts[0], parts[1], parts[2] if len(parts) > 2 else None))
    check_query(text, where=display_path(path))  # nesting (solkg.limits)
    pages = [text.count("\n", 0, m.start()) + 1 for m in PAGE_LINE.finditer(text)]
    if len(pages) > 1:
        raise InputError(f"{display_path(path)}:{pages[1]}: a second '# page' line; a query pages in one place")
    return NamedQuery(name=name or path.stem, text=text, title=title, description=description,
                      params=tuple(params), path=path)


def list_queries(*, root: Path | None = None) -> list[NamedQuery]:
    """The named queries of ``queries/`` (not ``queries/checks/``), sorted by name."""
    folder = (root or project_root()) / "queries"
    return [load_query(p) for p in sorted(folder.glob("*.rq"))]


def get_query(name_or_path: str) -> NamedQuery:
    """A named query by name, or a ``.rq`` file by path; unknown names list the close ones."""
    if name_or_path.endswith(".rq") or "/" in name_or_path:
        return load_query(Path(name_or_path))
    known = {q.name: q for q in list_queries()}
    if name_or_path in known:
        return known[name_or_path]
    close = difflib.get_close_matches(name_or_path, list(known), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(known)}"
    raise InputError(f"unknown query '{name_or_path}'{hint}")


def adhoc_query(text: str) -> NamedQuery:
    """Wrap SPARQL text given on the command line."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # bytes of the command line that no UTF-8 character makes
        raise InputError("query: not UTF-8") from None
    check_query(text)  # nesting (solkg.limits)
    return NamedQuery(name="query", text=text)
