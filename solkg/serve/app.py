"""The web app of ``solkg serve``: a read-only SPARQL 1.1 endpoint and linked-data pages.

An ASGI app (Starlette). The HTML pages read the store in the server process (short, bounded
queries); SPARQL requests and named queries run in worker processes (:mod:`solkg.serve.pool`)
that are killed when a query runs past its time.

Routes: ``/`` home, ``/search``, ``/classes``, ``/schemes``, ``/map``, ``/query`` and
``/query/<name>``, ``/sparql``, ``/graphs``, and the dereferenceable IRIs ``/ontology``,
``/vocab/...``, ``/id/...``, ``/graph/...`` (plus ``/resource?iri=`` for any other IRI the graph
mentions). Every request first passes :class:`solkg.serve.guard.Guard` (limits, the public base
URL, ``nosniff``, CORS); docs/security.md says what the endpoint allows.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlparse

import anyio
import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import InputError
from ..limits import query_problem
from ..namespaces import compact
from ..release.export import serialize_triples
from ..store import DEFAULT_STORE, graph_triple_counts, open_store
from . import pages
from .conneg import best, pick_language
from .escape import script_json
from .graphs import DATASET_LICENSE, graph_info, void_triples
from .guard import Guard, check_urlencoded
from .i18n import LANGS, t
from .pool import AnswerCache, PoolBusy, QueryPool, QueryTimeout, WorkerFailed
from .search import LabelIndex, fold
from .sparql import (
    FORMAT_PARAMS,
    GRAPH_MEDIA,
    SD_PREFIXES,
    ProtocolError,
    format_choice,
    format_values,
    service_description,
    uses_service,
)

__all__ = ["ServeConfig", "create_app", "leaflet_dir"]

HERE = Path(__file__).resolve().parent
MAX_BODY = 1_000_000
QUERY_QUEUE = 64
"""Most SPARQL requests in flight (running or waiting for a worker); more are answered 503 at once.
They wait in threads of their own, so the pages never wait behind them."""
RDF_KEYS = ("turtle", "ntriples", "jsonld", "rdfxml")
_FORMAT_OVERRIDES = {
    "html": "html",
    "ttl": "turtle",
    "turtle": "turtle",
    "jsonld": "jsonld",
    "nt": "ntriples",
    "ntriples": "ntriples",
    "rdf": "rdfxml",
    "rdfxml": "rdfxml",
}
_DEREF_OFFER = [
    "text/turtle",
    "text/html",
    "application/xhtml+xml",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
]
_DEREF_KEY = {
    "text/turtle": "turtle",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/ld+json": "jsonld",
    "application/n-triples": "ntriples",
    "application/rdf+xml": "rdfxml",
}
VARY_DATA = "Accept, Accept-Language, Cookie"
VARY_PAGE = "Accept-Language, Cookie"


@dataclass
class ServeConfig:
    """How ``solkg serve`` runs (the command's options)."""

    store_path: Path = DEFAULT_STORE
    timeout: float = 30.0
    """Seconds a SPARQL query may run before it is stopped (HTTP 503)."""
    max_results: int = 10000
    """Most rows (or triples) a query may return; more is refused (HTTP 422)."""
    workers: int = 2
    """Query worker processes (the general lane)."""
    short_lane: int = 1
    """Worker processes kept for short queries, used when the general ones are all busy (0: none)."""
    short_budget: float = 1.0
    """Seconds a query may run in the short lane before it is stopped and sent to the general lane."""
    cors: bool = False
    """``Access-Control-Allow-Origin: *`` on /sparql and the data (not on pages or static files)."""
    base_url: str | None = None
    """The public base URL (``https://host[:port]``) of absolute links; ``None``: the bound address."""
    trust_proxy_headers: bool = False
    """Without ``base_url``, build absolute links from ``X-Forwarded-Proto``/``X-Forwarded-Host``/``Host``."""
    tiles: str | None = None
    """A tile URL template (``https://{s}.tile.example.org/{z}/{x}/{y}.png``); none: a graticule."""
    tiles_attribution: str = ""


def leaflet_dir() -> Path | None:
    """Where Leaflet's dist files are: the xstatic-leaflet package, or an npm install named by
    ``SOLKG_LEAFLET_DIR`` (a ``node_modules/leaflet/dist`` folder or the prefix holding it)."""
    env = os.environ.get("SOLKG_LEAFLET_DIR")
    if env:
        for candidate in (Path(env), Path(env) / "node_modules" / "leaflet" / "dist", Path(env) / "dist"):
            if (candidate / "leaflet.js").is_file():
                return candidate
    try:
        import xstatic.pkg.leaflet as xl

        path = Path(xl.BASE_DIR)
        if (path / "leaflet.js").is_file():
            return path
    except ImportError:
        pass
    cache = (
        Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "solkg" / "node_modules" / "leaflet" / "dist"
    )
    return cache if (cache / "leaflet.js").is_file() else None


# ---------------------------------------------------------------------------------------------


class SolkgApp:
    def __init__(self, config: ServeConfig):
        self.config = config
        self._store: ox.Store | None = None
        self._pool: QueryPool | None = None
        self.leaflet = leaflet_dir()
        self.env = Environment(
            loader=FileSystemLoader(str(HERE / "templates")),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["compact"] = compact
        self.env.filters["urlquote"] = lambda s: quote(str(s), safe="")
        self.env.filters["script_json"] = script_json
        self.env.filters["fold"] = fold
        self.env.filters["href"] = pages.href
        self._queries = None
        self._graphs: list[str] | None = None
        self._graph_counts: dict[str, int] = {}
        self._graph_info: dict[str, object] = {}
        self.index: LabelIndex | None = None
        self.cache = AnswerCache()
        self.query_threads = None  # an anyio.CapacityLimiter, made in the event loop (lifespan)
        self.in_flight = 0

    # -- life cycle
    def startup(self) -> None:
        self._store = open_store(self.config.store_path, read_only=True)
        self.index = LabelIndex(self._store)
        self._pool = QueryPool(
            self.config.store_path,
            size=self.config.workers,
            timeout=self.config.timeout,
            short_lane=self.config.short_lane,
            short_budget=self.config.short_budget,
        )
        self._pool.start()

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.close()

    @property
    def store(self) -> ox.Store:
        """The store, read-only (opened by :meth:`startup`)."""
        if self._store is None:
            raise RuntimeError("the app has not started: startup() opens the store")
        return self._store

    @property
    def pool(self) -> QueryPool:
        """The query workers (started by :meth:`startup`)."""
        if self._pool is None:
            raise RuntimeError("the app has not started: startup() starts the query workers")
        return self._pool

    # -- helpers
    def ask(self, request: dict):
        """A worker's answer to ``request`` (cached: the store is read-only)."""
        answer = self.cache.get(request)
        if answer is None:
            answer = self.pool.run(request)
            if answer[0] == "ok" or answer[1] in (400, 403, 404, 406, 422):
                self.cache.put(request, answer)
        return answer

    def named_queries(self):
        if self._queries is None:
            from ..query import list_queries

            self._queries = {q.name: q for q in list_queries()}
        return self._queries

    def graphs(self) -> list[str]:
        if self._graphs is None:
            self._graph_counts = graph_triple_counts(self.store)
            self._graphs = list(self._graph_counts)
        return self._graphs

    def graph_info(self, iri: str):
        """A named graph's figures (computed once: the store is read-only)."""
        info = self._graph_info.get(iri)
        if info is None:
            info = self._graph_info[iri] = graph_info(self.store, iri)
        return info

    def lang(self, request: Request) -> str:
        chosen = request.query_params.get("lang")
        if chosen in LANGS:
            return chosen
        cookie = request.cookies.get("solkg_lang")
        if cookie in LANGS:
            return cookie
        return pick_language(request.headers.get("accept-language"), LANGS)

    def csp(self) -> str:
        img = ["'self'", "data:"]
        if self.config.tiles:
            parsed = urlparse(self.config.tiles)
            if parsed.scheme and parsed.netloc:
                img.append(f"{parsed.scheme}://{parsed.netloc.replace('{s}', '*')}")
        return (
            "default-src 'self'; img-src " + " ".join(img) + "; style-src 'self'; script-src 'self'; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
        )

    def render(self, request: Request, template: str, *, status: int = 200, vary: str = VARY_PAGE, **context):
        lang = self.lang(request)
        params = dict(request.query_params)

        def switch(code):
            return request.url.path + "?" + urlencode({**params, "lang": code})

        html = self.env.get_template(template).render(
            lang=lang,
            t=partial(t, lang),
            path=request.url.path,
            switch=switch,
            langs=LANGS,
            leaflet=self.leaflet is not None,
            config=self.config,
            **context,
        )
        response = HTMLResponse(html, status_code=status)
        response.headers["Vary"] = vary
        response.headers["Content-Security-Policy"] = self.csp()
        response.headers["X-Content-Type-Options"] = "nosniff"
        if request.query_params.get("lang") in LANGS:
            response.set_cookie("solkg_lang", request.query_params["lang"], max_age=365 * 86400, samesite="lax")
        return response

    def error_page(self, request: Request, status: int, title: str, message: str, *, vary: str = VARY_PAGE):
        return self.render(request, "error.html", status=status, vary=vary, title=title, message=message)

    # -- pages
    def home(self, request: Request):
        counts = pages.home_counts(self.store)
        return self.render(request, "home.html", counts=counts)

    def search(self, request: Request):
        text = request.query_params.get("q", "")[:200]
        results = pages.search(self.store, text, self.lang(request), index=self.index) if text.strip() else []
        return self.render(request, "search.html", q=text, results=results)

    def classes(self, request: Request):
        return self.render(request, "classes.html", classes=pages.class_tree(self.store, self.lang(request)))

    def schemes(self, request: Request):
        lang = self.lang(request)
        items = []
        for value, count, definition in pages.schemes(self.store, lang):
            assert value.iri is not None  # pages.schemes names each scheme by its IRI
            items.append((value, count, definition, pages.scheme_tree(self.store, value.iri, lang)))
        return self.render(request, "schemes.html", schemes=items)

    def map(self, request: Request):
        points = pages.map_points(self.store, self.lang(request))
        return self.render(
            request,
            "map.html",
            points=points,
            svg=static_map(points),
            basemap=_basemap_svg(points, self.lang(request)),
        )

    def map_geojson(self, request: Request):
        points = pages.map_points(self.store, self.lang(request))
        doc = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": p["iri"],
                    "geometry": {"type": "Point", "coordinates": [p["long"], p["lat"]]},
                    "properties": {k: p[k] for k in ("label", "href", "type", "typeIri")},
                }
                for p in points
            ],
        }
        return JSONResponse(doc, media_type="application/geo+json", headers={"Vary": VARY_PAGE})

    def diagnosis(self, request: Request):
        """The territorial diagnosis of ``?territory=`` (an IRI, code or name) as a page; ``format=json|md``
        for machines and wikis."""
        from ..diagnose import diagnose, render
        from ..diagnose.html import render_html

        lang = self.lang(request)
        given = request.query_params.get("territory", "")[:300]
        fmt = request.query_params.get("format", "html")
        if not given.strip() or fmt not in ("html", "json", "md"):
            return self.error_page(request, 400, t(lang, "error"),
                                   "/diagnose?territory=IRI|code|name[&format=json|md]")
        reports = self.__dict__.setdefault("_diagnoses", {})  # the store is read-only: a report never changes
        report = reports.get((given, lang))
        if report is None:
            try:
                report = diagnose(given, store=self.store, lang=lang)
            except InputError as exc:
                return self.error_page(request, 404, t(lang, "not_found"), exc.message)
            if len(reports) >= 64:
                reports.pop(next(iter(reports)))
            reports[(given, lang)] = report
        if fmt != "html":
            media = "application/json" if fmt == "json" else "text/markdown; charset=utf-8"
            return Response(render(report, fmt, link=pages.href), media_type=media, headers={"Vary": VARY_PAGE})
        def territory_link(iri: str) -> str:  # a diagnosis for the territories the store knows, else their page
            known = iri.startswith(("http://", "https://")) and bool(self.store.query(
                "ASK { ?x a ?t . ?t <http://www.w3.org/2000/01/rdf-schema#subClassOf> "
                "<https://w3id.org/solkg/ontology#Territory> }",
                substitutions={ox.Variable("x"): ox.NamedNode(iri)}, use_default_graph_as_union=True))
            return "/diagnose?" + urlencode({"territory": iri, "lang": lang}) if known else pages.href(iri)

        page = render_html(report, link=pages.href, territory_link=territory_link)
        response = HTMLResponse(page)
        response.headers["Vary"] = VARY_PAGE
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; base-uri 'none'; "
            "frame-ancestors 'self'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def basemap(self, request: Request):
        from ..diagnose.basemap import geojson_layers

        return JSONResponse(geojson_layers(), media_type="application/geo+json",
                            headers={"Cache-Control": "public, max-age=86400"})

    def query_page(self, request: Request):
        queries = list(self.named_queries().values())
        texts = {q.name: q.text for q in queries}
        return self.render(request, "query.html", queries=queries, texts=texts)

    def graphs_page(self, request: Request):
        self.graphs()
        rows = [(g, n, self.graph_info(g)) for g, n in self._graph_counts.items()]
        return self.render(request, "graphs.html", graphs=rows)

    def run_named(self, request: Request):
        name = request.path_params["name"]
        query = self.named_queries().get(name)
        if query is None:
            return self.error_page(request, 404, t(self.lang(request), "not_found"), f"/query/{name}")
        lang = self.lang(request)
        params = {}
        for p in query.params:
            value = request.query_params.get("param-" + p.name)
            if value is None and p.name == "lang":
                value = lang
            if value:
                params[p.name] = value
        try:
            answer = self.ask({"op": "named", "name": name, "params": params, "max_results": self.config.max_results})
        except (QueryTimeout, PoolBusy, WorkerFailed) as exc:
            status, message = _pool_error(exc, self.config)
            return self.error_page(request, status, t(lang, "error"), message)
        if answer[0] != "ok":
            return self.render(
                request, "named_result.html", status=answer[1], query=query, params=params, error=answer[2], result=None
            )
        result = json.loads(answer[2])
        labels = pages.Labels(self.store, lang)
        iris = [
            b["value"]
            for row in result.get("results", {}).get("bindings", [])
            for b in row.values()
            if b["type"] == "uri"
        ]
        labels.fetch(iris[:2000])
        rows = []
        variables = result.get("head", {}).get("vars", [])
        for binding in result.get("results", {}).get("bindings", []):
            cells: list[dict[str, Any] | None] = []
            for v in variables:
                b = binding.get(v)
                if b is None:
                    cells.append(None)
                elif b["type"] == "uri":
                    cells.append({"href": pages.href(b["value"]), "text": labels.get(b["value"]), "title": b["value"]})
                elif b["type"] == "bnode":
                    cells.append({"text": "_:" + b["value"]})
                else:
                    cells.append({"text": b["value"], "lang": b.get("xml:lang")})
            rows.append(cells)
        return self.render(
            request,
            "named_result.html",
            query=query,
            params=params,
            error=None,
            variables=variables,
            rows=rows,
            boolean=result.get("boolean"),
            result=result,
        )

    # -- linked data
    def deref(self, request: Request):
        path = request.url.path
        iri = pages.iri_for(path)
        if path.startswith("/vocab") and path.rstrip("/") == "/vocab":
            return RedirectResponse("/schemes", status_code=303)
        if path == "/resource":
            iri = request.query_params.get("iri", "")
        if not iri:
            return self.error_page(request, 404, t(self.lang(request), "not_found"), path)
        try:
            node_ok = ox.NamedNode(iri)
        except ValueError:
            return self.error_page(request, 400, t(self.lang(request), "error"), f"not an IRI: {iri}")
        del node_ok
        fmt = request.query_params.get("format")
        if fmt:
            key = _FORMAT_OVERRIDES.get(fmt.lower())
            if key is None:
                return PlainTextResponse(
                    f"format={fmt}: choose html|ttl|jsonld|nt|rdfxml\n", status_code=400, headers={"Vary": VARY_DATA}
                )
        else:
            chosen = best(request.headers.get("accept"), _DEREF_OFFER)
            if chosen is None:
                return PlainTextResponse(
                    "406 Not Acceptable: this resource comes as text/html, text/turtle, "
                    "application/ld+json, application/n-triples, application/rdf+xml\n",
                    status_code=406,
                    headers={"Vary": VARY_DATA},
                )
            key = _DEREF_KEY[chosen]
        if self.graphs() and iri in self._graph_counts:
            return self.graph_page(request, iri, key)
        is_ontology = iri == pages.ONTOLOGY
        if not is_ontology and not pages.exists(self.store, iri):
            lang = self.lang(request)
            if key == "html":
                return self.error_page(
                    request, 404, t(lang, "not_found"), f"{t(lang, 'not_found_text')} {iri}", vary=VARY_DATA
                )
            return PlainTextResponse(
                f"404 Not Found: nothing in this graph is named {iri}\n", status_code=404, headers={"Vary": VARY_DATA}
            )
        if key != "html":
            triples = pages.ontology_triples(self.store) if is_ontology else pages.resource_triples(self.store, iri)
            return _rdf_response(triples, key, headers={"Vary": VARY_DATA, "X-Content-Type-Options": "nosniff"})
        lang = self.lang(request)
        resource = pages.describe(self.store, iri, lang)
        base = path if path != "/resource" else "/resource?iri=" + quote(iri, safe="")
        sep = "&" if "?" in base else "?"
        formats = [(name, f"{base}{sep}format={name}") for name in ("ttl", "jsonld", "nt")]
        terms = pages.ontology_terms(self.store, lang) if is_ontology else None
        return self.render(
            request,
            "resource.html",
            vary=VARY_DATA,
            r=resource,
            formats=formats,
            terms=terms,
            local_iri=pages.path_for(iri),
        )

    def graph_page(self, request: Request, iri: str, key: str):
        """A named graph: its VoID figures, source file and licence (HTML), or VoID triples."""
        info = self.graph_info(iri)
        if key != "html":
            return _rdf_response(void_triples(info), key, headers={"Vary": VARY_DATA})
        local = pages.path_for(iri) or "/resource?iri=" + quote(iri, safe="")
        sep = "&" if "?" in local else "?"
        formats = [(name, f"{local}{sep}format={name}") for name in ("ttl", "jsonld", "nt")]
        return self.render(
            request,
            "graph.html",
            vary=VARY_DATA,
            g=info,
            formats=formats,
            dataset_licence=DATASET_LICENSE,
        )

    # -- SPARQL
    async def sparql(self, request: Request):
        headers = {"Vary": "Accept"}
        try:
            query, default_graphs, named_graphs, formats = await _read_protocol(request)
        except ProtocolError as exc:
            return PlainTextResponse(exc.message + "\n", status_code=exc.status, headers=headers)
        unknown = [f for f in format_values(formats) if format_choice(f) is None and f.lower() != "html"]
        if unknown:
            return PlainTextResponse(
                f"400 Bad Request: format={unknown[0]}: choose json|xml|csv|tsv (SELECT, ASK), "
                "turtle|ntriples|jsonld|rdfxml (CONSTRUCT, DESCRIBE), or a media type of these\n",
                status_code=400,
                headers=headers,
            )
        if query is None:
            return await run_in_threadpool(self.service_description, request, formats)
        if uses_service(query):
            return PlainTextResponse(
                "403 Forbidden: SERVICE is refused: this endpoint answers from its own store "
                "and calls no other endpoint\n",
                status_code=403,
                headers=headers,
            )
        if (problem := query_problem(query)) is not None:  # nesting (solkg.limits): before a worker parses it
            return PlainTextResponse(f"400 Bad Request: {problem}\n", status_code=400, headers=headers)
        request_doc = {
            "op": "sparql",
            "query": query,
            "default_graphs": default_graphs,
            "named_graphs": named_graphs,
            "accept": request.headers.get("accept"),
            "fmt": [f for f in format_values(formats) if f.lower() != "html"],
            "max_results": self.config.max_results,
        }
        if self.in_flight >= QUERY_QUEUE:
            return PlainTextResponse(
                f"503 Service Unavailable: {QUERY_QUEUE} queries are running or waiting; try again\n",
                status_code=503,
                headers={**headers, "Retry-After": "1"},
            )
        self.in_flight += 1
        try:
            answer = await anyio.to_thread.run_sync(self.ask, request_doc, limiter=self.query_threads)
        except (QueryTimeout, PoolBusy, WorkerFailed) as exc:
            status, message = _pool_error(exc, self.config)
            extra = {"Retry-After": "1"} if isinstance(exc, PoolBusy) else {}
            return PlainTextResponse(message + "\n", status_code=status, headers={**headers, **extra})
        finally:
            self.in_flight -= 1
        if answer[0] != "ok":
            return PlainTextResponse(
                f"{answer[1]} {_REASONS.get(answer[1], 'Error')}: {answer[2]}\n", status_code=answer[1], headers=headers
            )
        media = answer[1]
        if media.startswith("text/") or media in ("application/n-triples",):
            media += "; charset=utf-8"
        return Response(answer[2], media_type=media, headers=headers)

    def service_description(self, request: Request, formats: Sequence[str] = ()):
        """The service description; ``sd:endpoint`` is the public URL (:class:`~solkg.serve.guard.Guard`)."""
        endpoint = str(request.url.replace(query="", fragment=""))
        triples = service_description(endpoint, self.graphs())
        key = next((k for f in format_values(formats) if (k := _sd_format(f))), None)
        if key is None:
            chosen = best(request.headers.get("accept"), _DEREF_OFFER)
            key = _DEREF_KEY.get(chosen, "turtle") if chosen else "turtle"
        if key == "html":
            text = serialize_triples(triples, fmt="turtle", prefixes=SD_PREFIXES).decode()
            return self.render(request, "sparql.html", vary=VARY_DATA, description=text)
        return Response(
            serialize_triples(triples, fmt=key, prefixes=SD_PREFIXES),
            media_type=GRAPH_MEDIA[key],
            headers={"Vary": VARY_DATA},
        )


