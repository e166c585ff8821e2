"""What every request to ``solkg serve`` passes before the app sees it (an ASGI middleware).

- **Limits**: a URL (path and query string) of more than :data:`MAX_URL` bytes is answered 414;
  bad percent-encoding (``%FF``, ``%ZZ``: not UTF-8, not two hex digits) in the path or the query
  string is answered 400. Form bodies are checked the same way by :func:`check_urlencoded`.
- **The public URL** that absolute links (redirects, the service description's ``sd:endpoint``)
  are built from comes from configuration (:func:`public_base`), never from the request's ``Host``
  or ``X-Forwarded-*`` headers, unless ``trust_proxy_headers`` says the server stands behind a
  proxy that sets them.
- **Headers**: ``X-Content-Type-Options: nosniff`` on every answer; with ``cors``,
  ``Access-Control-Allow-Origin: *`` on the SPARQL endpoint and the data (never on HTML pages or
  static files), and answers to CORS preflight requests there.

>>> public_base("https://kg.example.org/")
'https://kg.example.org'
>>> check_urlencoded(b"query=ASK%20%7B%7D&format=json")
>>> check_urlencoded(b"q=%FF")
Traceback (most recent call last):
...
ValueError: bad percent-encoding: %FF at byte 2 does not decode as UTF-8
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes, urlsplit

from ..errors import InputError

__all__ = [
    "MAX_URL",
    "Guard",
    "public_base",
    "check_urlencoded",
    "cors_path",
]

MAX_URL = 64 * 1024
"""Most bytes of a request's path and query string; longer is answered 414 (send long queries by POST)."""

_BAD_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"|\[[0-9A-Fa-f:.]+\]")
_DATA_PREFIXES = ("/id/", "/vocab/", "/graph/")
_DATA_PATHS = ("/sparql", "/ontology", "/vocab", "/resource", "/map.geojson")


