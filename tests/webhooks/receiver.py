"""A real webhook receiver for the tests: an HTTP server on a loopback port, in a thread.

It can be taken down and brought back up on the same port (a receiver that is "down" refuses
connections), answer with a chosen status, and it keeps every request it got.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

from modelreg.webhooks.signing import DELIVERY_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER
from tests.processes import free_port

T = TypeVar("T")


@dataclass(frozen=True)
class Received:
    """One POST the receiver got: its path, headers (lower-cased names) and raw body."""

    path: str
    headers: dict[str, str]
    body: str

    @property
    def json(self) -> Any:
        """The body, parsed."""
        return json.loads(self.body)

    @property
    def delivery_id(self) -> str:
        return self.headers[DELIVERY_ID_HEADER.lower()]

    @property
    def timestamp(self) -> str:
        return self.headers[TIMESTAMP_HEADER.lower()]

    @property
    def signature(self) -> str:
        return self.headers[SIGNATURE_HEADER.lower()]

    @property
    def event(self) -> str:
        """``entity.action`` of the envelope."""
        return f"{self.json['entity']}.{self.json['action']}"


class Receiver:
    """An HTTP server at ``url`` that records what is POSTed and answers ``status``."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.status = 200
        self._requests: list[Received] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def requests(self) -> list[Received]:
        """Everything received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def up(self) -> None:
        """Start listening (again) on the receiver's port."""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                headers = {name.lower(): value for name, value in self.headers.items()}
                with receiver._lock:
                    receiver._requests.append(Received(self.path, headers, body))
                    status = receiver.status
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self._server = server

    def down(self) -> None:
        """Stop listening: connections are refused until :meth:`up`."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def wait_for(self, count: int, timeout: float = 30) -> list[Received]:
        """Block until ``count`` distinct deliveries arrived; their first copies, in order."""
        return eventually(lambda: _distinct(self.requests, count), timeout)


def _distinct(requests: list[Received], count: int) -> list[Received] | None:
    first: dict[str, Received] = {}
    for request in requests:
        first.setdefault(request.delivery_id, request)
    return list(first.values()) if len(first) >= count else None


def eventually(probe: Callable[[], T | None], timeout: float = 30) -> T:
    """Poll ``probe`` until it returns something other than None (or fail after timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing after {timeout} s")
        time.sleep(0.02)


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    """A receiver that is up, taken down after the block."""
    receiver = Receiver()
    receiver.up()
    try:
        yield receiver
    finally:
        receiver.down()
