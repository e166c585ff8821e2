"""The typed result of a territorial diagnosis: what :func:`solkg.diagnose.diagnose` returns and
every renderer (JSON, Markdown, HTML, PDF) reads.

>>> Item("https://w3id.org/solkg/id/x", "X").label
'X'
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from ..findings import Term
from ..query import sparql_json_term

__all__ = [
    "Item", "Tally", "Unit", "SubTerritory", "Comparison", "Chain", "Actor", "Policy", "Signature",
    "Excess", "Missing", "QualityFinding", "QueryRun", "Message", "Gaps", "Sources", "Diagnosis",
    "PER", "FAR_BELOW", "plain",
]

PER = 100_000
"""Rates are given per this many inhabitants."""
FAR_BELOW = 0.25
"""A sub-territory is "far below" when its rate of chains per inhabitant is under this fraction of
its parent's (and it has at least one chain: with none it is listed as having no chain)."""


def plain(value: Any) -> Any:
    """``value`` (dataclasses, lists, dicts and scalars) as plain JSON values: what
    :func:`dataclasses.asdict` gives, without its deep copies (a report holds tens of thousands of
    values).

    >>> plain([Item("urn:x", "X")])
    [{'iri': 'urn:x', 'label': 'X'}]
    """
    names = getattr(type(value), "__dataclass_fields__", None)
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True, order=True)
class Item:
    """A thing of the graph: its IRI and its label (in the report's language when it has one)."""

    iri: str
    label: str


@dataclass
class Tally:
    """A count and the list behind it: ``count == len(members)``."""

    item: Item
    count: int
    members: list[Item] = field(default_factory=list)


@dataclass
class Unit:
    """A territory as the diagnosis places it."""

    iri: str
    label: str
    level: str | None = None
    level_label: str | None = None
    code: str | None = None
    population: int | None = None
    lat: float | None = None
    long: float | None = None


@dataclass
class SubTerritory:
    """A territory directly inside the diagnosed one, with its chains (inside it at any depth)."""

    unit: Unit
    chains: int
    per_inhabitants: float | None
    """Chains per :data:`PER` inhabitants, when the population is known."""
    gap: str | None = None
    """``"no-chain"``, ``"far-below"`` (see :data:`FAR_BELOW`) or None."""


@dataclass
class Comparison:
    """A territory beside the diagnosed one: itself (``self``), what contains it (``parent``) or a
    territory of the same level in the same parent (``sibling``)."""

    unit: Unit
    relation: str
    chains: int
    actors: int | None
    policies: int | None
    chains_per_inhabitants: float | None
    actors_per_inhabitants: float | None


@dataclass
class Chain:
    item: Item
    cls: Item | None
    unit: str | None
    """The territory it operates in (the first by IRI)."""
    lat: float | None
    long: float | None
    intermediary_count: int | None
    policies: int
    unit_label: str | None = None
    """That territory's label."""


@dataclass
class Actor:
    item: Item
    cls: Item | None
    lat: float | None
    long: float | None
    chains: int
    """Chains of the territory it takes part in."""
    sectors: int
    """Sectors it spans: those of its chains in the territory and its own."""


@dataclass
class Policy:
    item: Item
    cls: Item | None
    carrier: Item | None
    scope: str | None
    """The territory it applies to (the first by IRI), if it says."""
    aims: list[Item]
    supported_chains: int
    scope_label: str | None = None
    """That territory's label, when the report knows it (the territory, what contains it, what it contains)."""


@dataclass
class Signature:
    charter: Item
    actor: Item


@dataclass
class Excess:
    """A food chain with more intermediaries than the definition allows (at most one)."""

    item: Item
    intermediary_count: int | None
    recorded: int


@dataclass
class Missing:
    item: Item
    kind: str
    """``chain`` or ``actor``."""
    missing: str
    """``coordinates``, ``sector`` or ``label``."""


