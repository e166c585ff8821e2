"""Remote SPARQL servers, above the query and check layers: queries, checks and publishing.

One HTTP client (:mod:`solkg.remote.http`) serves all three; the named queries and checks are the
same ones the embedded store runs.

>>> from solkg.remote import resolve_endpoints
>>> resolve_endpoints(server="oxigraph", endpoint="http://127.0.0.1:7878").query
'http://127.0.0.1:7878/query'
"""

from .check import check_endpoint
from .http import SERVERS, USER_AGENT, Endpoints, HttpClient, resolve_endpoints
from .publish import PublishResult, publish
from .sparql import PAGE_SIZE, fetch_graph, graph_counts, remote_query, run_remote, sparql_select, sparql_update

__all__ = [
    "PAGE_SIZE",
    "SERVERS",
    "USER_AGENT",
    "Endpoints",
    "HttpClient",
    "PublishResult",
    "check_endpoint",
    "fetch_graph",
    "graph_counts",
    "publish",
    "remote_query",
    "resolve_endpoints",
    "run_remote",
    "sparql_select",
    "sparql_update",
]
