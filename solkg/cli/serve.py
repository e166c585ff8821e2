"""``solkg serve``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .options import handle_errors, store_option

__all__ = ["serve"]


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback unless told).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@store_option
@click.option(
    "--cors",
    is_flag=True,
    help="Allow cross-origin reads of /sparql and the data (Access-Control-Allow-Origin: * there; "
    "never on HTML pages or static files).",
)
@click.option(
    "--base-url",
    metavar="URL",
    default=None,
    help="The public URL of the server (https://host[:port]), used for redirects and the service "
    "description (default: the address it is bound to; Host headers are not trusted).",
)
@click.option(
    "--trust-proxy-headers",
    is_flag=True,
    help="Behind a reverse proxy: take the client address and, without --base-url, the public URL from "
    "X-Forwarded-For/-Proto/-Host (or Host). Only when nothing but the proxy can reach the server.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds a SPARQL query may run; past that it is stopped and answered with HTTP 503.",
)
@click.option(
    "--max-results",
    type=click.IntRange(min=1),
    default=10000,
    show_default=True,
    help="Most rows (or triples) one query may return; more is answered with HTTP 422.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Query worker processes (each holds the store open read-only).",
)
@click.option(
    "--short-lane",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Extra workers kept for short queries while the others are busy (0: none).",
)
@click.option(
    "--short-budget",
    type=click.FloatRange(min=0.05),
    default=1.0,
    show_default=True,
    help="Seconds a query may run in the short lane; past that it waits for a general worker.",
)
@click.option(
    "--tiles",
    metavar="URL",
    default=None,
    help="Map tile URL template, e.g. https://tile.example.org/{z}/{x}/{y}.png (default: none, a graticule).",
)
@click.option("--tiles-attribution", default="", help="Attribution shown for the tiles.")
@click.option("--access-log/--no-access-log", default=False, show_default=True, help="Log every request on stderr.")
@handle_errors
def serve(
    host,
    port,
    store_path,
    cors,
    base_url,
    trust_proxy_headers,
    timeout,
    max_results,
    workers,
    short_lane,
    short_budget,
    tiles,
    tiles_attribution,
    access_log,
):
    """Serve the store: SPARQL 1.1 endpoint at /sparql, linked-data pages, our IRIs dereferenced."""
    try:
        import uvicorn

        from ..serve.app import ServeConfig, create_app, leaflet_dir
        from ..serve.guard import public_base
        from ..serve.http import MAX_HEAD, GuardedH11Protocol
    except ModuleNotFoundError as exc:  # a dependency missing (a broken install): one line naming it
        missing = (exc.name or "solkg").split(".")[0]
        if missing == "solkg":  # our own module: a bug, keep its traceback
            raise
        from solkg.errors import SolkgError

        raise SolkgError(f"serving needs the Python package {missing}, which is not installed: "
                         f"pip install {missing}") from None
    from ..sources import display_path
    from ..store import DEFAULT_STORE, open_store

    path = Path(store_path) if store_path else DEFAULT_STORE
    if base_url is not None:
        base_url = public_base(base_url)  # a bad one exits 2 before anything starts
    del_store = open_store(path)  # fail early (exit 2) when there is no store
    del del_store
    if leaflet_dir() is None:
        click.echo(
            "solkg: warning: Leaflet not found (pip install xstatic-leaflet, or set SOLKG_LEAFLET_DIR to an npm "
            "leaflet/dist folder): /map shows a static map only",
            err=True,
        )
    config = ServeConfig(
        store_path=path,
        timeout=timeout,
        max_results=max_results,
        workers=workers,
        short_lane=short_lane,
        short_budget=short_budget,
        cors=cors,
        base_url=base_url,
        trust_proxy_headers=trust_proxy_headers,
        tiles=tiles,
        tiles_attribution=tiles_attribution,
    )
    shown = f"[{host}]" if ":" in host else host
    public = f" (public URL {base_url}/)" if base_url else ""
    click.echo(
        f"solkg: serving {display_path(path)} at http://{shown}:{port}/{public} (SPARQL at /sparql); Ctrl-C stops",
        err=True,
    )
    sys.stdout.flush()
    uvicorn.run(
        create_app(config),
        host=host,
        port=port,
        log_level="warning",
        access_log=access_log,
        server_header=False,
        timeout_graceful_shutdown=5,
        http=GuardedH11Protocol,
        h11_max_incomplete_event_size=MAX_HEAD,
        proxy_headers=trust_proxy_headers,
        forwarded_allow_ips="*" if trust_proxy_headers else None,
    )
