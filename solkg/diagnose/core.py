"""Run the diagnosis's named queries (``queries/diagnose/``) and assemble a :class:`Diagnosis`.

Every figure comes from the rows of a named query, run through :func:`solkg.query.run_query` on
the embedded store or on a remote SPARQL 1.1 endpoint; the rows themselves are kept in
``Diagnosis.queries`` (W3C SPARQL 1.1 JSON bindings), so the JSON report holds what the queries
returned.

>>> from solkg.diagnose import diagnose_queries
>>> "diagnose/chains" in [q.name for q in diagnose_queries()]
True
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from .. import __version__
from ..errors import InputError
from ..namespaces import PREFIXES, compact
from ..checks.run import CheckOptions
from ..findings import term_text
from ..project import Project
from ..query import NamedQuery, load_query, parse_param_value, run_query, sparql_json_term
from ..remote import run_remote
from ..sources import display_path, project_root
from .i18n import number, t
from .model import (FAR_BELOW, PER, Actor, Chain, Comparison, Diagnosis, Excess, Gaps, Item, Message, Missing,
                    Policy, QualityFinding, QueryRun, Signature, Sources, SubTerritory, Tally, Unit)

__all__ = ["diagnose_queries", "get_diagnose_query", "resolve_territory", "diagnose", "UnknownTerritory"]

QUERY_FOLDER = "diagnose"
GOVERNANCE = PREFIXES["sol"] + "takesPartInGovernanceOf"
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

class _Runner:
    """Runs named queries on one store or endpoint and keeps what they returned."""

    def __init__(self, *, store, endpoint, graphs, timeout, progress):
        self.store, self.endpoint, self.graphs, self.timeout = store, endpoint, graphs, timeout
        self.progress = progress
        self.runs: list[QueryRun] = []
        self._queries: dict[str, NamedQuery] = {}

    def __call__(self, name: str, keep: bool = True, **params: str) -> list[dict]:
        query = self._queries.get(name)
        if query is None:
            query = self._queries[name] = get_diagnose_query(name)
        if self.progress:
            self.progress(f"running diagnose/{name}")
        if self.endpoint:
            result = run_remote(query, endpoint=self.endpoint, params=params, limit=None, graphs=self.graphs,
                                timeout=self.timeout)
        else:
            result = run_query(query, store=self.store, params=params, limit=None)
        rows = [dict(zip(result.variables, row, strict=True)) for row in result.rows]
        if keep:
            self.runs.append(QueryRun(
                name=query.name, params=dict(sorted(params.items())), variables=list(result.variables),
                bindings=[{v: sparql_json_term(term) for v, term in zip(result.variables, row, strict=True)
                           if term is not None} for row in result.rows]))
        return rows


def _iri(term) -> str | None:
    return term.value if isinstance(term, ox.NamedNode) else None


def _text(term) -> str | None:
    return None if term is None else term.value


def _int(term) -> int | None:
    if term is None:
        return None
    try:
        return int(term.value)
    except ValueError:
        try:
            return int(float(term.value))
        except ValueError:
            return None


def _float(term) -> float | None:
    if term is None:
        return None
    try:
        return float(term.value)
    except ValueError:
        return None


def _label(term, iri: str | None) -> str:
    return term.value if term is not None else (compact(iri) if iri else "")


def _item(row: dict, key: str, label_key: str) -> Item | None:
    iri = _iri(row.get(key))
    return Item(iri, _label(row.get(label_key), iri)) if iri else None


def _rate(count: int | None, population: int | None) -> float | None:
    if count is None or not population:
        return None
    return round(count * PER / population, 2)


# -- territory resolution ------------------------------------------------------------------------

_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{0,14}$")


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
        from ..query import Param

        iri = parse_param_value(Param("territory", "iri"), given).value
        if run("territory", keep=False, territory=f"<{iri}>", lang=lang):
            return iri
        raise _unknown(run, given, lang)
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", given) and "-" in given:  # a slug of sold:
        if run("territory", keep=False, territory=f"<{PREFIXES['sold']}{given}>", lang=lang):
            return PREFIXES["sold"] + given
    rows = run("find-territory", keep=False, text=given, lang=lang)
    if not rows:
        rows = run("find-territory-name", keep=False, text=given, lang=lang)
    if len(rows) == 1:
        return rows[0]["unit"].value
    if len(rows) > 1:
        named = "; ".join(f"{_label(r.get('label'), r['unit'].value)}"
                          f"{' (' + r['level'].value.rsplit('/', 1)[-1] + ')' if r.get('level') else ''}: "
                          f"{compact(r['unit'].value)}" for r in rows[:6])
        raise InputError(f"territory '{given}' names {len(rows)} territories: {named}; give the IRI")
    raise _unknown(run, given, lang)


def _unknown(run: _Runner, given: str, lang: str) -> UnknownTerritory:
    rows = run("territories", keep=False, lang=lang)
    names: dict[str, Item] = {}
    for row in rows:
        item = Item(row["unit"].value, _label(row.get("label"), row["unit"].value))
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
    row = run("territory", **p)[0]
    unit = Unit(iri=iri, label=_label(row.get("label"), iri), level=_iri(row.get("level")),
                level_label=_text(row.get("levelLabel")), code=_text(row.get("code")),
                population=_int(row.get("population")), lat=_float(row.get("lat")), long=_float(row.get("long")))
    d = Diagnosis(territory=unit, lang=lang, version=__version__)
    d.parents = [Unit(iri=r["unit"].value, label=_label(r.get("label"), r["unit"].value), level=_iri(r.get("level")),
                      population=_int(r.get("population"))) for r in run("parents", **p)]
    # what exists
    d.chains = [Chain(item=Item(_node(r["chain"]), _label(r.get("label"), _node(r["chain"]))),
                      cls=_item(r, "class", "classLabel"), unit=_iri(r.get("unit")), lat=_float(r.get("lat")),
                      long=_float(r.get("long")), intermediary_count=_int(r.get("intermediaryCount")),
                      policies=_int(r.get("policies")) or 0) for r in run("chains", **p)]
    chain_item = {c.item.iri: c.item for c in d.chains}
    sectors = {r["sector"].value: Item(r["sector"].value, _label(r.get("label"), r["sector"].value))
               for r in run("sectors", lang=lang)}
    per_sector: dict[str, list[Item]] = {s: [] for s in sectors}
    pairs_chain_sector: list[tuple[str, str]] = []
    for r in run("chain-sectors", **p):
        sector = _iri(r.get("sector"))
        if sector is None:
            continue
        pairs_chain_sector.append((_node(r["chain"]), sector))
        if sector not in sectors:
            sectors[sector] = Item(sector, _label(r.get("sectorLabel"), sector))
            per_sector[sector] = []
        chain = _node(r["chain"])
        per_sector[sector].append(chain_item.get(chain, Item(chain, compact(chain))))
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
    for r in run("chain-concepts", **p):
        prop, concept = r["property"].value, r["concept"].value
        concepts[prop].setdefault(concept, Item(concept, _label(r.get("conceptLabel"), concept)))
        chain = _node(r["chain"])
        per_concept[prop].setdefault(concept, []).append(chain_item.get(chain, Item(chain, compact(chain))))
    d.principles = _tallies(concepts[UPHOLDS], per_concept[UPHOLDS], keep_zero=False)
    d.mechanisms = _tallies(concepts[USES], per_concept[USES], keep_zero=False)
    actor_rows = run("actors", **p)
    participations = run("participants", **p)
    own_sectors = run("actor-sectors", territory=p["territory"])
    chain_sectors: dict[str, set[str]] = {}
    for chain, sector in pairs_chain_sector:
        chain_sectors.setdefault(chain, set()).add(sector)
    chains_of: dict[str, set[str]] = {}
    sectors_of: dict[str, set[str]] = {}
    for r in participations:
        actor, chain = _node(r["actor"]), _node(r["chain"])
        chains_of.setdefault(actor, set()).add(chain)
        sectors_of.setdefault(actor, set()).update(chain_sectors.get(chain, ()))
    for r in own_sectors:
        sectors_of.setdefault(_node(r["actor"]), set()).add(r["sector"].value)
    d.actors = [Actor(item=Item(_node(r["actor"]), _label(r.get("label"), _node(r["actor"]))),
                      cls=_item(r, "class", "classLabel"), lat=_float(r.get("lat")), long=_float(r.get("long")),
                      chains=len(chains_of.get(_node(r["actor"]), ())),
                      sectors=len(sectors_of.get(_node(r["actor"]), ())))
                for r in actor_rows]
    d.actors.sort(key=lambda a: (-a.chains, -a.sectors, a.item.label, a.item.iri))
    actor_item = {a.item.iri: a.item for a in d.actors}
    actor_classes: dict[str, Item] = {}
    per_actor_class: dict[str, list[Item]] = {}
    for a in d.actors:
        if a.cls:
            actor_classes.setdefault(a.cls.iri, a.cls)
            per_actor_class.setdefault(a.cls.iri, []).append(a.item)
    d.actor_classes = _tallies(actor_classes, per_actor_class, keep_zero=False)
    roles: dict[str, Item] = {}
    per_role: dict[str, list[Item]] = {}
    for r in participations:
        role, actor = r["role"].value, _node(r["actor"])
        roles.setdefault(role, Item(role, _label(r.get("roleLabel"), role)))
        members = per_role.setdefault(role, [])
        item = actor_item.get(actor, Item(actor, compact(actor)))
        if item not in members:
            members.append(item)
    d.roles = _tallies(roles, per_role, keep_zero=False)
    d.connected_actors = [a for a in d.actors if a.chains >= 2 or a.sectors >= 2]
    # where
    children = run("children", **p)
    for r in children:
        u = Unit(iri=r["unit"].value, label=_label(r.get("label"), r["unit"].value), level=_iri(r.get("level")),
                 code=_text(r.get("code")), population=_int(r.get("population")), lat=_float(r.get("lat")),
                 long=_float(r.get("long")))
        n = _int(r.get("chains")) or 0
        d.sub_territories.append(SubTerritory(unit=u, chains=n, per_inhabitants=_rate(n, u.population)))
    own_rate = d.chains_per_inhabitants
    for s in d.sub_territories:
        if s.chains == 0:
            s.gap = "no-chain"
        elif own_rate and s.per_inhabitants is not None and s.per_inhabitants < FAR_BELOW * own_rate:
            s.gap = "far-below"
    # comparison
    mine = run("figures", territory=f"<{iri}>")[0]
    d.comparison.append(_compare(unit, "self", mine))
    for parent in d.parents:
        figures = run("figures", territory=f"<{parent.iri}>")[0]
        d.comparison.append(_compare(parent, "parent", figures))
    for parent in d.parents:
        for r in run("children", territory=f"<{parent.iri}>", lang=lang):
            sibling = r["unit"].value
            if sibling == iri or (unit.level and _iri(r.get("level")) != unit.level):
                continue
            u = Unit(iri=sibling, label=_label(r.get("label"), sibling), level=_iri(r.get("level")),
                     population=_int(r.get("population")))
            n = _int(r.get("chains")) or 0
            d.comparison.append(Comparison(unit=u, relation="sibling", chains=n, actors=None, policies=None,
                                           chains_per_inhabitants=_rate(n, u.population),
                                           actors_per_inhabitants=None))
    # support
    policies: dict[str, Policy] = {}
    for r in run("policies", **p):
        key = r["policy"].value
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
    d.signatories = [Signature(charter=Item(r["charter"].value, _label(r.get("charterLabel"), r["charter"].value)),
                               actor=Item(r["actor"].value, _label(r.get("label"), r["actor"].value)))
                     for r in run("signatories", **p)]
    # gaps
    gaps = Gaps()
    gaps.sectors_without_chain = [t.item for t in d.sectors if t.count == 0]
    by_pop = sorted(d.sub_territories, key=lambda s: (-(s.unit.population or 0), s.unit.label, s.unit.iri))
    gaps.sub_territories_without_chain = [Item(s.unit.iri, s.unit.label) for s in by_pop if s.gap == "no-chain"]
    gaps.sub_territories_far_below = [Item(s.unit.iri, s.unit.label) for s in by_pop if s.gap == "far-below"]
    gaps.excess_intermediaries = [Excess(item=Item(r["chain"].value, _label(r.get("label"), r["chain"].value)),
                                         intermediary_count=_int(r.get("intermediaryCount")),
                                         recorded=_int(r.get("recordedIntermediaries")) or 0)
                                  for r in run("intermediaries", **p)]
    gaps.missing = [Missing(item=Item(_node(r["node"]), _label(r.get("label"), _node(r["node"]))),
                            kind=r["kind"].value, missing=r["missing"].value) for r in run("completeness", **p)]
    if check:
        if progress:
            progress("checking the territory's data")
        subjects = [c.item.iri for c in d.chains] + [a.item.iri for a in d.actors] + list(policies)
        gaps.findings = _quality(subjects, store=store, endpoint=endpoint, graphs=graphs, lang=lang,
                                 timeout=timeout, graph_paths=graph_paths or {})
    else:
        gaps.findings_checked = False
    d.gaps = gaps
    d.sources = _sources(store=store, endpoint=endpoint, void=void, graph_paths=graph_paths or {},
                         subjects=[c.item.iri for c in d.chains] + [a.item.iri for a in d.actors])
    d.queries = run.runs
    d.key_messages = _messages(d)
    return d


def _node(term) -> str:
    return term.value if isinstance(term, ox.NamedNode) else f"_:{term.value}"


def _tallies(items: dict[str, Item], members: dict[str, list[Item]], keep_zero: bool = True) -> list[Tally]:
    out = []
    for key, item in items.items():
        listed = sorted(set(members.get(key, [])), key=lambda i: (i.label.lower(), i.iri))
        if listed or keep_zero:
            out.append(Tally(item=item, count=len(listed), members=listed))
    return sorted(out, key=lambda t: (-t.count, t.item.label.lower(), t.item.iri))


def _compare(unit: Unit, relation: str, row: dict) -> Comparison:
    population = _int(row.get("population")) if row.get("population") is not None else unit.population
    chains, actors = _int(row.get("chains")) or 0, _int(row.get("actors")) or 0
    u = Unit(iri=unit.iri, label=unit.label, level=unit.level, population=population)
    return Comparison(unit=u, relation=relation, chains=chains, actors=actors, policies=_int(row.get("policies")) or 0,
                      chains_per_inhabitants=_rate(chains, population),
                      actors_per_inhabitants=_rate(actors, population))


# -- data quality and sources ----------------------------------------------------------------------

def _quality(subjects: list[str], *, store, endpoint, graphs, lang, timeout, graph_paths) -> list[QualityFinding]:
    """``solkg check`` (shapes, ill-typed literals) on the triples of ``subjects`` and the types of
    what they point to, beside the project's ontology and shapes."""
    project = Project()
    work = project.vocabulary()
    if not subjects:
        return []
    rdf_type = ox.NamedNode(PREFIXES["rdf"] + "type")
    quads: list[ox.Quad] = []
    if store is not None:
        for iri in subjects:
            node = ox.BlankNode(iri[2:]) if iri.startswith("_:") else ox.NamedNode(iri)
            quads.extend(store.quads_for_pattern(node, None, None))
        objects = {q.object for q in quads if isinstance(q.object, ox.NamedNode)}
        for obj in sorted(objects, key=str):
            quads.extend(store.quads_for_pattern(obj, rdf_type, None))
    else:
        from ..query import adhoc_query

        graph = ox.NamedNode("urn:solkg:diagnosis")
        named = [s for s in subjects if not s.startswith("_:")]
        for start in range(0, len(named), 200):
            values = " ".join(f"<{s}>" for s in named[start:start + 200])
            text = (f"CONSTRUCT {{ ?s ?p ?o . ?o a ?t }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o "
                    f"OPTIONAL {{ ?o a ?t FILTER(isIRI(?o)) }} }}")
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


