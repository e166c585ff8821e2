"""Reading the store: named and ad-hoc SPARQL queries, their parameters, results and ``info``.

>>> from solkg.query import get_query, list_queries
>>> "sectors-overview" in [q.name for q in list_queries()]
True
"""

from .named import PARAM_KINDS, NamedQuery, Param, adhoc_query, get_query, list_queries, load_query, query_form
from .params import (bind_params, dataset_options, inject_page, inject_values, parse_param_value, parse_params,
                     uses_service)
from .results import (RESULT_FORMATS, RESULTS_FORMATS, RESULTS_MEDIA, render_results, sparql_json_term, write_ask,
                      write_results, write_select)
from .run import DEFAULT_LIMIT, QueryResult, run_query

__all__ = [
    "DEFAULT_LIMIT",
    "PARAM_KINDS",
    "RESULT_FORMATS",
    "RESULTS_FORMATS",
    "RESULTS_MEDIA",
    "NamedQuery",
    "Param",
    "QueryResult",
    "adhoc_query",
    "bind_params",
    "dataset_options",
    "get_query",
    "inject_page",
    "inject_values",
    "list_queries",
    "load_query",
    "parse_param_value",
    "parse_params",
    "query_form",
    "render_results",
    "run_query",
    "sparql_json_term",
    "uses_service",
    "write_ask",
    "write_results",
    "write_select",
]
