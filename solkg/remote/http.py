"""Remote SPARQL servers: the URLs each kind of server uses, and one small HTTP client with credentials.

One endpoint URL cannot name every URL a server uses: the query URL, the SPARQL 1.1 Update URL
and the Graph Store HTTP Protocol URL differ from one kind of server to another.
:func:`resolve_endpoints` takes either a server kind (a preset) and a base URL, or the URLs themselves.

Credentials come from the environment (``SOLKG_ENDPOINT_TOKEN`` for a bearer token, or
``SOLKG_ENDPOINT_USER`` and ``SOLKG_ENDPOINT_PASSWORD`` for HTTP basic or digest authentication, as
the server asks) or from a netrc entry for the endpoint's host; never from the command line, and
they are never printed or logged.

>>> e = resolve_endpoints(server="oxigraph", endpoint="http://127.0.0.1:7878")
>>> e.query, e.update, e.store
('http://127.0.0.1:7878/query', 'http://127.0.0.1:7878/update', 'http://127.0.0.1:7878/store')
>>> resolve_endpoints(server="virtuoso", endpoint="http://127.0.0.1:8890/sparql").store_url("https://w3id.org/g")
'http://127.0.0.1:8890/sparql-graph-crud-auth?graph-uri=https%3A%2F%2Fw3id.org%2Fg'
"""

from __future__ import annotations

import hashlib
import html
import netrc
import os
import re
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..errors import InputError

__all__ = [
    "SERVERS",
    "Endpoints",
    "Response",
    "HttpClient",
    "resolve_endpoints",
    "credentials_source",
    "USER_AGENT",
]

USER_AGENT = f"solkg/{__version__} (+https://w3id.org/solkg)"

SERVERS: dict[str, dict] = {
    # name: query, update, store paths relative to the base URL, the Graph Store graph parameter,
    # and suffixes a user may have typed after the base URL (stripped)
    "oxigraph": {"query": "/query", "update": "/update", "store": "/store", "param": "graph",
                 "strip": ("/query", "/update", "/store", "/sparql")},
    "virtuoso": {"query": "/sparql", "update": "/sparql-auth", "store": "/sparql-graph-crud-auth",
                 "param": "graph-uri",
                 "strip": ("/sparql-graph-crud-auth", "/sparql-graph-crud", "/sparql-auth", "/sparql")},
    "fuseki": {"query": "/sparql", "update": "/update", "store": "/data", "param": "graph",
               "strip": ("/sparql", "/query", "/update", "/data", "/get")},
    "graphdb": {"query": "", "update": "/statements", "store": "/rdf-graphs/service", "param": "graph",
                "strip": ("/rdf-graphs/service", "/statements")},
    "qlever": {"query": "", "update": "", "store": None, "param": "graph", "strip": ()},
    "neptune": {"query": "/sparql", "update": "/sparql", "store": "/sparql/gsp/", "param": "graph",
                "strip": ("/sparql/gsp/", "/sparql/gsp", "/sparql")},
    "generic": {},
}
"""Server kinds (presets): with a kind, the endpoint is the server's base URL and the three URLs derive from it."""


@dataclass(frozen=True)
class Endpoints:
    """The URLs of one remote store."""

    query: str
    """SPARQL 1.1 Protocol query URL."""
    update: str | None = None
    """SPARQL 1.1 Update URL (None: the server takes no update)."""
    store: str | None = None
    """SPARQL 1.1 Graph Store HTTP Protocol URL (None: publish falls back to SPARQL Update)."""
    server: str = "generic"
    """The server kind (a key of :data:`SERVERS`)."""
    graph_param: str = "graph"
    """Name of the Graph Store Protocol's graph parameter (Virtuoso: ``graph-uri``)."""

    def store_url(self, graph: str) -> str:
        """The Graph Store Protocol URL of one named graph."""
        if self.store is None:
            raise InputError("no Graph Store Protocol endpoint: give its URL or the server kind")
        sep = "&" if "?" in self.store else "?"
        return f"{self.store}{sep}{urllib.parse.urlencode({self.graph_param: graph})}"


