"""Running a query on the embedded store (remote endpoints: :mod:`solkg.remote`).

>>> from solkg.store import add_entailed, load_sources
>>> from solkg.sources import project_sources
>>> store = load_sources(project_sources())
>>> _ = add_entailed(store)  # as solkg build does: the named queries join the vocabulary's closures
>>> result = run_query(get_query("concepts-of-scheme"), store=store, params={"lang": "fr"})
>>> result.form, len(result.rows) >= 5
('SELECT', True)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import islice

import pyoxigraph as ox

from ..errors import InputError
from ..limits import call_with_stack, check_query
from ..sources import display_path
from .named import NamedQuery, get_query  # noqa: F401 (doctest)
from .params import bind_params, dataset_options, inject_page, inject_values, uses_service

__all__ = ["DEFAULT_LIMIT", "QueryResult", "run_query"]

DEFAULT_LIMIT = 1000
"""Rows per page unless told."""
_SPARQL_POS = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


@dataclass
class QueryResult:
    """Rows of a SELECT, the answer of an ASK, or the triples of a CONSTRUCT/DESCRIBE."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    """One tuple of pyoxigraph terms (or ``None`` when unbound) per solution."""
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False
    """True when more rows exist after ``offset + limit``."""


def _syntax(query: NamedQuery, exc: SyntaxError) -> InputError:
    where = display_path(query.path) if query.path else query.name
    text = " ".join(str(exc).split())
    match = _SPARQL_POS.search(text)
    if match:
        line, col, rest = match.groups()
        return InputError(f"{where}:{line}:{col}: SPARQL syntax error: {rest}")
    return InputError(f"{where}: SPARQL syntax error: {text}")


def run_query(
    query: NamedQuery,
    *,
    store: ox.Store,
    params: Mapping[str, str] | None = None,
    limit: int | None = DEFAULT_LIMIT,
    offset: int = 0,
) -> QueryResult:
    """Run a query on the embedded ``store``; the default graph is the union of the named graphs.

    ``params`` are bound as RDF terms (:func:`solkg.query.params.bind_params`); ``limit``/``offset``
    page the rows (``limit=None`` for all). A query with ``SERVICE`` is refused: the embedded
    store fetches nothing from the network. Remote endpoints: :func:`solkg.remote.run_remote`.
    """
    check_query(query.text, where=display_path(query.path) if query.path else query.name)  # solkg.limits
    bindings = bind_params(query, params or {})
    form = query.form
    if uses_service(query.text):
        raise InputError(f"{query.name}: SERVICE is refused on the embedded store: solkg fetches nothing from "
                         "the network unless asked (run it on a remote endpoint)")
    text, paged = inject_page(inject_values(query.text, bindings), limit=limit, offset=offset)
    if paged:
        offset = 0  # the sub-SELECT skipped them
    # pyoxigraph parses and evaluates recursively: a large stack, should nesting get past the check
    return call_with_stack(_evaluate, query, store, text, form=form, limit=limit, offset=offset)


def _evaluate(query: NamedQuery, store: ox.Store, text: str, *, form: str, limit: int | None,
              offset: int) -> QueryResult:
    try:
        answer = store.query(text, **dataset_options(text))
    except SyntaxError as exc:
        raise _syntax(query, exc) from None
    except (RuntimeError, OSError) as exc:
        raise InputError(f"{query.name}: query failed: {' '.join(str(exc).split())}") from None
    stop = None if limit is None else offset + limit + 1
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(form=form, boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = [tuple(sol[v] for v in variables) for sol in islice(answer, offset, stop)]
        truncated = limit is not None and len(rows) > limit
        return QueryResult(form=form, variables=variables, rows=rows[:limit] if limit is not None else rows,
                           truncated=truncated)
    triples = list(islice(answer, offset, stop))
    truncated = limit is not None and len(triples) > limit
    return QueryResult(form=form, triples=triples[:limit] if limit is not None else triples, truncated=truncated)
