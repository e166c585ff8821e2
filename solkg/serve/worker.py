"""A query worker: a child process that opens the store read-only and answers SPARQL requests.

The server sends requests down the child's stdin and reads answers from its stdout, one pickled
frame each (a 4-byte big-endian length, then the pickle). A query that runs past its time is
stopped by killing the child: pyoxigraph cannot cancel a query, a process can always be ended.

Requests (dicts):

- ``{"op": "sparql", "query": str, "default_graphs": [iri], "named_graphs": [iri], "accept": str,
  "fmt": [str], "max_results": int}``: a SPARQL 1.1 query; the answer's format is negotiated
  from ``accept`` once the query form is known; the first ``fmt`` value (a ``format=`` value) that
  can carry the answer overrides it.
- ``{"op": "named", "name": str, "params": {str: str}, "max_results": int}``: a named query;
  answered with W3C SPARQL 1.1 Results JSON.
- ``{"op": "ping"}``.

Answers: ``("ok", media_type, body_bytes)`` or ``("error", http_status, message)``.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys

_LEN = struct.Struct(">I")


def write_frame(stream, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LEN.pack(len(data)) + data)
    stream.flush()


def read_exact(stream, n: int) -> bytes:
    chunks = []
    while n:
        chunk = stream.read(n)
        if not chunk:
            raise EOFError("worker stream closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_frame(stream):
    (size,) = _LEN.unpack(read_exact(stream, _LEN.size))
    return pickle.loads(read_exact(stream, size))


def handle(store, request: dict):
    from ..errors import SolkgError
    from . import sparql

    op = request.get("op")
    try:
        if op == "ping":
            return ("ok", "text/plain", b"pong")
        if op == "sparql":
            return sparql.execute(
                store,
                request["query"],
                accept=request.get("accept"),
                fmt=request.get("fmt"),
                default_graphs=request.get("default_graphs") or [],
                named_graphs=request.get("named_graphs") or [],
                max_results=request["max_results"],
            )
        if op == "named":
            return sparql.execute_named(
                store, request["name"], request.get("params") or {}, max_results=request["max_results"]
            )
        return ("error", 400, f"unknown worker operation {op!r}")
    except sparql.ProtocolError as exc:
        return ("error", exc.status, exc.message)
    except SolkgError as exc:
        return ("error", 400, exc.message)
    except MemoryError:
        return ("error", 503, "the query ran out of memory")
    except Exception as exc:  # noqa: BLE001 - a worker must answer, whatever happens
        return ("error", 500, f"{type(exc).__name__}: {' '.join(str(exc).split())}")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    store_path = argv[0]
    # stdout carries frames only: anything printed goes to stderr.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    inp = sys.stdin.buffer
    from ..store import open_store

    store = open_store(store_path, read_only=True)
    write_frame(out, ("ready", os.getpid()))
    while True:
        try:
            request = read_frame(inp)
        except EOFError:
            return
        write_frame(out, handle(store, request))


if __name__ == "__main__":
    main()
