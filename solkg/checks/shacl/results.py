"""SHACL validation results: one typed form for every validator, their severities and messages.

>>> severity(ox.NamedNode(SH + "Warning")), severity(None)
('warning', 'violation')
>>> messages([ox.Literal("b", language="fr"), ox.Literal("a")])
(('', 'a'), ('fr', 'b'))
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import total_ordering
from typing import Any

import pyoxigraph as ox

from ...namespaces import compact
from .shapes import SH, ShapesGraph

__all__ = ["RawResult", "ShaclResult", "default_messages", "messages", "severity"]

_SEVERITY = {SH + "Violation": "violation", SH + "Warning": "warning", SH + "Info": "info"}


@total_ordering
@dataclass(frozen=True)
class ShaclResult:
    """One SHACL validation result, the same whichever validator made it.

    ``focus``/``value``/``shape``: pyoxigraph terms (the shape: its IRI or blank node);
    ``path``: the IRI of a predicate path, else SPARQL property-path text (``(<a>|<b>)``, ``^<p>``,
    ``(<a>/<b>)``, ``<p>*``), ``None`` when the result has none; ``component``: the constraint
    component IRI; ``severity``: ``violation|warning|info`` (a custom severity keeps its IRI);
    ``messages``: sorted ``(lang, text)`` pairs (lang ``""`` when untagged).

    Results sort by (focus, path, value, component, severity, shape, messages) in N-Triples text,
    ``None`` first.

    >>> r = ShaclResult(ox.NamedNode("urn:x"), "urn:p", None, SH + "MinCountConstraintComponent",
    ...                 "violation", ox.BlankNode("b0"), (("en", "missing"),))
    >>> r.key()[:2]
    ('<urn:x>', 'urn:p')
    """

    focus: Any
    path: str | None
    value: Any
    component: str | None
    severity: str
    shape: Any
    messages: tuple[tuple[str, str], ...] = ()

    def key(self) -> tuple[str, str | None, str | None, str | None, str]:
        """(focus, path, value, component, severity) as text: what validators must agree on."""
        return (str(self.focus), self.path, None if self.value is None else str(self.value), self.component,
                self.severity)

    def _order(self) -> tuple:
        return (
            str(self.focus),
            self.path or "",
            "" if self.value is None else str(self.value),
            self.component or "",
            self.severity,
            str(self.shape),
            self.messages,
        )

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, ShaclResult):
            return NotImplemented
        return self._order() < other._order()


class RawResult:
    """A result of the ``sparql`` validator before its severity and default messages are looked up."""

    __slots__ = ("focus", "path", "value", "component", "shape", "messages")

    def __init__(self, focus, path, value, component, shape, messages=None):
        self.focus, self.path, self.value = focus, path, value
        self.component, self.shape, self.messages = component, shape, messages


def severity(term: Any) -> str:
    """``violation|warning|info`` for the SHACL severities (None: violation); another IRI as is."""
    if term is None:
        return "violation"
    return _SEVERITY.get(term.value, term.value) if isinstance(term, ox.NamedNode) else str(term)


def messages(lits: Iterable[Any]) -> tuple[tuple[str, str], ...]:
    """Sorted distinct ``(lang, text)`` of the literals among ``lits``."""
    return tuple(
        sorted({(o.language or "", o.value) for o in lits if isinstance(o, ox.Literal)})
    )


# Default messages when a shape has no sh:message: (en, fr), formatted with the parameter text.
_DEFAULT_MESSAGES: dict[str, tuple[str, str]] = {
    "Class": ("Value is not an instance of {}", "La valeur n'est pas une instance de {}"),
    "Datatype": ("Value is not a valid literal of datatype {}",
                 "La valeur n'est pas un littéral valide du type {}"),
    "NodeKind": ("Value is not of node kind {}", "La valeur n'est pas du genre de nœud {}"),
    "MinCount": ("Fewer than {} values", "Moins de {} valeurs"),
    "MaxCount": ("More than {} values", "Plus de {} valeurs"),
    "MinInclusive": ("Value is not >= {}", "La valeur n'est pas >= {}"),
    "MaxInclusive": ("Value is not <= {}", "La valeur n'est pas <= {}"),
    "MinExclusive": ("Value is not > {}", "La valeur n'est pas > {}"),
    "MaxExclusive": ("Value is not < {}", "La valeur n'est pas < {}"),
    "MinLength": ("Value is shorter than {} characters", "La valeur a moins de {} caractères"),
    "MaxLength": ("Value is longer than {} characters", "La valeur a plus de {} caractères"),
    "Pattern": ("Value does not match the pattern {}", "La valeur ne suit pas le motif {}"),
    "LanguageIn": ("Language tag is not one of {}", "La langue n'est pas parmi {}"),
    "UniqueLang": ("More than one value with the same language",
                   "Plusieurs valeurs dans la même langue"),
    "In": ("Value is not one of {}", "La valeur n'est pas parmi {}"),
    "HasValue": ("Missing the value {}", "La valeur {} manque"),
    "Equals": ("Values differ from those of {}", "Les valeurs diffèrent de celles de {}"),
    "Disjoint": ("Value is also a value of {}", "La valeur est aussi une valeur de {}"),
    "LessThan": ("Value is not < the values of {}", "La valeur n'est pas < celles de {}"),
    "LessThanOrEquals": ("Value is not <= the values of {}", "La valeur n'est pas <= celles de {}"),
    "Node": ("Value does not conform to shape {}", "La valeur n'est pas conforme à la forme {}"),
    "Not": ("Value conforms to the excluded shape {}",
            "La valeur est conforme à la forme exclue {}"),
    "And": ("Value does not conform to all the shapes", "La valeur n'est pas conforme à toutes les formes"),
    "Or": ("Value conforms to none of the shapes", "La valeur n'est conforme à aucune des formes"),
    "Xone": ("Value does not conform to exactly one shape",
             "La valeur n'est pas conforme à exactement une forme"),
    "QualifiedMinCount": ("Fewer than {} values conform to the qualified shape",
                          "Moins de {} valeurs conformes à la forme qualifiée"),
    "QualifiedMaxCount": ("More than {} values conform to the qualified shape",
                          "Plus de {} valeurs conformes à la forme qualifiée"),
    "Closed": ("Property not allowed by the closed shape",
               "Propriété non permise par la forme fermée"),
    "SPARQL": ("SPARQL constraint not satisfied", "Contrainte SPARQL non satisfaite"),
}

_COMPONENT_PARAM = {
    "Class": "class", "Datatype": "datatype", "NodeKind": "nodeKind", "MinCount": "minCount",
    "MaxCount": "maxCount", "MinInclusive": "minInclusive", "MaxInclusive": "maxInclusive",
    "MinExclusive": "minExclusive", "MaxExclusive": "maxExclusive", "MinLength": "minLength",
    "MaxLength": "maxLength", "Pattern": "pattern", "LanguageIn": "languageIn", "In": "in",
    "HasValue": "hasValue", "Equals": "equals", "Disjoint": "disjoint", "LessThan": "lessThan",
    "LessThanOrEquals": "lessThanOrEquals", "Node": "node", "Not": "not",
    "QualifiedMinCount": "qualifiedMinCount", "QualifiedMaxCount": "qualifiedMaxCount",
}


def _param_text(g: ShapesGraph, shape: Any, local: str) -> str:
    p = _COMPONENT_PARAM.get(local)
    if p is None:
        return ""
    vals = g.objs(shape, SH + p)
    if p in ("languageIn", "in"):
        vals = [x for v in vals for x in g.items(v)]

    def one(v: Any) -> str:
        if isinstance(v, ox.NamedNode):
            return compact(v.value)
        if isinstance(v, ox.Literal):
            return v.value
        return "[]"

    return ", ".join(sorted(one(v) for v in vals))


def default_messages(g: ShapesGraph, shape: Any, component: str | None) -> tuple[tuple[str, str], ...]:
    """The en/fr messages of a result of ``shape`` that has no ``sh:message``, naming its parameters."""
    if not component or not component.startswith(SH) or not component.endswith("ConstraintComponent"):
        return ()
    local = component[len(SH):-len("ConstraintComponent")]
    tpl = _DEFAULT_MESSAGES.get(local)
    if tpl is None:
        return ()
    arg = _param_text(g, shape, local)
    return tuple(sorted((("en", tpl[0].format(arg)), ("fr", tpl[1].format(arg)))))
