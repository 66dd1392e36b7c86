"""A TCP relay between the bot and MariaDB that a test can pause and cut.

Paused, it still accepts connections but moves no byte either way, as a server stopped with
SIGSTOP (or a network that went silent) does; cut, every open connection is dropped at once,
as `KILL` or a broken link would; down, every connection is dropped and new ones are
closed as soon as they open, as a stopped server's host does. Only this bot's connections
go through it, so the shared MariaDB server and other tests running at the same time are
untouched.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import make_url


class DatabaseProxy:
    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._flowing = threading.Event()
        self._flowing.set()
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._stopping = False
        self._down = False
        self.connections = 0  # accepted so far
        self._accepting = threading.Thread(target=self._accept, name="db-proxy", daemon=True)
        self._accepting.start()

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def url_for(self, database_url: str) -> str:
        """The same database, reached through this proxy."""
        url = make_url(database_url).set(host="127.0.0.1", port=self.port)
        return url.render_as_string(hide_password=False)

    def pause(self) -> None:
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    def go_down(self) -> None:
        self._down = True
        self.cut_all()

    def come_back(self) -> None:
        self._down = False

    def cut_all(self) -> int:
        """Drop every open connection; how many there were."""
        with self._lock:
            doomed, self._open = list(self._open), set()
        for sock in doomed:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        return len(doomed) // 2

    def stop(self) -> None:
        self._stopping = True
        self._flowing.set()
        # Shut down, not just closed: a close leaves the thread in accept() until its 5 s join.
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self.cut_all()
        self._accepting.join(timeout=5)

    def _accept(self) -> None:
        while not self._stopping:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self._down:
                client.close()
                continue
            try:
                server = socket.create_connection(self._target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._open.update((client, server))
                self.connections += 1
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                chunk = source.recv(65536)
                if not chunk:
                    break
                self._flowing.wait()  # paused: the bytes wait here, as in a stopped server
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            with self._lock:
                self._open.discard(source)
                self._open.discard(sink)


@contextmanager
def proxied(database_url: str) -> Iterator[DatabaseProxy]:
    url = make_url(database_url)
    proxy = DatabaseProxy(url.host or "127.0.0.1", url.port or 3306)
    try:
        yield proxy
    finally:
        proxy.stop()
