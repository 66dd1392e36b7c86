"""The double delivers to a webhook as Telegram does: an update that was refused or not answered
in time is sent again, and every try is kept with its time and Telegram's words for it."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from bot.playground.bot_api import transport
from bot.playground.bot_api.server import LocalBotApi
from tests.support.running_bot import free_port


class Webhook:
    """A webhook on 127.0.0.1 that answers 200 after `delay` seconds; the update ids it read."""

    def __init__(self, port: int, delay: float = 0.0) -> None:
        self.delay, self.received = delay, list[int]()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(hook.delay)
                hook.received.append(json.loads(body)["update_id"])
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def double() -> Iterator[LocalBotApi]:
    with LocalBotApi() as api:
        yield api


def wait_until(condition: Any, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_refused_delivery_is_kept_with_its_reason_and_sent_again_once_the_hook_listens(
    double: LocalBotApi,
) -> None:
    port = free_port()
    double.call("setWebhook", {"url": f"http://127.0.0.1:{port}/hook"})
    double.send_text(double.person("Ann"), "hello")
    wait_until(lambda: double.deliveries)
    [(update_id, _seconds, error)] = double.deliveries[:1]
    assert error == "Connection refused"

    hook = Webhook(port)
    try:
        wait_until(lambda: hook.received)
        assert hook.received == [update_id]
        wait_until(lambda: double.deliveries[-1][2] is None)
        assert double.deliveries[-1][0] == update_id
    finally:
        hook.close()


def test_a_webhook_slower_than_telegram_waits_is_a_read_timeout_and_the_update_comes_again(
    double: LocalBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transport, "WEBHOOK_READ_SECONDS", 0.2)
    hook = Webhook(free_port(), delay=0.5)
    try:
        double.call("setWebhook", {"url": hook.url})
        double.send_text(double.person("Ann"), "hello")
        wait_until(lambda: len(hook.received) >= 2)
        update_id = hook.received[0]
        assert hook.received[:2] == [update_id, update_id]
        first = double.deliveries[0]
        assert first[0] == update_id and first[2] == "Read timeout expired"
        assert first[1] >= 0.2  # waited for the read timeout, not for the answer
    finally:
        hook.close()


def test_a_webhook_answering_within_a_few_seconds_is_delivered_once(double: LocalBotApi) -> None:
    hook = Webhook(free_port(), delay=0.3)
    try:
        double.call("setWebhook", {"url": hook.url})
        double.send_text(double.person("Ann"), "hello")
        wait_until(lambda: double.deliveries)
        [(update_id, seconds, error)] = double.deliveries
        assert error is None and seconds >= 0.3
        assert hook.received == [update_id]
        assert double.webhook_error is None
    finally:
        hook.close()
