"""SELECT and ASK results in the W3C SPARQL Query Results formats (JSON, XML, CSV, TSV), and as a table.

The one writer of these formats: ``solkg query`` and the endpoint of ``solkg serve`` both write
through :func:`write_select` and :func:`write_ask`. The formats follow the SPARQL 1.1
Recommendations, with the SPARQL 1.2 drafts for what 1.1 cannot carry (triple terms, literals
with a base direction):

- JSON: compact (``indent`` for people), ``its:dir`` beside ``xml:lang``, ``"type": "triple"``;
- XML: ``<triple>`` terms, ``its:dir`` on a literal that has one; a character XML 1.0 cannot
  hold (U+0001, ...) is refused with :class:`~solkg.errors.InputError`, never written;
- CSV: CRLF lines, each term's plain value (``_:label`` for blank nodes), fields with ``"``,
  ``,``, CR or LF quoted as RFC 4180 says; triple terms as ``<<( s p o )>>``; a row whose only
  field is empty is written ``""``, so that readers that skip blank lines keep it;
- TSV: LF lines, terms as in Turtle (``\\t``, ``\\n``, ``\\r`` escaped, and U+0085, U+2028, U+2029,
  which some readers take for line ends), unsigned integers, decimals and doubles, and booleans,
  in their abbreviated form when their lexical form allows it (signed numbers in full: rdflib's
  TSV reader cannot read ``-1``).

ASK results in CSV and TSV (which the W3C formats leave out) are written as Jena writes them:
a ``_askResult`` column and one ``true`` or ``false`` row.

>>> x = ox.NamedNode("http://example.org/x")
>>> write_select(["s", "n"], [(x, ox.Literal(3)), (None, ox.Literal("a,b"))], fmt="csv")
b's,n\\r\\nhttp://example.org/x,3\\r\\n,"a,b"\\r\\n'
>>> write_select(["s", "n"], [(x, ox.Literal(3))], fmt="tsv")
b'?s\\t?n\\n<http://example.org/x>\\t3\\n'
>>> write_ask(True, fmt="json")
b'{"head": {}, "boolean": true}\\n'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any, TypeAlias
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..errors import InputError
from ..namespaces import XSD
from ..terms import show_term
from .run import QueryResult

__all__ = [
    "RESULTS_FORMATS",
    "RESULTS_MEDIA",
    "RESULT_FORMATS",
    "Term",
    "render_results",
    "sparql_json_term",
    "write_ask",
    "write_results",
    "write_select",
]

Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
"""A term of a solution."""

RESULTS_MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
"""The W3C SPARQL Query Results formats: format key → media type (JSON, the first, is the default)."""
RESULTS_FORMATS = tuple(RESULTS_MEDIA)
"""The keys of :data:`RESULTS_MEDIA`."""
RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml")
"""What ``solkg query`` writes for SELECT and ASK: a table for people, or one of :data:`RESULTS_FORMATS`.
CONSTRUCT and DESCRIBE results take RDF formats."""

_XSD_STRING = XSD + "string"
_ITS = "http://www.w3.org/2005/11/its"
_SPARQL_RESULTS = "http://www.w3.org/2005/sparql-results#"
_ABBREVIATED = {
    # Turtle's INTEGER, DECIMAL, DOUBLE and BooleanLiteral, unsigned: a literal whose lexical form
    # matches is written bare. A signed number is written in full: rdflib 7's TSV reader reads
    # SPARQL's unsigned NumericLiteral only, and fails on "-0.5" (Turtle allows it).
    XSD + "integer": re.compile(r"[0-9]+"),
    XSD + "decimal": re.compile(r"[0-9]*\.[0-9]+"),
    XSD + "double": re.compile(r"(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
    XSD + "boolean": re.compile(r"true|false"),
}
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold, even as character references."""


def _check_key(fmt: str) -> None:
    if fmt not in RESULTS_MEDIA:
        raise InputError(f"unknown results format '{fmt}' (choose {'|'.join(RESULTS_FORMATS)})")


# -- JSON ------------------------------------------------------------------------------------------