@dataclass
class QualityFinding:
    """A finding of ``solkg check`` on the territory's chains, actors and policies."""

    severity: str
    check: str
    focus: str
    path: str | None
    value: str | None
    message: str
    source: str


@dataclass
class QueryRun:
    """One named query as it ran: its name, parameters, variables and rows (pyoxigraph terms,
    ``None`` when unbound, in :func:`solkg.diagnose.core.sort_rows` order).

    >>> import pyoxigraph as ox
    >>> QueryRun("q", {}, ["x", "y"], [(ox.NamedNode("urn:a"), None)]).bindings
    [{'x': {'type': 'uri', 'value': 'urn:a'}}]
    """

    name: str
    params: dict[str, str]
    variables: list[str]
    rows: list[tuple[Term | None, ...]] = field(default_factory=list, repr=False)

    @property
    def bindings(self) -> list[dict[str, dict]]:
        """The rows as W3C SPARQL 1.1 Query Results JSON bindings (unbound variables left out)."""
        return [{v: sparql_json_term(term) for v, term in zip(self.variables, row, strict=True) if term is not None}
                for row in self.rows]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "params": dict(self.params), "variables": list(self.variables),
                "bindings": self.bindings}


@dataclass
class Message:
    """A key message of the synthesis: ``kind`` is ``strength``, ``gap`` or ``fact``."""

    kind: str
    text: str


@dataclass
class Gaps:
    sectors_without_chain: list[Item] = field(default_factory=list)
    sub_territories_without_chain: list[Item] = field(default_factory=list)
    sub_territories_far_below: list[Item] = field(default_factory=list)
    excess_intermediaries: list[Excess] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    findings: list[QualityFinding] = field(default_factory=list)
    findings_checked: bool = True
    """False when the data-quality check could not run (say, on a remote endpoint without it)."""


@dataclass
class Sources:
    graphs: list[dict] = field(default_factory=list)
    """``{"graph", "triples", "source", "licence"}`` per named graph holding the territory's data."""
    dataset: dict = field(default_factory=dict)
    """From the build's VoID description: ``modified`` (build time), ``licence``, ``version``."""
    endpoint: str | None = None


@dataclass
class Diagnosis:
    """A territorial diagnosis: every figure, with the list behind it and the query it came from."""

    territory: Unit
    lang: str
    parents: list[Unit] = field(default_factory=list)
    key_messages: list[Message] = field(default_factory=list)
    chains: list[Chain] = field(default_factory=list)
    sectors: list[Tally] = field(default_factory=list)
    classes: list[Tally] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    actor_classes: list[Tally] = field(default_factory=list)
    roles: list[Tally] = field(default_factory=list)
    connected_actors: list[Actor] = field(default_factory=list)
    principles: list[Tally] = field(default_factory=list)
    mechanisms: list[Tally] = field(default_factory=list)
    sub_territories: list[SubTerritory] = field(default_factory=list)
    comparison: list[Comparison] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)
    signatories: list[Signature] = field(default_factory=list)
    gaps: Gaps = field(default_factory=Gaps)
    sources: Sources = field(default_factory=Sources)
    queries: list[QueryRun] = field(default_factory=list)
    version: str = ""

    @property
    def chains_per_inhabitants(self) -> float | None:
        pop = self.territory.population
        return len(self.chains) * PER / pop if pop else None

    def to_dict(self) -> dict[str, Any]:
        """Every figure and list, as plain JSON values (the ``json`` format)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = [q.to_dict() for q in value] if f.name == "queries" else plain(value)
        out["figures"] = {
            "chains": len(self.chains),
            "actors": len(self.actors),
            "connected_actors": len(self.connected_actors),
            "policies": len(self.policies),
            "signatories": len({s.actor.iri for s in self.signatories}),
            "sectors_with_chains": sum(1 for t in self.sectors if t.count),
            "sectors": len(self.sectors),
            "population": self.territory.population,
            "chains_per_inhabitants": self.chains_per_inhabitants,
            "per": PER,
        }
        return out
