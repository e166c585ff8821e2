"""Property-based fuzzing (Hypothesis) of the query-parameter binder and the ``.rq`` header reader.

Whatever the text: :func:`solkg.query.parse_param_value`, :func:`solkg.query.load_query` and
``solkg query --param`` raise nothing but :class:`InputError` (exit 2); and a bound value never
changes a query's structure: bound into queries of every shape the binder handles (a triple
pattern, a FILTER, the projection, a sub-SELECT with BOUND, HAVING, CONSTRUCT, ASK), it finds
exactly the data that holds that value, as data, never as SPARQL.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from solkg.errors import InputError, SolkgError
from solkg.query import PARAM_KINDS, NamedQuery, Param, load_query, parse_param_value, run_query

QUICK = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                          HealthCheck.function_scoped_fixture])
SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])

# SPARQL's own characters, escapes, comments, IRIs, and what a terminal or a parser chokes on
HOSTILE = st.text(alphabet=st.sampled_from(list('{}()[]<>"\'#?$;.,\\\n\r\t :=@^_-/ax0é\u2028\u0000\ud800'))
                  | st.characters(), max_size=40)

P = ox.NamedNode("http://e/p")


@QUICK
@given(kind=st.sampled_from(PARAM_KINDS), value=HOSTILE)
@example(kind="literal", value="\ud800")
@example(kind="date", value="-0000-02-29")
@example(kind="iri", value="x:\ud800")
def test_parse_param_value_gives_a_term_or_an_input_error(kind, value):
    try:
        term = parse_param_value(Param("p", kind), value)
    except InputError as exc:
        assert exc.message.startswith("parameter p: ")
        return
    assert isinstance(term, ox.NamedNode | ox.Literal)
    if kind == "literal":
        assert term.value == value  # the text as it is, as data


HEADER_LINE = st.one_of(
    st.builds(lambda k, v: f"# {k}: {v}", st.sampled_from(["title", "description", "param", "Param", " param "]),
              HOSTILE),
    st.builds(lambda n, k, d: f"# param: {n} {k} {d}", HOSTILE, st.sampled_from([*PARAM_KINDS, "IRI", ""]), HOSTILE),
    st.sampled_from(["# page", "#page", "  # page  ", "SELECT * WHERE { ?s ?p ?o }", "{", "}", ""]),
    HOSTILE,
)


@QUICK
@given(lines=st.lists(HEADER_LINE, max_size=12), raw=st.binary(max_size=40), use_raw=st.booleans())
def test_load_query_reads_any_file_or_says_why_not(tmp_path_factory, lines, raw, use_raw):
    path = tmp_path_factory.mktemp("rq") / "q.rq"
    if use_raw:
        path.write_bytes(raw)
    else:
        path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    try:
        query = load_query(path)
    except InputError as exc:
        assert exc.message.startswith("q.rq") or "q.rq" in exc.message
        return
    assert all(p.kind in PARAM_KINDS for p in query.params)
    assert query.text == path.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# A bound value is data: it finds what holds it, nothing else

TEMPLATES = {
    "pattern": ("SELECT ?s WHERE { ?s <http://e/p> ?v }", "rows"),
    "filter": ("SELECT ?s WHERE { ?s <http://e/p> ?o FILTER(?o = ?v) }", "rows"),
    "projection": ("SELECT ?s ?v WHERE { ?s <http://e/p> ?v }", "rows"),
    "bound": ("SELECT ?s WHERE { { SELECT ?s WHERE { ?s <http://e/p> ?o FILTER(BOUND(?v) && ?o = ?v) } } }", "rows"),
    "having": ("SELECT ?s WHERE { ?s <http://e/p> ?o } GROUP BY ?s HAVING (SAMPLE(?o) = ?v)", "rows"),
    "optional": ("SELECT ?s WHERE { ?s <http://e/p> ?o OPTIONAL { ?s <http://e/q> ?x FILTER(?x != ?v) } "
                 "FILTER(?o = ?v) }", "rows"),
    "construct": ("CONSTRUCT { ?s <http://e/found> ?v } WHERE { ?s <http://e/p> ?v }", "triples"),
    "ask": ("ASK { ?s <http://e/p> ?v }", "boolean"),
}
MATCH, DECOY = ox.NamedNode("http://e/match"), ox.NamedNode("http://e/decoy")


def _store(term) -> ox.Store:
    store = ox.Store()
    graph = ox.NamedNode("http://e/g")
    store.add(ox.Quad(MATCH, P, term, graph))
    store.add(ox.Quad(DECOY, P, ox.Literal("decoy"), graph))
    store.add(ox.Quad(DECOY, P, ox.NamedNode("http://e/decoy-object"), graph))
    return store


def _expect(result, shape: str, term) -> None:
    if shape == "boolean":
        assert result.boolean is True
    elif shape == "triples":
        assert [(t.subject, t.object) for t in result.triples] == [(MATCH, term)]
    else:
        assert [row[0] for row in result.rows] == [MATCH]
        if len(result.variables) > 1:
            assert [row[1] for row in result.rows] == [term]


@SLOW
@given(template=st.sampled_from(sorted(TEMPLATES)), value=HOSTILE, kind=st.sampled_from(["literal", "iri"]))
@example(template="filter", value='x" ) } } ; SELECT * WHERE { ?a ?b ?c } #', kind="literal")
@example(template="pattern", value="http://e/x> ?p ?o } UNION { ?s ?p <http://e/y", kind="iri")
@example(template="having", value='") || true || ("', kind="literal")
def test_a_bound_value_never_changes_the_query(template, value, kind):
    text, shape = TEMPLATES[template]
    query = NamedQuery(name=template, text=text, params=(Param("v", kind),))
    try:
        term = parse_param_value(Param("v", kind), value)
    except InputError:
        with pytest.raises(InputError):
            run_query(query, store=ox.Store(), params={"v": value})
        return
    result = run_query(query, store=_store(term), params={"v": value}, limit=None)
    _expect(result, shape, term)


@SLOW
@given(value=HOSTILE.filter(lambda v: "\x00" not in v))
@example(value="} ; DROP ALL ; SELECT * { ")
@example(value="<http://e/match>")
def test_an_ad_hoc_parameter_is_data_too(value):
    """No ``# param:`` lines: the kind is guessed from the value; still bound as a term."""
    query = NamedQuery(name="query", text="SELECT ?s WHERE { ?s <http://e/p> ?v }")
    try:
        kind = "iri" if value.startswith("<") or __import__("re").match(r"^[a-z]+:\S", value) else "literal"
        term = parse_param_value(Param("v", kind), value)
    except InputError:
        with pytest.raises(InputError):
            run_query(query, store=ox.Store(), params={"v": value})
        return
    _expect(run_query(query, store=_store(term), params={"v": value}, limit=None), "rows", term)


@SLOW
@given(items=st.lists(HOSTILE.filter(lambda v: "\x00" not in v and "\ud800" not in v), min_size=1, max_size=3))
@example(items=["lang"])
@example(items=["lang=fr", "lang=en"])
@example(items=["=fr"])
def test_the_param_option_exits_0_or_2(built, monkeypatch, items):
    from solkg.cli import cli

    monkeypatch.chdir(built)
    args = ["query", "concepts-of-scheme", "--format", "csv"]
    for item in items:
        args += ["--param", item]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("solkg: error: ")


def test_errors_are_input_errors():
    assert issubclass(InputError, SolkgError)