def sparql_json_term(term: Term) -> dict[str, Any]:
    """A term as the SPARQL Query Results JSON format writes it (triple terms and ``its:dir`` as in 1.2).

    >>> sparql_json_term(ox.Literal("chat", language="fr"))
    {'type': 'literal', 'value': 'chat', 'xml:lang': 'fr'}
    """
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": sparql_json_term(term.subject),
                                            "predicate": sparql_json_term(term.predicate),
                                            "object": sparql_json_term(term.object)}}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
        if term.direction is not None:
            out["its:dir"] = term.direction.value
    elif term.datatype.value != _XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _json(doc: dict[str, Any], indent: int | None) -> bytes:
    return (json.dumps(doc, indent=indent, ensure_ascii=False) + "\n").encode()


# -- XML -------------------------------------------------------------------------------------------


def _xml_text(text: str) -> str:
    """Character data that an XML parser gives back unchanged (a CR would be read as LF)."""
    bad = _XML_FORBIDDEN.search(text)
    if bad:
        raise InputError(f"the results hold U+{ord(bad.group()):04X}, a character XML 1.0 cannot carry "
                         f"(in {text[:60]!r}); choose json, csv or tsv")
    return escape(text).replace("\r", "&#13;")


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
                f"</predicate><object>{_xml_term(term.object)}</object></triple>")
    if term.language:
        direction = "" if term.direction is None else (
            f' xmlns:its="{_ITS}" its:version="2.0" its:dir={quoteattr(term.direction.value)}')
        return f"<literal xml:lang={quoteattr(term.language)}{direction}>{_xml_text(term.value)}</literal>"
    if term.datatype.value != _XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{_xml_text(term.value)}</literal>"
    return f"<literal>{_xml_text(term.value)}</literal>"


_XML_HEAD = f'<?xml version="1.0"?>\n<sparql xmlns="{_SPARQL_RESULTS}">\n'


# -- CSV -------------------------------------------------------------------------------------------


def _csv_field(text: str) -> str:
    """RFC 4180: a field with a quote, comma, CR or LF is quoted, its quotes doubled."""
    if '"' in text or "," in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_text(term: Term) -> str:
    """A term's plain value (``STR()``); blank nodes as ``_:label``, triple terms as ``<<( s p o )>>``."""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Triple):
        parts = [_csv_field(_csv_text(term.subject)), _csv_field(_csv_text(term.predicate))]
        obj = term.object
        # an object literal is always between quotes, quoted again with the field
        parts.append('"' + obj.value.replace('"', '""') + '"' if isinstance(obj, ox.Literal)
                     else _csv_field(_csv_text(obj)))
        return "<<( " + " ".join(parts) + " )>>"
    return term.value


def _csv_row(row: Sequence[Term | None]) -> str:
    fields = ["" if t is None else _csv_field(_csv_text(t)) for t in row]
    if fields == [""]:
        return '""'  # an empty line would be skipped by many readers, and the row lost
    return ",".join(fields)


# -- TSV -------------------------------------------------------------------------------------------


def _tsv_term(term: Term) -> str:
    """A term in Turtle syntax on one line (N-Triples escapes ``\\t``, ``\\n``, ``\\r``), numbers bare."""
    if isinstance(term, ox.Triple):
        return f"<<( {_tsv_term(term.subject)} {_tsv_term(term.predicate)} {_tsv_term(term.object)} )>>"
    if isinstance(term, ox.Literal) and not term.language:
        pattern = _ABBREVIATED.get(term.datatype.value)
        if pattern is not None and pattern.fullmatch(term.value):
            return term.value
    return str(term).translate(_OTHER_LINE_BREAKS)


_OTHER_LINE_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}
"""Line breaks for Python's ``str.splitlines`` (and so for many TSV readers) that N-Triples leaves
raw: written as Turtle escapes, so that a row stays one line for every reader."""


# -- the writers -----------------------------------------------------------------------------------


