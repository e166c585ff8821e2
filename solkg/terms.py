"""RDF terms for people (a leaf module).

>>> import pyoxigraph as ox
>>> show_term(ox.NamedNode("https://w3id.org/solkg/vocab/sector/food"))
'sector:food'
"""

from __future__ import annotations

import pyoxigraph as ox

from .namespaces import compact

__all__ = ["show_term"]


def show_term(term) -> str:
    """A term for people: ``prefix:local`` IRIs, ``_:id`` blank nodes, a literal's text."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value