def _rdf_response(triples: list[ox.Triple], key: str, *, headers: dict[str, str]) -> Response:
    """Triples in the RDF format ``key``; 406 when the format cannot carry them (a control character
    in RDF/XML)."""
    try:
        body = serialize_triples(triples, fmt=key)
    except InputError as exc:
        return PlainTextResponse(f"406 Not Acceptable: {exc.message}\n", status_code=406, headers=headers)
    return Response(body, media_type=GRAPH_MEDIA[key] + ("; charset=utf-8" if key != "rdfxml" else ""),
                    headers=headers)


def _sd_format(value: str) -> str | None:
    """The representation of the service description a ``format=`` value asks for, if any."""
    value = value.strip().lower()
    if value in _FORMAT_OVERRIDES:
        return _FORMAT_OVERRIDES[value]
    choice = format_choice(value)
    return choice[1] if choice else None


_REASONS = {
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    406: "Not Acceptable",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def _pool_error(exc: Exception, config: ServeConfig) -> tuple[int, str]:
    if isinstance(exc, QueryTimeout):
        return 503, (
            f"503 Service Unavailable: query timeout: the query ran for more than {config.timeout:g} s and "
            "was stopped (solkg serve --timeout sets the limit)"
        )
    if isinstance(exc, PoolBusy):
        return 503, f"503 Service Unavailable: every query worker stayed busy for {config.timeout:g} s; try again"
    return 500, f"500 Internal Server Error: {exc}"


_MAX_FIELDS = 1000


def _parse_urlencoded(raw: bytes, where: str) -> dict[str, list[str]]:
    from urllib.parse import parse_qs

    try:
        check_urlencoded(raw, where)
        raw = re.sub(rb"[\x80-\xff]", lambda m: b"%%%02X" % m.group()[0], raw)  # raw UTF-8 bytes, as escapes
        return parse_qs(raw.decode("ascii"), keep_blank_values=True, strict_parsing=False,
                        encoding="utf-8", errors="strict", max_num_fields=_MAX_FIELDS)
    except ValueError as exc:  # UnicodeError is a ValueError; so is "too many fields"
        raise ProtocolError(400, f"400 Bad Request: {' '.join(str(exc).split())}") from None


async def _read_protocol(request: Request) -> tuple[str | None, list[str], list[str], list[str]]:
    """The query, the dataset and the format values of a SPARQL 1.1 Protocol request:
    ``(query, default-graph-uri values, named-graph-uri values, format/output/results values)``."""
    params = _parse_urlencoded(request.scope.get("query_string", b""), " in the query string")
    if request.method == "POST":
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await request.body()
        if len(body) > MAX_BODY:
            raise ProtocolError(413, f"413 Content Too Large: a request body of at most {MAX_BODY} bytes")
        if ctype == "application/sparql-update":
            raise ProtocolError(403, "403 Forbidden: this endpoint is read-only; SPARQL updates are refused")
        if ctype == "application/x-www-form-urlencoded":
            form = _parse_urlencoded(body, " in the form body")
            if "update" in form:
                raise ProtocolError(403, "403 Forbidden: this endpoint is read-only; SPARQL updates are refused")
            if "query" not in form:
                raise ProtocolError(
                    400,
                    "400 Bad Request: a form POST needs a query= field (GET /sparql without a query gives the "
                    "service description)",
                )
            if "query" in params:
                raise ProtocolError(400, "400 Bad Request: the query is in the body; no query= parameter too")
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
        elif ctype == "application/sparql-query":
            if "query" in params:
                raise ProtocolError(400, "400 Bad Request: the query is in the body; no query= parameter too")
            try:
                params["query"] = [body.decode("utf-8")]
            except UnicodeDecodeError:
                raise ProtocolError(400, "400 Bad Request: the query is not UTF-8") from None
        else:
            raise ProtocolError(
                415,
                "415 Unsupported Media Type: POST application/sparql-query or "
                "application/x-www-form-urlencoded (updates are refused)",
            )
    if "update" in params:
        raise ProtocolError(403, "403 Forbidden: this endpoint is read-only; SPARQL updates are refused")
    queries = params.get("query", [])
    if len(queries) > 1:
        raise ProtocolError(400, "400 Bad Request: one query per request")
    default_graphs, named_graphs = params.get("default-graph-uri", []), params.get("named-graph-uri", [])
    for g in default_graphs + named_graphs:
        try:
            ox.NamedNode(g)
        except ValueError:
            raise ProtocolError(400, f"400 Bad Request: not an IRI: {g}") from None
    formats = [v for name in FORMAT_PARAMS for v in params.get(name, []) if v.strip()]
    query = queries[0] if queries else None
    if query is not None and not query.strip():
        raise ProtocolError(400, "400 Bad Request: the query is empty")
    return query, default_graphs, named_graphs, formats


def _basemap_svg(points: list[dict], lang: str) -> str:
    """The map without JavaScript: the diagnosis's basemap (outlines, clustered marks, legend)."""
    from ..diagnose.basemap import MapPoint, svg_map

    marks = [MapPoint(p["lat"], p["long"], p["label"], p["href"], p["type"]) for p in points]
    return svg_map(marks, title=t(lang, "map_static"), legend_title=t(lang, "map_legend"))


def static_map(points: list[dict], width: int = 640) -> dict:
    """A static SVG map (equirectangular, graticule) of the points: what the map shows without
    JavaScript or without Leaflet."""
    if points:
        lats = [p["lat"] for p in points]
        longs = [p["long"] for p in points]
        span = max(max(lats) - min(lats), max(longs) - min(longs), 0.5)
        pad = span * 0.25 + 0.1
        south, north = max(min(lats) - pad, -89.0), min(max(lats) + pad, 89.0)
        west, east = max(min(longs) - pad, -180.0), min(max(longs) + pad, 180.0)
    else:
        south, north, west, east = -60.0, 75.0, -180.0, 180.0
    k = math.cos(math.radians((south + north) / 2))
    height = max(200, min(640, round(width * (north - south) / ((east - west) * k))))
    sx = width / (east - west)
    sy = height / (north - south)

    def xy(lat, long):
        return round((long - west) * sx, 1), round((north - lat) * sy, 1)

    span = max(north - south, east - west)
    step = next(s for s in (0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30) if span / s <= 12)
    lines = []
    lat = math.ceil(south / step) * step
    while lat <= north:
        y = xy(lat, west)[1]
        lines.append({"x1": 0, "y1": y, "x2": width, "y2": y, "label": f"{lat:g}°", "lx": 4, "ly": y - 3})
        lat = round(lat + step, 6)
    long = math.ceil(west / step) * step
    while long <= east:
        x = xy(south, long)[0]
        lines.append({"x1": x, "y1": 0, "x2": x, "y2": height, "label": f"{long:g}°", "lx": x + 3, "ly": height - 4})
        long = round(long + step, 6)
    marks = [{**p, "x": xy(p["lat"], p["long"])[0], "y": xy(p["lat"], p["long"])[1]} for p in points]
    return {"width": width, "height": height, "lines": lines, "marks": marks, "step": step}


def create_app(config: ServeConfig | None = None) -> Starlette:
    """The ASGI app; the store is opened (read-only) and the workers started at startup."""
    from contextlib import asynccontextmanager

    config = config or ServeConfig()
    state = SolkgApp(config)

    @asynccontextmanager
    async def lifespan(app):
        state.query_threads = anyio.CapacityLimiter(QUERY_QUEUE)
        await run_in_threadpool(state.startup)
        try:
            yield
        finally:
            await run_in_threadpool(state.shutdown)

    routes = [
        Route("/", state.home),
        Route("/search", state.search),
        Route("/classes", state.classes),
        Route("/schemes", state.schemes),
        Route("/map", state.map),
        Route("/map.geojson", state.map_geojson),
        Route("/map/basemap.geojson", state.basemap),
        Route("/diagnose", state.diagnosis),
        Route("/query", state.query_page),
        Route("/query/{name}", state.run_named),
        Route("/sparql", state.sparql, methods=["GET", "POST"]),
        Route("/graphs", state.graphs_page),
        Route("/graph/{rest:path}", state.deref),
        Route("/ontology", state.deref),
        Route("/vocab", state.deref),
        Route("/vocab/{rest:path}", state.deref),
        Route("/id/{rest:path}", state.deref),
        Route("/resource", state.deref),
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    if state.leaflet is not None:
        routes.insert(-1, Mount("/static/leaflet", app=StaticFiles(directory=str(state.leaflet)), name="leaflet"))
    middleware = [
        Middleware(
            Guard,
            base_url=config.base_url,
            trust_proxy_headers=config.trust_proxy_headers,
            cors=config.cors,
        )
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.solkg = state
    return app
