"""A small HTTP server on 127.0.0.1, served from daemon threads: the local Bot API and the
playground page both run on one."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Serve = Callable[[BaseHTTPRequestHandler, str], None]  # the request and its verb


class _Server(ThreadingHTTPServer):
    # The standard library listens with a backlog of 5: a bot opening a hundred connections
    # at once (its pool) would see resets and one-second SYN retries, which Telegram never
    # causes. Telegram-sized, so the double is not the bottleneck it measures.
    request_queue_size = 1024


def start_server(
    port: int, serve: Serve, name: str
) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Listen on 127.0.0.1:`port` (0: any free port); OSError if the port is taken."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in two writes: with Nagle's algorithm the body waits for
        # the client's delayed ACK of the headers, 40 ms on Linux, on every kept-alive call.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            serve(self, "GET")

        def do_POST(self) -> None:
            serve(self, "POST")

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: request lines to the Bot API hold the token

    server = _Server(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    # Polling for shutdown every 50 ms, not the standard 0.5 s: stopping a server (every test
    # stops one) waited for that poll.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=name, daemon=True
    )
    thread.start()
    return server, thread


def respond(
    request: BaseHTTPRequestHandler,
    status: int,
    content_type: str,
    body: bytes,
    headers: Mapping[str, str] | None = None,
) -> None:
    try:
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client gave up, on a long poll or while shutting down