def _check_url(url: str, what: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{what}: want an http:// or https:// URL")
    if parts.username is not None or parts.password is not None:
        # never echo the URL: it holds a secret
        raise InputError(f"{what}: credentials in the URL are refused; set SOLKG_ENDPOINT_USER and "
                         "SOLKG_ENDPOINT_PASSWORD (or SOLKG_ENDPOINT_TOKEN, or a netrc entry) instead")
    return url


def resolve_endpoints(
    *,
    endpoint: str,
    server: str | None = None,
    update_endpoint: str | None = None,
    store_endpoint: str | None = None,
) -> Endpoints:
    """The endpoints from a server kind, an endpoint, an update endpoint and a store endpoint.

    Without a server kind (or with ``generic``), ``endpoint`` is the query URL, updates go to
    ``update_endpoint`` (default: the query URL, as the SPARQL 1.1 Protocol allows) and the Graph
    Store Protocol is used only when ``store_endpoint`` is given. With a kind of :data:`SERVERS`,
    ``endpoint`` is the base URL and the explicit URLs override what the preset derives.
    """
    name = server or "generic"
    if name not in SERVERS:
        raise InputError(f"unknown server kind '{name}' (choose {'|'.join(SERVERS)})")
    _check_url(endpoint, "endpoint")
    for url, what in ((update_endpoint, "update endpoint"), (store_endpoint, "store endpoint")):
        if url is not None:
            _check_url(url, what)
    preset = SERVERS[name]
    if not preset:
        return Endpoints(query=endpoint, update=update_endpoint or endpoint, store=store_endpoint, server=name)
    base = endpoint.rstrip("/")
    for suffix in preset["strip"]:
        if base.endswith(suffix.rstrip("/")):
            base = base[: -len(suffix.rstrip("/"))]
            break
    store = base + preset["store"] if preset["store"] is not None else None
    return Endpoints(
        query=base + preset["query"],
        update=update_endpoint or base + preset["update"],
        store=store_endpoint or store,
        server=name,
        graph_param=preset["param"],
    )


# ---------------------------------------------------------------------------------------------
# HTTP


@dataclass
class Response:
    """An HTTP answer (status 2xx)."""

    status: int
    headers: dict
    """Header names in lower case."""
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def credentials_source(url: str) -> str | None:
    """Where the credentials for ``url`` come from (``token``, ``user``, ``netrc``) or None; never the secret."""
    kind, _ = _credentials(url)
    return kind


def _credentials(url: str):
    token = os.environ.get("SOLKG_ENDPOINT_TOKEN")
    if token:
        return "token", token
    user = os.environ.get("SOLKG_ENDPOINT_USER")
    if user:
        return "user", (user, os.environ.get("SOLKG_ENDPOINT_PASSWORD", ""))
    host = urllib.parse.urlsplit(url).hostname
    path = Path(os.environ.get("NETRC") or Path.home() / ".netrc")
    if host and path.is_file():
        try:
            entry = netrc.netrc(str(path)).authenticators(host)
        except (netrc.NetrcParseError, OSError):
            raise InputError(f"{path}: cannot read this netrc file") from None
        if entry and entry[0]:
            return "netrc", (entry[0], entry[2] or "")
    return None, None


def _shown(url: str) -> str:
    """The URL without its query string (graph IRIs, queries) for messages."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _body_text(body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    text = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", text)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return " ".join(text.split())[:200]


def _parse_challenge(header: str) -> tuple[str, dict]:
    scheme, _, rest = header.strip().partition(" ")
    params = {k.lower(): v1 if v1 else v2
              for k, v1, v2 in re.findall(r'([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))', rest)}
    return scheme.lower(), params


class _Digest:
    """HTTP digest authentication (RFC 7616: MD5, SHA-256, qop=auth), nonce kept between requests."""

    def __init__(self, user: str, password: str, params: dict):
        self.user, self.password, self.params, self.count = user, password, params, 0

    def header(self, method: str, url: str) -> str:
        algorithm = self.params.get("algorithm", "MD5")
        hash_name = "sha256" if algorithm.upper().startswith("SHA-256") else "md5"

        def h(text: str) -> str:
            return hashlib.new(hash_name, text.encode("utf-8")).hexdigest()

        parts = urllib.parse.urlsplit(url)
        uri = parts.path + ("?" + parts.query if parts.query else "")
        realm, nonce = self.params.get("realm", ""), self.params.get("nonce", "")
        ha1 = h(f"{self.user}:{realm}:{self.password}")
        cnonce = hashlib.sha256(os.urandom(16)).hexdigest()[:16]
        if algorithm.upper().endswith("-SESS"):
            ha1 = h(f"{ha1}:{nonce}:{cnonce}")
        ha2 = h(f"{method}:{uri}")
        qops = [q.strip() for q in self.params.get("qop", "").split(",") if q.strip()]
        fields = {"username": self.user, "realm": realm, "nonce": nonce, "uri": uri, "algorithm": algorithm}
        if "auth" in qops:
            self.count += 1
            nc = f"{self.count:08x}"
            fields.update(response=h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"), qop="auth", nc=nc, cnonce=cnonce)
        else:
            fields["response"] = h(f"{ha1}:{nonce}:{ha2}")
        if "opaque" in self.params:
            fields["opaque"] = self.params["opaque"]
        unquoted = {"qop", "nc", "algorithm"}
        return "Digest " + ", ".join(f'{k}={v}' if k in unquoted else f'{k}="{v}"' for k, v in fields.items())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: PLR0913
        if req.get_method() in ("GET", "HEAD"):
            return super().redirect_request(req, fp, code, msg, headers, newurl)
        return None  # a write is never replayed elsewhere: the caller sees the 3xx


@dataclass
class HttpClient:
    """A small HTTP client: bounded timeout, credentials as the server asks, one-line errors.

    Every error is an :class:`InputError` whose message names the URL (without its query string),
    never the credentials.
    """

    timeout: float = 30.0
    _auth: _Digest | tuple[str, str, str] | None = field(default=None, repr=False)
    _opener: object | None = field(default=None, repr=False)

    def _open(self, request):
        if self._opener is None:
            self._opener = urllib.request.build_opener(_NoRedirect())
        return self._opener.open(request, timeout=self.timeout)

    def request(self, method: str, url: str, *, body: bytes | None = None, headers: dict | None = None,
                timeout: float | None = None, ok_status: tuple[int, ...] = ()) -> Response:
        """Send one request; returns 2xx answers (and ``ok_status`` ones), raises InputError otherwise."""
        headers = {"User-Agent": USER_AGENT, **(headers or {})}
        kind, secret = _credentials(url)
        if kind == "token":
            headers["Authorization"] = f"Bearer {secret}"
        elif self._auth is not None:
            headers["Authorization"] = self._authorization(method, url)
        elif kind in ("user", "netrc") and body and len(body) > 65536:
            self._probe(url)  # learn the challenge first: a server may refuse a big body half-sent
            if self._auth is not None:
                headers["Authorization"] = self._authorization(method, url)
        for attempt in range(3):
            try:
                return self._send(method, url, body, headers, timeout, ok_status)
            except urllib.error.HTTPError as exc:
                payload = _read_error(exc)
                if exc.code == 401 and kind in ("user", "netrc") and attempt < 2:
                    challenge = exc.headers.get("WWW-Authenticate", "")
                    scheme, params = _parse_challenge(challenge)
                    if attempt == 1 and not (scheme == "digest" and params.get("stale", "").lower() == "true"):
                        raise InputError(f"{_shown(url)}: HTTP 401 Unauthorized: the server refused the "
                                         f"credentials (from {'SOLKG_ENDPOINT_USER' if kind == 'user' else 'netrc'})"
                                         ) from None
                    user, password = secret
                    if scheme == "digest":
                        self._auth = _Digest(user, password, params)
                    elif scheme == "basic":
                        self._auth = ("basic", user, password)
                    else:
                        raise InputError(f"{_shown(url)}: HTTP 401 Unauthorized: unsupported authentication "
                                         f"scheme '{scheme or '?'}'") from None
                    headers["Authorization"] = self._authorization(method, url)
                    continue
                raise InputError(_status_message(method, url, exc.code, exc.reason, payload, kind)) from None
        raise InputError(f"{_shown(url)}: HTTP 401 Unauthorized")  # pragma: no cover

    def _probe(self, url: str) -> None:
        """A body-less GET to learn the server's authentication challenge, if any."""
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"}, method="GET")
        try:
            with self._open(request) as answer:
                answer.read()
        except urllib.error.HTTPError as exc:
            _read_error(exc)
            if exc.code == 401:
                scheme, params = _parse_challenge(exc.headers.get("WWW-Authenticate", ""))
                _, (user, password) = _credentials(url)
                if scheme == "digest":
                    self._auth = _Digest(user, password, params)
                elif scheme == "basic":
                    self._auth = ("basic", user, password)
        except (urllib.error.URLError, OSError, ValueError):
            pass  # the real request will report the problem

    def _authorization(self, method: str, url: str) -> str:
        import base64

        if isinstance(self._auth, _Digest):
            return self._auth.header(method, url)
        assert self._auth is not None, "no credentials to send"
        _, user, password = self._auth
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def _send(self, method, url, body, headers, timeout, ok_status) -> Response:
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        saved = self.timeout
        if timeout is not None:
            self.timeout = timeout
        start = time.monotonic()
        try:
            with self._open(request) as answer:
                data = answer.read()
                status = answer.status
                hdrs = {k.lower(): v for k, v in answer.headers.items()}
        except urllib.error.HTTPError as exc:
            if exc.code in ok_status:
                return Response(exc.code, {k.lower(): v for k, v in exc.headers.items()}, _read_error(exc))
            raise
        except TimeoutError:
            raise InputError(f"{_shown(url)}: no answer within {self.timeout:g} s (timeout)") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise InputError(f"{_shown(url)}: no answer within {self.timeout:g} s (timeout)") from None
            if isinstance(reason, ssl.SSLError):
                raise InputError(f"{_shown(url)}: TLS error ({' '.join(str(reason).split())})") from None
            text = getattr(reason, "strerror", None) or str(reason)
            raise InputError(f"{_shown(url)}: endpoint unreachable ({' '.join(str(text).split())})") from None
        except (ConnectionError, OSError) as exc:
            elapsed = time.monotonic() - start
            if elapsed >= self.timeout * 0.99:
                raise InputError(f"{_shown(url)}: no answer within {self.timeout:g} s (timeout)") from None
            text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            raise InputError(f"{_shown(url)}: connection failed ({' '.join(str(text).split())})") from None
        except Exception as exc:  # http.client.IncompleteRead, BadStatusLine ...
            raise InputError(f"{_shown(url)}: invalid HTTP answer ({type(exc).__name__})") from None
        finally:
            self.timeout = saved
        if 300 <= status < 400:
            raise InputError(f"{_shown(url)}: HTTP {status} redirect refused for {method}; give the final URL")
        return Response(status, hdrs, data)


def _read_error(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read() or b""
    except Exception:  # noqa: BLE001 - a broken error body is no reason to lose the status
        return b""


def _status_message(method: str, url: str, code: int, reason, payload: bytes, kind) -> str:
    where = _shown(url)
    detail = _body_text(payload)
    head = f"{where}: HTTP {code} {reason or ''}".rstrip()
    if code == 401:
        hint = ("the server refused the credentials" if kind else
                "authentication required: set SOLKG_ENDPOINT_USER and SOLKG_ENDPOINT_PASSWORD, "
                "or SOLKG_ENDPOINT_TOKEN, or a netrc entry")
        return f"{head}: {hint}"
    if code == 403:
        return f"{head}: access refused{' (' + detail + ')' if detail else ''}"
    if code == 404:
        return f"{head}: no such endpoint{' (' + detail + ')' if detail else ''}; check the URL or the server kind"
    return f"{head}{': ' + detail if detail else ''}"