def _sources(*, store, endpoint, void: Path | None, graph_paths: dict[str, str], subjects: list[str]) -> Sources:
    out = Sources(endpoint=endpoint)
    counts: dict[str, int] = {}
    if void is not None and Path(void).is_file():
        out.dataset, counts = _read_void(Path(void))
    if store is not None:
        holding: set[str] = set()
        for iri in subjects:
            if iri.startswith("_:"):
                continue
            for quad in store.quads_for_pattern(ox.NamedNode(iri), None, None):
                if isinstance(quad.graph_name, ox.NamedNode):
                    holding.add(quad.graph_name.value)
        lic = ox.NamedNode(PREFIXES["dcterms"] + "license")
        references = {g.value for g in store.named_graphs()
                      if isinstance(g, ox.NamedNode) and g.value.startswith(PREFIXES["solg"] + "reference/")}
        for graph in sorted(holding | references):
            licence = None
            for quad in store.quads_for_pattern(ox.NamedNode(graph), lic, None):
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
        rate = d.chains_per_inhabitants
        out.append(Message("fact", t(lang, "km_chains", n=number(len(d.chains), lang), label=label,
                                     rate=t(lang, "km_rate", rate=number(rate, lang)) if rate is not None else "")))
        for c in d.comparison:
            if c.relation == "parent" and rate is not None and c.chains_per_inhabitants:
                ratio = rate / c.chains_per_inhabitants
                times = t(lang, "ratio_above", x=number(round(ratio, 2), lang, 2))
                out.append(Message("strength" if ratio >= 1 else "gap",
                                   t(lang, "km_vs_parent", ratio=times, parent=c.unit.label,
                                     prate=number(c.chains_per_inhabitants, lang))))
    with_chains = [s for s in d.sectors if s.count]
    if d.sectors and len(with_chains) == len(d.sectors):
        out.append(Message("strength", t(lang, "km_sectors_all", n=len(d.sectors))))
    elif d.sectors:
        missing = ", ".join(i.label for i in d.gaps.sectors_without_chain)
        out.append(Message("gap", t(lang, "km_sectors", k=len(with_chains), n=len(d.sectors), missing=missing)))
    if d.actors:
        out.append(Message("fact", t(lang, "km_actors", n=number(len(d.actors), lang),
                                     c=number(len(d.connected_actors), lang))))
    if d.policies:
        supported = sum(1 for c in d.chains if c.policies)
        out.append(Message("strength", t(lang, "km_policies", n=len(d.policies), s=number(supported, lang))))
    else:
        out.append(Message("gap", t(lang, "km_no_policy")))
    if d.gaps.sub_territories_without_chain:
        out.append(Message("gap", t(lang, "km_subs", n=number(len(d.gaps.sub_territories_without_chain), lang),
                                    m=number(len(d.sub_territories), lang))))
    if d.gaps.excess_intermediaries:
        out.append(Message("gap", t(lang, "km_excess", n=len(d.gaps.excess_intermediaries))))
    incomplete = {m.item.iri for m in d.gaps.missing}
    if incomplete:
        out.append(Message("gap", t(lang, "km_missing", n=number(len(incomplete), lang))))
    if d.gaps.findings:
        v = sum(1 for f in d.gaps.findings if f.severity == "violation")
        w = sum(1 for f in d.gaps.findings if f.severity == "warning")
        out.append(Message("gap", t(lang, "km_findings", v=v, w=w)))
    return out
