"""The HTTP/1.1 protocol ``solkg serve`` runs under uvicorn: uvicorn's h11 one, with a bounded
request head that is answered properly when it is too long.

uvicorn answers a request head longer than h11's buffer with a bare 400 and closes the socket at
once; a client still sending its long URL then sees the connection reset, not the answer. Here the
answer is 414 URI Too Long (the request line did not end) or 431 Request Header Fields Too Large
(the headers did not), and the socket is closed gently: the answer is sent, the sending side shut,
and what the client still sends is read and dropped (at most :data:`DRAIN_BYTES` bytes or
:data:`DRAIN_SECONDS` seconds) so that the client reads the answer.
"""

from __future__ import annotations

from uvicorn.protocols.http.h11_impl import H11Protocol

from .guard import MAX_URL

__all__ = ["GuardedH11Protocol", "MAX_HEAD", "DRAIN_BYTES", "DRAIN_SECONDS"]

MAX_HEAD = MAX_URL + 32 * 1024
"""Most bytes of a request head (request line and headers) the server reads."""
DRAIN_BYTES = 16 * 1024 * 1024
DRAIN_SECONDS = 5.0

_REASONS = {400: b"Bad Request", 414: b"URI Too Long", 431: b"Request Header Fields Too Large"}


class GuardedH11Protocol(H11Protocol):
    """uvicorn's ``H11Protocol`` with the answers described in the module docstring.

    Pass it as ``uvicorn.run(..., http=GuardedH11Protocol, h11_max_incomplete_event_size=MAX_HEAD)``.
    """

    _draining = False
    _drained = 0

    def data_received(self, data: bytes) -> None:
        if self._draining:
            self._drained += len(data)
            if self._drained > DRAIN_BYTES:
                self.transport.close()
            return
        super().data_received(data)

    def handle_events(self) -> None:
        if not self._draining:
            super().handle_events()

    def send_400_response(self, msg: str) -> None:
        if self._draining:
            return
        buffered, _ = self.conn.trailing_data
        status, text = 400, "400 Bad Request: not an HTTP/1.1 request solkg serve can read"
        if len(buffered) >= MAX_HEAD:
            if b"\n" not in buffered:
                status = 414
                text = (f"414 URI Too Long: a URL of at most {MAX_URL} bytes; send a longer query by POST "
                        "(a form or an application/sparql-query body)")
            else:
                status, text = 431, f"431 Request Header Fields Too Large: a request head of at most {MAX_HEAD} bytes"
        body = (text + "\n").encode()
        head = (
            b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: %d\r\n"
            b"connection: close\r\nx-content-type-options: nosniff\r\n\r\n" % (status, _REASONS[status], len(body))
        )
        self.transport.write(head + body)
        self._draining = True
        self.logger.warning(text)
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self.loop.call_later(DRAIN_SECONDS, self.transport.close)
        else:  # pragma: no cover - TCP transports can
            self.transport.close()
