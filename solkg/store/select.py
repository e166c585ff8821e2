"""SELECT answers from a store, typed (pyoxigraph's ``Store.query`` returns one of three kinds).

>>> store = ox.Store()
>>> [row["x"].value for row in select(store, 'SELECT ?x WHERE { VALUES ?x { "a" } }')]
['a']
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

__all__ = ["select"]


def select(store: ox.Store, query: str, **options: Any) -> ox.QuerySolutions:
    """The solutions of a SELECT ``query`` on ``store`` (``options`` as ``Store.query`` takes them)."""
    answer = store.query(query, **options)
    if not isinstance(answer, ox.QuerySolutions):
        raise TypeError("not a SELECT query")
    return answer
