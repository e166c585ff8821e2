"""Run the diagnosis's named queries (``queries/diagnose/``) and assemble a :class:`Diagnosis`.

Every figure comes from the rows of a named query, run through :func:`solkg.query.run_query` on
the embedded store or on a remote SPARQL 1.1 endpoint; the rows themselves are kept in
``Diagnosis.queries`` (W3C SPARQL 1.1 JSON bindings in the JSON report), so the JSON report holds
what the queries returned. The queries leave the order of their rows open (sorting IRIs costs the
embedded store a decoding per comparison); solkg sorts them (:func:`sort_rows`), and each list of
the report in its own order.

>>> from solkg.diagnose import diagnose_queries
>>> "diagnose/chains" in [q.name for q in diagnose_queries()]
True
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path

import pyoxigraph as ox

from .. import __version__
from ..errors import InputError
from ..namespaces import PREFIXES, compact
from ..checks.run import CheckOptions
from ..findings import Term, term_text
from ..project import Project
from ..query import NamedQuery, Param, adhoc_query, load_query, parse_param_value, run_query
from ..remote import run_remote
from ..sources import display_path, project_root
from .i18n import number, rate, t, tn
from .model import (FAR_BELOW, PER, Actor, Chain, Comparison, Diagnosis, Excess, Item, Message, Missing,
                    Policy, QualityFinding, QueryRun, Signature, Sources, SubTerritory, Tally, Unit)

__all__ = ["diagnose_queries", "get_diagnose_query", "resolve_territory", "diagnose", "UnknownTerritory",
           "sort_rows", "collate", "name_pattern"]

QUERY_FOLDER = "diagnose"
UPHOLDS = PREFIXES["sol"] + "upholdsPrinciple"
USES = PREFIXES["sol"] + "usesMechanism"


class UnknownTerritory(InputError):
    """No territory answers to what was given; the message holds the closest ones."""

    def __init__(self, message: str, suggestions: list[Item]):
        super().__init__(message)
        self.suggestions = suggestions


def diagnose_queries(*, root: Path | None = None) -> list[NamedQuery]:
    """The named queries of ``queries/diagnose/``, named ``diagnose/<stem>``, sorted."""
    folder = (root or project_root()) / "queries" / QUERY_FOLDER
    return [load_query(p, name=f"{QUERY_FOLDER}/{p.stem}") for p in sorted(folder.glob("*.rq"))]


def get_diagnose_query(name: str) -> NamedQuery:
    """The named query ``diagnose/NAME`` (``NAME`` alone is accepted)."""
    stem = name.removeprefix(QUERY_FOLDER + "/")
    path = project_root() / "queries" / QUERY_FOLDER / f"{stem}.rq"
    if not path.is_file():
        raise InputError(f"unknown query '{name}'")
    return load_query(path, name=f"{QUERY_FOLDER}/{stem}")


# -- running ---------------------------------------------------------------------------------------

Row = dict[str, Term | None]
"""One row of a query: variable → term (``None`` when unbound)."""


def _term_key(term: Term | None) -> tuple[int, str, str]:
    if term is None:
        return (0, "", "")
    if isinstance(term, ox.BlankNode):
        return (1, term.value, "")
    if isinstance(term, ox.NamedNode):
        return (2, term.value, "")
    return (3, term.value, term.language or term.datatype.value)


def sort_rows(rows: list[tuple]) -> list[tuple]:
    """Rows in solkg's order: by each column in turn (unbound, blank node, IRI, literal; then by
    value). The diagnosis's queries leave the order to the caller (sorting IRIs costs the embedded
    store a decoding per comparison), so that their rows, and the JSON report, are the same on every
    engine and every run.

    >>> [r[0].value for r in sort_rows([(ox.Literal("b"),), (ox.NamedNode("urn:z"),), (ox.Literal("a"),)])]
    ['urn:z', 'a', 'b']
    """
    return sorted(rows, key=lambda row: tuple(_term_key(term) for term in row))


class _Runner:
    """Runs named queries on one store or endpoint and keeps what they returned."""

    def __init__(self, *, store: ox.Store | None, endpoint: str | None, graphs: list[str] | None,
                 timeout: float, progress: Callable[[str], None] | None) -> None:
        self.store, self.endpoint, self.graphs, self.timeout = store, endpoint, graphs, timeout
        self.progress = progress
        self.runs: list[QueryRun] = []
        self._queries: dict[str, NamedQuery] = {}

    def __call__(self, name: str, params: Mapping[str, str], *, keep: bool = True) -> list[Row]:
        query = self._queries.get(name)
        if query is None:
            query = self._queries[name] = get_diagnose_query(name)
        if self.progress:
            self.progress(f"running diagnose/{name}")
        if self.endpoint:
            result = run_remote(query, endpoint=self.endpoint, params=dict(params), limit=None, graphs=self.graphs,
                                timeout=self.timeout)
        else:
            assert self.store is not None
            result = run_query(query, store=self.store, params=params, limit=None)
        rows = sort_rows(result.rows)
        if keep:
            self.runs.append(QueryRun(name=query.name, params=dict(sorted(params.items())),
                                      variables=list(result.variables), rows=rows))
        return [dict(zip(result.variables, row, strict=True)) for row in rows]


def _iri(term: Term | None) -> str | None:
    return term.value if isinstance(term, ox.NamedNode) else None


def _text(term: Term | None) -> str | None:
    return None if term is None else term.value


def _int(term: Term | None) -> int | None:
    if term is None:
        return None
    try:
        return int(term.value)
    except ValueError:
        try:
            return int(float(term.value))
        except ValueError:
            return None


def _float(term: Term | None) -> float | None:
    if term is None:
        return None
    try:
        return float(term.value)
    except ValueError:
        return None


def _label(term: Term | None, iri: str | None) -> str:
    return term.value if term is not None else (compact(iri) if iri else "")


def _item(row: Row, key: str, label_key: str) -> Item | None:
    iri = _iri(row.get(key))
    return Item(iri, _label(row.get(label_key), iri)) if iri else None


def _node(term: Term | None) -> str:
    """An IRI, or ``_:id`` for a blank node."""
    if term is None:
        return ""
    return term.value if isinstance(term, ox.NamedNode) else f"_:{term.value}"


def _rate(count: int | None, population: int | None) -> float | None:
    if count is None or not population:
        return None
    return round(count * PER / population, 2)


def _unit(row: Row, key: str = "unit") -> Unit:
    iri = _node(row[key])
    return Unit(iri=iri, label=_label(row.get("label"), iri), level=_iri(row.get("level")),
                code=_text(row.get("code")), population=_int(row.get("population")), lat=_float(row.get("lat")),
                long=_float(row.get("long")))


# -- territory resolution ------------------------------------------------------------------------

def _level_key(row: Row) -> tuple[str, str]:
    return (_iri(row.get("level")) or "", _node(row.get("unit")))


def resolve_territory(text: str, *, store: ox.Store | None = None, endpoint: str | None = None,
                      graphs: list[str] | None = None, lang: str = "en", timeout: float = 60.0) -> str:
    """The IRI of the territory ``text`` names: an IRI (``<...>`` or full), a prefixed name
    (``sold:fr-department-26``), an official code (INSEE ``26``, SIREN ``200046977``, NUTS ...) or a
    label (case ignored).

    Raises :class:`UnknownTerritory` (an :class:`InputError`) naming the closest territories when
    none answers, and :class:`InputError` when a code names several.
    """
    run = _Runner(store=store, endpoint=endpoint, graphs=graphs, timeout=timeout, progress=None)
    given = text.strip()
    if not given:
        raise InputError("territory: give an IRI, a prefixed name, an official code or a name")
    looks_iri = given.startswith("<") or re.match(r"^[a-z][a-z0-9+.-]*://", given) or (
        ":" in given and given.split(":", 1)[0] in PREFIXES)
    if looks_iri:
        iri = parse_param_value(Param("territory", "iri"), given).value
        if run("territory", {"territory": f"<{iri}>", "lang": lang}, keep=False):
            return iri
        raise _unknown(run, given, lang)
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", given) and "-" in given:  # a slug of sold:
        if run("territory", {"territory": f"<{PREFIXES['sold']}{given}>", "lang": lang}, keep=False):
            return PREFIXES["sold"] + given
    rows = run("find-territory", {"text": given, "lang": lang}, keep=False)
    if not rows:
        found = run("find-territory-name", {"pattern": name_pattern(given), "lang": lang}, keep=False)
        rows = list({_node(r["unit"]): r for r in found if same_name(_text(r.get("name")) or "", given)}.values())
        exact = [r for r in rows if _text(r.get("label")) == given]
        rows = exact if len(exact) == 1 else rows  # "Lyon" is the commune, not "LYON" the district
    rows.sort(key=_level_key)
    if len(rows) == 1:
        return _node(rows[0]["unit"])
    if len(rows) > 1:
        raise _ambiguous(given, rows)
    raise _unknown(run, given, lang)


def _ambiguous(given: str, rows: list[Row]) -> InputError:
    def described(r: Row) -> str:
        level = _iri(r.get("level"))
        what = ", ".join(x for x in (level.rsplit("/", 1)[-1] if level else None, _text(r.get("code"))) if x)
        return f"{_label(r.get('label'), _node(r['unit']))}{f' ({what})' if what else ''}: {compact(_node(r['unit']))}"

    named = "; ".join(described(r) for r in rows[:6]) + ("; ..." if len(rows) > 6 else "")
    return InputError(f"territory '{given}' names {len(rows)} territories: {named}; give the code or the IRI")


def _letter_classes() -> dict[str, str]:
    classes: dict[str, set[str]] = {}
    for code in range(0xC0, 0x250):
        ch = chr(code)
        base = unicodedata.normalize("NFKD", ch)[0]
        if base.isascii() and base.isalpha() and base != ch:
            classes.setdefault(base.lower(), set()).update({ch, ch.lower(), ch.upper()})
    # An alternation ending with "two characters outside printable ASCII": Virtuoso 7.2.5 matches
    # REGEX on the UTF-8 bytes and does not match the query's own accented letters, so an accented
    # letter (two bytes, U+00C0-U+024F) is found there by that last branch. Elsewhere it could also
    # match two other non-ASCII characters: a false match would need a name that differs only there.
    return {base: "(" + "|".join([base, base.upper(), *sorted(v - {base, base.upper()}), "[^ -~]{2}"]) + ")"
            for base, v in classes.items()}


_LETTERS = _letter_classes()
_REGEX_SPECIAL = set("\\.?*+{}()[]^$|")


def _name_key(name: str) -> str:
    return "".join(" " if ch in " -_\u2010\u2011" else "'" if ch == "\u2019" else ch for ch in collate(name.strip()))


def same_name(name: str, given: str) -> bool:
    """Whether ``name`` is ``given`` with case, accents, hyphens and apostrophes left aside: what
    :func:`name_pattern` matches, decided in Python (some engines match the pattern loosely).

    >>> same_name("Saint-Étienne", "saint etienne"), same_name("Érôme", "drome")
    (True, False)
    """
    return _name_key(name) == _name_key(given)


def name_pattern(name: str) -> str:
    """An anchored regular expression (XPath, as SPARQL's REGEX takes it) matching ``name`` with
    case, accents, hyphens, spaces and apostrophes left aside.

    >>> p = name_pattern("saint etienne")
    >>> import re; bool(re.fullmatch(p[1:-1], "Saint-Étienne", re.I)), bool(re.fullmatch(p[1:-1], "Saint-Denis"))
    (True, False)
    >>> name_pattern("St.").endswith("\\\\.$")  # what is not a letter matches itself
    True
    """
    out = ["^"]
    for ch in collate(name.strip()):
        if ch in " -_\u2010\u2011":
            out.append("[ \\-\u2010\u2011]")
        elif ch in "'\u2019":
            out.append("['\u2019]")
        elif ch in _LETTERS:
            out.append(_LETTERS[ch])
        elif ch in _REGEX_SPECIAL:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out) + "$"


def _unknown(run: _Runner, given: str, lang: str) -> UnknownTerritory:
    rows = run("territories", {"lang": lang}, keep=False)
    names: dict[str, Item] = {}
    for row in rows:
        iri = _node(row["unit"])
        item = Item(iri, _label(row.get("label"), iri))
        for key in (item.label.lower(), (_text(row.get("code")) or "").lower(), compact(item.iri).lower()):
            if key:
                names.setdefault(key, item)
    close = difflib.get_close_matches(given.lower(), list(names), n=5, cutoff=0.6)
    seen: list[Item] = []
    for key in close:
        if names[key] not in seen:
            seen.append(names[key])
    if seen:
        hint = "; did you mean " + ", ".join(f"{i.label} ({compact(i.iri)})" for i in seen) + "?"
    elif not rows:
        hint = "; the graph holds no territory (build with --data ref:fr-admin for France's divisions)"
    else:
        hint = f"; {len(rows)} territories are known (codes, names or IRIs)"
    return UnknownTerritory(f"unknown territory '{given}'{hint}", seen)


# -- the diagnosis -----------------------------------------------------------------------------------

def diagnose(
    territory: str,
    *,
    store: ox.Store | None = None,
    endpoint: str | None = None,
    graphs: list[str] | None = None,
    lang: str = "en",
    timeout: float = 60.0,
    check: bool = True,
    void: Path | None = None,
    graph_paths: dict[str, str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Diagnosis:
    """Diagnose ``territory`` (anything :func:`resolve_territory` takes) from the embedded ``store``
    or the SPARQL ``endpoint`` (reading ``graphs`` as its default graph).

    ``check`` runs ``solkg check`` on the territory's chains, actors and policies (their triples
    only, with the project's ontology and shapes); ``void`` is the build's ``void.ttl`` (build time,
    licence, source files); ``graph_paths`` maps named graphs to the files shown as sources.
    """
    if lang not in ("en", "fr"):
        raise InputError("lang: choose en|fr")
    if (store is None) == (endpoint is None):
        raise InputError("diagnose needs a store or an endpoint (one of them)")
    iri = resolve_territory(territory, store=store, endpoint=endpoint, graphs=graphs, lang=lang, timeout=timeout)
    run = _Runner(store=store, endpoint=endpoint, graphs=graphs, timeout=timeout, progress=progress)
    p = {"territory": f"<{iri}>", "lang": lang}
    row = run("territory", p)[0]
    unit = _unit(row)
    unit.level_label = _text(row.get("levelLabel"))
    d = Diagnosis(territory=unit, lang=lang, version=__version__)
    d.parents = [_unit(r) for r in run("parents", p)]
    _what_exists(d, run, p)
    _where(d, run, p)
    _support(d, run, p)
    _unit_labels(d, run, p)
    _comparison(d, run, p)
    _gaps(d, run, p)
    descriptions = _descriptions(d, store) if store is not None else None
    if check:
        if progress:
            progress("checking the territory's data")
        d.gaps.findings = _quality(_subjects(d), descriptions, store=store, endpoint=endpoint, graphs=graphs,
                                   lang=lang, timeout=timeout, graph_paths=graph_paths or {})
    else:
        d.gaps.findings_checked = False
    d.sources = _sources(descriptions, store=store, endpoint=endpoint, void=void, graph_paths=graph_paths or {})
    d.queries = run.runs
    d.key_messages = _messages(d)
    return d


def collate(text: str) -> str:
    """``text`` as people sort names: accents and case left aside (Étoile-sur-Rhône among the E,
    Beaumont-en-Diois before Beaumont-Monteux).

    >>> sorted(["Étoile", "Beaumont-Monteux", "Beaumont-en-Diois", "Die"], key=collate)
    ['Beaumont-en-Diois', 'Beaumont-Monteux', 'Die', 'Étoile']
    """
    plain = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()


def _label_key(label: str | None, node: str) -> tuple[bool, str, str, bool, str]:
    """By label as people sort names (:func:`collate`), unlabelled first; then blank nodes before IRIs."""
    return (label is not None, collate(label or ""), label or "", not node.startswith("_:"), node)


def _what_exists(d: Diagnosis, run: _Runner, p: dict[str, str]) -> None:
    """Chains per sector, kind, principle and mechanism; actors per kind and role; who links them."""
    lang = p["lang"]
    rows = run("chains", p)
    rows.sort(key=lambda r: _label_key(_text(r.get("label")), _node(r["chain"])))
    for r in rows:
        chain = _node(r["chain"])
        d.chains.append(Chain(item=Item(chain, _label(r.get("label"), chain)), cls=_item(r, "class", "classLabel"),
                              unit=_iri(r.get("unit")), lat=_float(r.get("lat")), long=_float(r.get("long")),
                              intermediary_count=_int(r.get("intermediaryCount")),
                              policies=_int(r.get("policies")) or 0))
    chain_item = {c.item.iri: c.item for c in d.chains}

    def chain_of(term: Term | None) -> Item:
        chain = _node(term)
        return chain_item.get(chain) or Item(chain, compact(chain))

    sectors: dict[str, Item] = {}
    for r in run("sectors", {"lang": lang}):
        concept = _node(r["sector"])
        sectors[concept] = Item(concept, _label(r.get("label"), concept))
    per_sector: dict[str, list[Item]] = {s: [] for s in sectors}
    chain_sectors: dict[str, set[str]] = {}
    for r in run("chain-sectors", p):
        sector = _iri(r.get("sector"))
        if sector is None:
            continue
        if sector not in sectors:
            sectors[sector] = Item(sector, _label(r.get("sectorLabel"), sector))
            per_sector[sector] = []
        chain_sectors.setdefault(_node(r["chain"]), set()).add(sector)
        per_sector[sector].append(chain_of(r["chain"]))
    d.sectors = _tallies(sectors, per_sector)
    classes: dict[str, Item] = {}
    per_class: dict[str, list[Item]] = {}
    for c in d.chains:
        if c.cls:
            classes.setdefault(c.cls.iri, c.cls)
            per_class.setdefault(c.cls.iri, []).append(c.item)
    d.classes = _tallies(classes, per_class, keep_zero=False)
    concepts: dict[str, dict[str, Item]] = {UPHOLDS: {}, USES: {}}
    per_concept: dict[str, dict[str, list[Item]]] = {UPHOLDS: {}, USES: {}}
    for r in run("chain-concepts", p):
        prop, concept = _node(r["property"]), _node(r["concept"])
        concepts[prop].setdefault(concept, Item(concept, _label(r.get("conceptLabel"), concept)))
        per_concept[prop].setdefault(concept, []).append(chain_of(r["chain"]))
    d.principles = _tallies(concepts[UPHOLDS], per_concept[UPHOLDS], keep_zero=False)
    d.mechanisms = _tallies(concepts[USES], per_concept[USES], keep_zero=False)
    actor_rows = run("actors", p)
    participations = run("participants", {"territory": p["territory"]})
    chains_of: dict[str, set[str]] = {}
    sectors_of: dict[str, set[str]] = {}
    for r in participations:
        actor, chain = _node(r["actor"]), _node(r["chain"])
        chains_of.setdefault(actor, set()).add(chain)
        sectors_of.setdefault(actor, set()).update(chain_sectors.get(chain, ()))
    own_sectors: set[str] = set()
    for r in run("actor-sectors", {"territory": p["territory"]}):
        sectors_of.setdefault(_node(r["actor"]), set()).add(_node(r["sector"]))
        own_sectors.add(_node(r["actor"]))
    for r in actor_rows:
        actor = _node(r["actor"])
        d.actors.append(Actor(item=Item(actor, _label(r.get("label"), actor)), cls=_item(r, "class", "classLabel"),
                              lat=_float(r.get("lat")), long=_float(r.get("long")),
                              chains=len(chains_of.get(actor, ())), sectors=len(sectors_of.get(actor, ()))))
    d.actors.sort(key=lambda a: (-a.chains, -a.sectors, collate(a.item.label), a.item.label, a.item.iri))
    actor_item = {a.item.iri: a.item for a in d.actors}
    actor_classes: dict[str, Item] = {}
    per_actor_class: dict[str, list[Item]] = {}
    for a in d.actors:
        if a.cls:
            actor_classes.setdefault(a.cls.iri, a.cls)
            per_actor_class.setdefault(a.cls.iri, []).append(a.item)
    d.actor_classes = _tallies(actor_classes, per_actor_class, keep_zero=False)
    role_labels = {_node(r["role"]): _label(r.get("label"), _node(r["role"])) for r in run("roles", {"lang": lang})}
    roles: dict[str, Item] = {}
    per_role: dict[str, set[Item]] = {}
    for r in participations:
        role, actor = _node(r["role"]), _node(r["actor"])
        roles.setdefault(role, Item(role, role_labels.get(role) or compact(role)))
        per_role.setdefault(role, set()).add(actor_item.get(actor) or Item(actor, compact(actor)))
    d.roles = _tallies(roles, {role: list(members) for role, members in per_role.items()}, keep_zero=False)
    d.connected_actors = [a for a in d.actors if a.chains >= 2 or a.sectors >= 2]
    # what the data lacks: from the same rows (coordinates, a sector, a label in the report's language)
    missing: list[Missing] = []
    for r in rows:
        chain = _node(r["chain"])
        missing += _lacks(chain_item[chain], "chain", r, has_sector=chain in chain_sectors)
    for r in actor_rows:
        actor = _node(r["actor"])
        if actor in chains_of:  # the participants: an actor only located in the territory is not listed
            missing += _lacks(actor_item[actor], "actor", r, has_sector=actor in own_sectors)
    missing.sort(key=lambda m: (m.missing, m.kind, not m.item.iri.startswith("_:"), m.item.iri))
    d.gaps.missing = missing


def _lacks(item: Item, kind: str, row: Row, *, has_sector: bool) -> list[Missing]:
    """What ``row`` (of diagnose/chains or diagnose/actors) lacks: coordinates (``geo:lat`` and
    ``geo:long``), a sector (``sol:inSector``, told by ``has_sector``), a label in the report's language."""
    out = []
    if row.get("lat") is None or row.get("long") is None:
        out.append(Missing(item=item, kind=kind, missing="coordinates"))
    if not has_sector:
        out.append(Missing(item=item, kind=kind, missing="sector"))
    if row.get("labelInLang") is None:
        out.append(Missing(item=item, kind=kind, missing="label"))
    return out


def _where(d: Diagnosis, run: _Runner, p: dict[str, str]) -> None:
    """The sub-territories with their chains and rates, and which of them are gaps."""
    for r in sorted(run("children", p), key=_children_key):
        u = _unit(r)
        n = _int(r.get("chains")) or 0
        d.sub_territories.append(SubTerritory(unit=u, chains=n, per_inhabitants=_rate(n, u.population)))
    own_rate = d.chains_per_inhabitants
    for s in d.sub_territories:
        if s.chains == 0:
            s.gap = "no-chain"
        elif own_rate and s.per_inhabitants is not None and s.per_inhabitants < FAR_BELOW * own_rate:
            s.gap = "far-below"


def _unit_labels(d: Diagnosis, run: _Runner, p: dict[str, str]) -> None:
    """The label of the territory each chain operates in: a sub-territory's, else (chains deeper
    down, as in a région's communes) from diagnose/places, run only then."""
    known = {u.iri: u.label for u in [d.territory, *d.parents, *(s.unit for s in d.sub_territories)]}
    if any(c.unit and c.unit not in known for c in d.chains):
        for r in run("places", p):
            known.setdefault(_node(r["place"]), _label(r.get("label"), _node(r["place"])))
    for c in d.chains:
        if c.unit:
            c.unit_label = known.get(c.unit) or compact(c.unit)
    for policy in d.policies:
        if policy.scope:
            policy.scope_label = known.get(policy.scope)


def _children_key(row: Row) -> tuple[int, tuple[bool, str, str, bool, str]]:
    """``ORDER BY DESC(?chains) ?label ?unit``."""
    return (-(_int(row.get("chains")) or 0), _label_key(_text(row.get("label")), _node(row["unit"])))


def _support(d: Diagnosis, run: _Runner, p: dict[str, str]) -> None:
    """The public policies that concern the territory, and the charter signatories among its actors."""
    rows = run("policies", p)
    rows.sort(key=lambda r: (_term_key(r.get("class")), _label_key(_text(r.get("label")), _node(r["policy"])),
                             _term_key(r.get("aim"))))
    policies: dict[str, Policy] = {}
    for r in rows:
        key = _node(r["policy"])
        policy = policies.get(key)
        if policy is None:
            policy = policies[key] = Policy(item=Item(key, _label(r.get("label"), key)),
                                            cls=_item(r, "class", "classLabel"),
                                            carrier=_item(r, "carrier", "carrierLabel"), scope=_iri(r.get("scope")),
                                            aims=[], supported_chains=_int(r.get("supportedChains")) or 0)
        aim = _item(r, "aim", "aimLabel")
        if aim and aim not in policy.aims:
            policy.aims.append(aim)
    d.policies = list(policies.values())
    rows = run("signatories", p)
    rows.sort(key=lambda r: (_term_key(r["charter"]), _label_key(_text(r.get("label")), _node(r["actor"]))))
    d.signatories = [Signature(charter=Item(_node(r["charter"]), _label(r.get("charterLabel"), _node(r["charter"]))),
                               actor=Item(_node(r["actor"]), _label(r.get("label"), _node(r["actor"]))))
                     for r in rows]


def _comparison(d: Diagnosis, run: _Runner, p: dict[str, str]) -> None:
    """The territory beside what contains it and the territories of its level in them. Its own
    figures are the lengths of its lists (the queries count the same things)."""
    unit = d.territory
    d.comparison.append(Comparison(unit=Unit(iri=unit.iri, label=unit.label, level=unit.level,
                                             population=unit.population),
                                   relation="self", chains=len(d.chains), actors=len(d.actors),
                                   policies=len(d.policies),
                                   chains_per_inhabitants=_rate(len(d.chains), unit.population),
                                   actors_per_inhabitants=_rate(len(d.actors), unit.population)))
    for parent in d.parents:
        figures = {_text(r["figure"]): _int(r.get("n")) or 0 for r in run("figures", {"territory": f"<{parent.iri}>"})}
        chains, actors = figures.get("chains", 0), figures.get("actors", 0)
        d.comparison.append(Comparison(unit=Unit(iri=parent.iri, label=parent.label, level=parent.level,
                                                 population=parent.population),
                                       relation="parent", chains=chains, actors=actors,
                                       policies=figures.get("policies", 0),
                                       chains_per_inhabitants=_rate(chains, parent.population),
                                       actors_per_inhabitants=_rate(actors, parent.population)))
    for parent in d.parents:
        for r in sorted(run("children", {"territory": f"<{parent.iri}>", "lang": p["lang"]}), key=_children_key):
            sibling = _node(r["unit"])
            if sibling == unit.iri or (unit.level and _iri(r.get("level")) != unit.level):
                continue
            u = Unit(iri=sibling, label=_label(r.get("label"), sibling), level=_iri(r.get("level")),
                     population=_int(r.get("population")))
            n = _int(r.get("chains")) or 0
            d.comparison.append(Comparison(unit=u, relation="sibling", chains=n, actors=None, policies=None,
                                           chains_per_inhabitants=_rate(n, u.population),
                                           actors_per_inhabitants=None))


def _gaps(d: Diagnosis, run: _Runner, p: dict[str, str]) -> None:
    gaps = d.gaps
    gaps.sectors_without_chain = [t.item for t in d.sectors if t.count == 0]
    by_pop = sorted(d.sub_territories, key=lambda s: (-(s.unit.population or 0), collate(s.unit.label), s.unit.iri))
    gaps.sub_territories_without_chain = [Item(s.unit.iri, s.unit.label) for s in by_pop if s.gap == "no-chain"]
    gaps.sub_territories_far_below = [Item(s.unit.iri, s.unit.label) for s in by_pop if s.gap == "far-below"]
    rows = run("intermediaries", p)
    rows.sort(key=lambda r: (-(_int(r.get("recordedIntermediaries")) or 0), _term_key(r["chain"])))
    gaps.excess_intermediaries = [Excess(item=Item(_node(r["chain"]), _label(r.get("label"), _node(r["chain"]))),
                                         intermediary_count=_int(r.get("intermediaryCount")),
                                         recorded=_int(r.get("recordedIntermediaries")) or 0)
                                  for r in rows]


def _tallies(items: dict[str, Item], members: dict[str, list[Item]], keep_zero: bool = True) -> list[Tally]:
    out = []
    for key, item in items.items():
        listed = sorted(set(members.get(key, [])), key=lambda i: (collate(i.label), i.label, i.iri))
        if listed or keep_zero:
            out.append(Tally(item=item, count=len(listed), members=listed))
    return sorted(out, key=lambda t: (-t.count, collate(t.item.label), t.item.label, t.item.iri))


# -- data quality and sources ----------------------------------------------------------------------

def _subjects(d: Diagnosis) -> list[str]:
    """What the data-quality check looks at: the territory's chains, actors and policies."""
    return [c.item.iri for c in d.chains] + [a.item.iri for a in d.actors] + [p.item.iri for p in d.policies]


def _descriptions(d: Diagnosis, store: ox.Store) -> list[ox.Quad]:
    """The triples (quads) of the territory's chains, actors and policies in the embedded store:
    checked for quality, and their graphs are the report's sources."""
    quads: list[ox.Quad] = []
    for iri in dict.fromkeys(_subjects(d)):
        node = ox.BlankNode(iri[2:]) if iri.startswith("_:") else ox.NamedNode(iri)
        quads.extend(store.quads_for_pattern(node, None, None))
    return quads


def _quality(subjects: list[str], descriptions: list[ox.Quad] | None, *, store: ox.Store | None,
             endpoint: str | None, graphs: list[str] | None, lang: str, timeout: float,
             graph_paths: dict[str, str]) -> list[QualityFinding]:
    """``solkg check`` (shapes, ill-typed literals) on the triples of ``subjects`` and the types of
    what they point to, beside the project's ontology and shapes."""
    if not subjects:
        return []
    project = Project()
    work = project.vocabulary()
    rdf_type = ox.NamedNode(PREFIXES["rdf"] + "type")
    quads: list[ox.Quad] = []
    if store is not None and descriptions is not None:
        quads.extend(descriptions)
        described = {q.subject for q in descriptions}  # their types are among the descriptions already
        objects = {q.object for q in descriptions if isinstance(q.object, ox.NamedNode)} - described
        for obj in sorted(objects, key=str):
            quads.extend(store.quads_for_pattern(obj, rdf_type, None))
    else:
        graph = ox.NamedNode("urn:solkg:diagnosis")
        named = [s for s in dict.fromkeys(subjects) if not s.startswith("_:")]
        for start in range(0, len(named), 200):
            values = " ".join(f"<{s}>" for s in named[start:start + 200])
            text = (f"CONSTRUCT {{ ?s ?p ?o . ?o a ?t }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o "
                    f"OPTIONAL {{ ?o a ?t FILTER(isIRI(?o)) }} }}")
            assert endpoint is not None
            result = run_remote(adhoc_query(text), endpoint=endpoint, graphs=graphs, limit=None, timeout=timeout)
            quads.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in result.triples)
    data_graphs = sorted({q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
                         - {g.value for g in work.named_graphs() if isinstance(g, ox.NamedNode)})
    work.extend(q for q in quads if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in data_graphs)
    report = project.check_data(work, data_graphs, options=CheckOptions(lang=lang, sparql_checks=False),
                                paths=graph_paths)
    wanted = set(subjects)
    return [QualityFinding(severity=f.severity, check=f.check, focus=term_text(f.focus) or "", path=f.path_text,
                           value=term_text(f.value), message=f.message, source=f.where)
            for f in report.findings if term_text(f.focus) in wanted]


def _sources(descriptions: list[ox.Quad] | None, *, store: ox.Store | None, endpoint: str | None,
             void: Path | None, graph_paths: dict[str, str]) -> Sources:
    out = Sources(endpoint=endpoint)
    counts: dict[str, int] = {}
    if void is not None and Path(void).is_file():
        out.dataset, counts = _read_void(Path(void))
    if store is not None:
        holding = {q.graph_name.value for q in descriptions or () if isinstance(q.graph_name, ox.NamedNode)}
        lic = ox.NamedNode(PREFIXES["dcterms"] + "license")
        references = {g.value for g in store.named_graphs()
                      if isinstance(g, ox.NamedNode) and g.value.startswith(PREFIXES["solg"] + "reference/")}
        for graph in sorted(holding | references):
            licence = None
            for quad in store.quads_for_pattern(ox.NamedNode(graph), lic, None):
                if not isinstance(quad.object, ox.Triple):
                    licence = quad.object.value
            out.graphs.append({"graph": graph, "triples": counts.get(graph),
                               "source": graph_paths.get(graph, graph.removeprefix(PREFIXES["solg"])),
                               "licence": licence or out.dataset.get("licence")})
    return out


def _read_void(path: Path) -> tuple[dict, dict[str, int]]:
    """The dataset's build time, licence and version, and the triples of each named graph (counted
    at build time: counting them in a large store would cost seconds)."""
    from ..release.dataset import DATASET_IRI

    try:
        triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except (SyntaxError, OSError) as exc:
        raise InputError(f"{display_path(path)}: cannot read the dataset description: {exc}") from None
    dc = PREFIXES["dcterms"]
    dataset: dict = {"file": display_path(path)}
    counts: dict[str, int] = {}
    for tr in triples:
        if tr.predicate.value == PREFIXES["void"] + "triples" and tr.subject != ox.NamedNode(DATASET_IRI):
            counts[tr.subject.value] = int(tr.object.value)
        if tr.subject == ox.NamedNode(DATASET_IRI):
            key = {dc + "modified": "modified", dc + "license": "licence",
                   PREFIXES["owl"] + "versionInfo": "version"}.get(tr.predicate.value)
            if key:
                dataset[key] = tr.object.value
    return dict(sorted(dataset.items())), counts


# -- synthesis -------------------------------------------------------------------------------------

def _messages(d: Diagnosis) -> list[Message]:
    lang = d.lang
    out: list[Message] = []
    label = d.territory.label
    if not d.chains:
        out.append(Message("gap", t(lang, "km_none", label=label)))
    else:
        own = d.chains_per_inhabitants
        out.append(Message("fact", tn(lang, "km_chains", len(d.chains), n=number(len(d.chains), lang), label=label,
                                      rate=t(lang, "km_rate", rate=rate(own, lang)) if own is not None else "")))
        for c in d.comparison:
            if c.relation == "parent" and own is not None and c.chains_per_inhabitants:
                ratio = own / c.chains_per_inhabitants
                times = t(lang, "ratio_above", x=number(round(ratio, 2), lang, 2))
                out.append(Message("strength" if ratio >= 1 else "gap",
                                   t(lang, "km_vs_parent", ratio=times, parent=c.unit.label,
                                     prate=rate(c.chains_per_inhabitants, lang))))
        with_chains = [s for s in d.sectors if s.count]
        if d.sectors and len(with_chains) == len(d.sectors):
            out.append(Message("strength", t(lang, "km_sectors_all", n=len(d.sectors))))
        elif d.sectors:  # (with no chain at all, the message above says it)
            missing = ", ".join(i.label for i in d.gaps.sectors_without_chain)
            out.append(Message("gap", tn(lang, "km_sectors", len(with_chains), k=len(with_chains), n=len(d.sectors),
                                         missing=missing)))
    if d.actors:
        out.append(Message("fact", tn(lang, "km_actors", len(d.actors), n=number(len(d.actors), lang),
                                      c=number(len(d.connected_actors), lang))))
    if d.policies:
        supported = sum(1 for c in d.chains if c.policies)
        out.append(Message("strength", tn(lang, "km_policies", len(d.policies), n=len(d.policies),
                                          s=number(supported, lang))))
    else:
        out.append(Message("gap", t(lang, "km_no_policy")))
    without = len(d.gaps.sub_territories_without_chain)
    if without:
        out.append(Message("gap", tn(lang, "km_subs", without, n=number(without, lang),
                                     m=number(len(d.sub_territories), lang))))
    if d.gaps.excess_intermediaries:
        out.append(Message("gap", tn(lang, "km_excess", len(d.gaps.excess_intermediaries),
                                     n=len(d.gaps.excess_intermediaries))))
    incomplete = {m.item.iri for m in d.gaps.missing}
    if incomplete:
        out.append(Message("gap", tn(lang, "km_missing", len(incomplete), n=number(len(incomplete), lang))))
    if d.gaps.findings:
        v = sum(1 for f in d.gaps.findings if f.severity == "violation")
        w = sum(1 for f in d.gaps.findings if f.severity == "warning")
        out.append(Message("gap", t(lang, "km_findings", v=tn(lang, "n_violations", v, n=v),
                                    w=tn(lang, "n_warnings", w, n=w))))
    return out
