"""``solkg serve``: a read-only SPARQL 1.1 endpoint and linked-data web pages over the embedded store.

The app is ASGI (Starlette), served by uvicorn; see :mod:`solkg.serve.app`.
"""

from __future__ import annotations

__all__ = ["ServeConfig", "create_app", "leaflet_dir"]


def __getattr__(name):  # lazy: importing solkg.serve stays cheap (the query workers import it)
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(name)