def write_select(variables: Sequence[str], rows: Iterable[Sequence[Term | None]], *, fmt: str,
                 indent: int | None = None) -> bytes:
    """SELECT results (``rows``: one term or ``None`` per variable) in one of :data:`RESULTS_FORMATS`, UTF-8.

    ``indent``: JSON for people (``solkg query`` writes ``indent=2``). Raises
    :class:`~solkg.errors.InputError` for an unknown format, or a value XML 1.0 cannot carry.

    >>> write_select(["x"], [(ox.Literal("a"),), (None,)], fmt="csv")
    b'x\\r\\na\\r\\n""\\r\\n'
    >>> print(write_select(["x"], [(ox.BlankNode("b0"),)], fmt="xml").decode(), end="")
    <?xml version="1.0"?>
    <sparql xmlns="http://www.w3.org/2005/sparql-results#">
    <head>
    <variable name="x"/>
    </head>
    <results>
    <result><binding name="x"><bnode>b0</bnode></binding></result>
    </results>
    </sparql>
    """
    _check_key(fmt)
    variables = list(variables)
    if fmt == "json":
        bindings = [{v: sparql_json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
                    for row in rows]
        return _json({"head": {"vars": variables}, "results": {"bindings": bindings}}, indent)
    if fmt == "xml":
        out = [_XML_HEAD + "<head>"]
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out.append("</head>\n<results>")
        for row in rows:
            out.append("<result>" + "".join(
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(variables, row, strict=True) if t is not None) + "</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode()
    if fmt == "csv":
        lines = [",".join(variables)] + [_csv_row(row) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode()
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join("" if t is None else _tsv_term(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def write_ask(value: bool, *, fmt: str, indent: int | None = None) -> bytes:
    """An ASK result in one of :data:`RESULTS_FORMATS`, UTF-8.

    >>> write_ask(False, fmt="csv")
    b'_askResult\\r\\nfalse\\r\\n'
    """
    _check_key(fmt)
    word = "true" if value else "false"
    if fmt == "json":
        return _json({"head": {}, "boolean": bool(value)}, indent)
    if fmt == "xml":
        return f"{_XML_HEAD}<head/>\n<boolean>{word}</boolean>\n</sparql>\n".encode()
    if fmt == "csv":
        return f"_askResult\r\n{word}\r\n".encode()
    return f"?_askResult\n{word}\n".encode()


def write_results(result: QueryResult, *, fmt: str, indent: int | None = None) -> bytes:
    """The rows of a SELECT, or the answer of an ASK, in one of :data:`RESULTS_FORMATS`."""
    if result.form == "ASK":
        return write_ask(bool(result.boolean), fmt=fmt, indent=indent)
    return write_select(result.variables, result.rows, fmt=fmt, indent=indent)


# -- the table -------------------------------------------------------------------------------------


def _table_cell(term: Term | None) -> str:
    if isinstance(term, ox.Triple):
        return f"<<( {_table_cell(term.subject)} {_table_cell(term.predicate)} {_table_cell(term.object)} )>>"
    text = show_term(term)
    return f"{text}@{term.language}" if isinstance(term, ox.Literal) and term.language else text


def _table(result: QueryResult) -> str:
    if result.form == "ASK":
        return ("true" if result.boolean else "false") + "\n"
    cells = [[_table_cell(t) for t in row] for row in result.rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(result.variables)]
    widths = [min(w, 60) for w in widths]

    def fit(text: str, width: int) -> str:
        return text if len(text) <= width else text[: width - 1] + "…"

    lines = ["  ".join(v.ljust(w) for v, w in zip(result.variables, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for texts in cells:
        lines.append("  ".join(fit(c, w).ljust(w) for c, w in zip(texts, widths, strict=True)).rstrip())
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''}"
                 + (", more available)" if result.truncated else ")"))
    return "\n".join(lines) + "\n"


def render_results(result: QueryResult, fmt: str = "table") -> str:
    """SELECT/ASK results as text: a ``table`` for people, or one of :data:`RESULTS_FORMATS` (JSON indented).

    >>> r = QueryResult(form="SELECT", variables=["x"], rows=[(ox.Literal("a"),)])
    >>> render_results(r, "csv")
    'x\\r\\na\\r\\n'
    """
    if fmt not in RESULT_FORMATS:
        raise InputError(f"unknown results format '{fmt}' (choose {'|'.join(RESULT_FORMATS)})")
    if fmt == "table":
        return _table(result)
    return write_results(result, fmt=fmt, indent=2 if fmt == "json" else None).decode()