def public_base(url: str) -> str:
    """A public base URL checked and normalised: ``http(s)://host[:port]``, no path, query or user.

    The pages link with absolute paths (``/id/...``), so the app is served at the root of its host.

    >>> public_base("http://127.0.0.1:8000")
    'http://127.0.0.1:8000'
    >>> public_base("https://example.org/solkg")
    Traceback (most recent call last):
    ...
    solkg.errors.InputError: base URL https://example.org/solkg: give scheme://host[:port] only (pages are at the root)
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise InputError(f"base URL {url}: not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"base URL {url}: give http://host[:port] or https://host[:port]")
    if parts.username or parts.password or parts.query or parts.fragment or parts.path not in ("", "/"):
        raise InputError(f"base URL {url}: give scheme://host[:port] only (pages are at the root)")
    host = parts.hostname
    shown = f"[{host}]" if ":" in host else host
    if not _HOST.fullmatch(shown):
        raise InputError(f"base URL {url}: '{host}' is not a host name or address")
    return f"{parts.scheme}://{shown}" + (f":{port}" if port is not None else "")


def check_urlencoded(raw: bytes, what: str = "") -> None:
    """Raise :class:`ValueError` unless ``raw`` (a query string or a form body) is well-formed:
    every ``%`` followed by two hex digits, and the decoded bytes UTF-8."""
    bad = _BAD_ESCAPE.search(raw)
    if bad:
        raise ValueError(f"bad percent-encoding{what}: '%' not followed by two hex digits at byte {bad.start()}")
    try:
        unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError as exc:
        at = _raw_offset(raw, exc.start)
        shown = raw[at:at + 3].decode("latin-1") if raw[at:at + 1] == b"%" else f"byte 0x{raw[at]:02X}"
        raise ValueError(f"bad percent-encoding{what}: {shown} at byte {at} does not decode as UTF-8") from None


def _raw_offset(piece: bytes, decoded_at: int) -> int:
    """The offset in ``piece`` (percent-encoded) of byte ``decoded_at`` of its decoding."""
    i = n = 0
    while i < len(piece):
        if n == decoded_at:
            return i
        i += 3 if piece[i:i + 1] == b"%" else 1
        n += 1
    return i


def cors_path(path: str) -> bool:
    """Does ``--cors`` apply to ``path`` (the SPARQL endpoint and the data, not pages or static files)?

    >>> cors_path("/sparql"), cors_path("/id/x"), cors_path("/static/solkg.css"), cors_path("/classes")
    (True, True, False, False)
    """
    return path in _DATA_PATHS or path.startswith(_DATA_PREFIXES)


def _header(headers, name: bytes) -> bytes | None:
    for key, value in headers:
        if key == name:
            return value
    return None


class Guard:
    """The ASGI middleware described in the module docstring.

    ``base_url``: the public base URL (checked by :func:`public_base`); ``None``: the address the
    server is bound to (the local end of the connection). ``trust_proxy_headers``: without a
    ``base_url``, take the public URL from ``X-Forwarded-Proto``/``X-Forwarded-Host`` (or ``Host``).
    """

    def __init__(self, app, *, base_url: str | None = None, trust_proxy_headers: bool = False,
                 cors: bool = False, max_url: int = MAX_URL):
        self.app = app
        self.base = urlsplit(public_base(base_url)) if base_url else None
        self.trust = trust_proxy_headers
        self.cors = cors
        self.max_url = max_url

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path, query = scope.get("raw_path") or scope["path"].encode(), scope.get("query_string", b"")
        if len(raw_path) + len(query) > self.max_url:
            await _plain(send, 414, f"414 URI Too Long: a URL of at most {self.max_url} bytes; "
                                    "send a longer query by POST (a form or an application/sparql-query body)")
            return
        try:
            check_urlencoded(raw_path, " in the path")
            check_urlencoded(query, " in the query string")
        except ValueError as exc:
            await _plain(send, 400, f"400 Bad Request: {exc}")
            return
        scope = self._public(scope)
        path = scope["path"]
        cors = self.cors and cors_path(path)
        if cors and scope["method"] == "OPTIONS" and _header(scope["headers"], b"access-control-request-method"):
            await _plain(send, 200, "", headers=[
                (b"access-control-allow-origin", b"*"),
                (b"access-control-allow-methods", b"GET, POST, OPTIONS" if path == "/sparql" else b"GET, OPTIONS"),
                (b"access-control-allow-headers", b"Accept, Accept-Language, Content-Type"),
                (b"access-control-max-age", b"3600"),
            ])
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-content-type-options"]
                headers.append((b"x-content-type-options", b"nosniff"))
                if cors:
                    ctype = (_header(headers, b"content-type") or b"").lower()
                    if not ctype.startswith(b"text/html"):
                        headers.append((b"access-control-allow-origin", b"*"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _public(self, scope):
        """The scope with its scheme and ``Host`` set to the public URL (see the class)."""
        headers = [(k, v) for k, v in scope["headers"] if k not in (b"host", b"x-forwarded-host", b"forwarded")
                   and (self.trust or not k.startswith(b"x-forwarded-"))]
        scheme = scope.get("scheme", "http")
        host = None
        if self.base is not None:
            scheme, host = self.base.scheme, self.base.netloc
        elif self.trust:
            for name in (b"x-forwarded-host", b"host"):
                value = _header(scope["headers"], name)
                candidate = value.decode("latin-1").split(",")[0].strip() if value else ""
                if candidate and _valid_host(candidate):
                    host = candidate
                    break
        if host is None:
            server = scope.get("server")
            if server:
                address, port = server[0], server[1]
                shown = f"[{address}]" if ":" in address else address
                host = f"{shown}:{port}" if port is not None else shown
            else:
                host = "localhost"
        headers.append((b"host", host.encode("ascii")))
        return {**scope, "scheme": scheme, "headers": headers}


def _valid_host(text: str) -> bool:
    """Is ``text`` a ``host[:port]`` (a name, an IPv4 address or a bracketed IPv6 address)?"""
    name, port = text, ""
    if ":" in text and not text.endswith("]"):
        name, _, port = text.rpartition(":")
    return bool(_HOST.fullmatch(name)) and (not port or (port.isdigit() and int(port) < 65536))


async def _plain(send, status: int, text: str, *, headers=()) -> None:
    body = (text + "\n").encode() if text else b""
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"x-content-type-options", b"nosniff"),
            *headers,
        ],
    })
    await send({"type": "http.response.body", "body": body})
