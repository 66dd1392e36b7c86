"""HTTP in and out: the Bot API endpoint, long polling, and webhook delivery."""

from __future__ import annotations

import json
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, Self

from bot.playground.bot_api.errors import ApiError, bad_request
from bot.playground.bot_api.faults import fault_description
from bot.playground.bot_api.model import Call
from bot.playground.bot_api.spec import UploadedFile
from bot.playground.bot_api.state import ApiState
from bot.playground.http_thread import respond, start_server

# Telegram awaits a webhook's answer for at most 60 s, then calls the delivery failed ("Read
# timeout expired") and sends the update again (the Bot API's maintainer, tdlib/telegram-bot-api
# issues 211 and 341).
WEBHOOK_READ_SECONDS = 60.0


class Transport(ApiState):
    # Webhook deliveries to https:// URLs check the certificate against the system's CAs, as
    # Telegram's do against public ones; trust_webhook_ca adds a private one.
    webhook_tls: ssl.SSLContext | None = None

    def trust_webhook_ca(self, ca_file: str | Path) -> None:
        """Deliver to an https:// webhook whose certificate this CA issued (a reverse proxy's
        own internal CA, in the production topology test)."""
        self.webhook_tls = ssl.create_default_context(cafile=str(ca_file))

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the double first"
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """python-telegram-bot's base_url: the token is appended to it."""
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> Self:
        self._server, serve = start_server(
            0, lambda request, _verb: self._serve(request), "local-bot-api"
        )
        deliver = threading.Thread(
            target=self._deliver_webhooks, name="webhook-delivery", daemon=True
        )
        deliver.start()
        self._threads = [serve, deliver]
        return self

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            self._bump()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        parts = urllib.parse.urlsplit(request.path)
        segments = parts.path.strip("/").split("/")
        status, body = 404, ApiError(404, "Not Found").body()
        if len(segments) == 2 and segments[0].startswith("bot"):
            if segments[0] != f"bot{self.token}":
                status, body = 401, ApiError(401, "Unauthorized").body()
            else:
                try:
                    params = self._read_params(request, parts.query)
                except ApiError as error:
                    status, body = error.code, error.body()
                else:
                    status, body = self.call(segments[1], params)
        respond(request, status, "application/json", json.dumps(body).encode())

    @staticmethod
    def _read_params(request: BaseHTTPRequestHandler, query: str) -> dict[str, Any]:
        params: dict[str, Any] = {k: v[-1] for k, v in urllib.parse.parse_qs(query).items()}
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        kind = request.headers.get_content_type()
        if not raw:
            return params
        if kind == "application/json":
            try:
                params.update(json.loads(raw))
            except json.JSONDecodeError:
                raise bad_request("can't parse JSON body") from None
        elif kind == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(raw.decode(), keep_blank_values=True)
            params.update({k: v[-1] for k, v in form.items()})
        elif kind == "multipart/form-data":
            header = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
            message = BytesParser(policy=HTTP).parsebytes(header + raw)
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                decoded = part.get_payload(decode=True)
                payload = decoded if isinstance(decoded, bytes) else b""
                filename = part.get_filename()
                if filename is not None:
                    params[str(name)] = UploadedFile(filename, payload, part.get_content_type())
                else:
                    params[str(name)] = payload.decode()
        return params

    def call(self, method: str, raw: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API call; public so the webhook-free tests can use it directly."""
        tracked = method.lower() != "getupdates"
        with self._lock:
            if tracked:
                self._in_flight += 1
                self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
            fault = self._take_fault(method) or self._blocked_fault(method, raw)
            delay = self._delays.get(method.lower(), 0.0)
        if delay:
            time.sleep(delay)  # this request's own thread: other calls go on meanwhile
        try:
            if fault is not None:
                error = ApiError(
                    fault.status,
                    fault_description(fault.status, fault.retry_after),
                    fault.retry_after,
                )
                at = self._flood.clock()
                self._record(Call(method, raw, error.code, error.description, injected=True, at=at))
                return error.code, error.body()
            taken = self._admit(method, raw)
            flood = taken.error()
            if flood is not None:
                self._record(
                    Call(method, raw, flood.code, flood.description, injected=True, at=taken.at)
                )
                return flood.code, flood.body()
            try:
                result = self._dispatch(method, raw)
            except ApiError as error:
                self._record(
                    Call(method, raw, error.code, error.description, at=taken.at, bulk=taken.bulk)
                )
                return error.code, error.body()
            self._record(Call(method, raw, 200, at=taken.at, bulk=taken.bulk))
            return 200, {"ok": True, "result": result}
        finally:
            with self._lock:
                if tracked:
                    self._in_flight -= 1
                    self._last_activity = time.monotonic()
                self._bump()

    def _dispatch(self, method: str, raw: dict[str, Any]) -> Any:
        if self.spec.method(method) is None:
            raise ApiError(404, "Not Found")
        handler = self._handlers.get(method.lower())
        if handler is None:
            raise bad_request(f"method {method} is not simulated by the test double")
        params = self.spec.parameters(method, raw)
        return handler(params)

    def _get_updates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset, limit = p.get("offset", 0), p.get("limit", 100)
        deadline = time.monotonic() + min(float(p.get("timeout", 0)), 5.0)
        with self._lock:
            while True:
                if offset:
                    confirmed = [u for u in self._updates if u["update_id"] < offset]
                    if confirmed:
                        self._delivered_through = max(
                            self._delivered_through, confirmed[-1]["update_id"]
                        )
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                if self._updates or self._stopping:
                    return list(self._updates[:limit])
                left = deadline - time.monotonic()
                if left <= 0:
                    return []
                self._changed.wait(left)

    def _set_webhook(self, p: dict[str, Any]) -> bool:
        url = p["url"]
        if url == "":
            return self._delete_webhook(p)
        if not url.startswith(("https://", "http://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        with self._lock:
            if self.webhook is None or self.webhook["url"] != url:
                self.webhook_error = None  # the errors were another URL's
            self.webhook = {"url": url, "secret_token": p.get("secret_token")}
            if p.get("drop_pending_updates"):
                self._drop_pending()
            self._bump()
        return True

    def _delete_webhook(self, p: dict[str, Any]) -> bool:
        with self._lock:
            self.webhook = None
            if p.get("drop_pending_updates"):
                self._drop_pending()
        return True

    def _drop_pending(self) -> None:
        if self._updates:
            self._delivered_through = self._updates[-1]["update_id"]
        self._updates = []

    def _webhook_info(self, _p: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            info: dict[str, Any] = {
                "url": self.webhook["url"] if self.webhook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
            if self.webhook is not None and self.webhook_error is not None:
                info["last_error_date"], info["last_error_message"] = self.webhook_error
        self.spec.check_returned(info, "WebhookInfo")
        return info

    def _deliver_webhooks(self) -> None:
        while True:
            with self._lock:
                while not self._stopping and (self.webhook is None or not self._updates):
                    self._changed.wait(0.5)
                if self._stopping:
                    return
                assert self.webhook is not None
                update, hook = self._updates[0], dict(self.webhook)
            started = time.monotonic()
            error = self._post_update(update, hook, self.webhook_tls)
            with self._lock:
                self.deliveries.append((update["update_id"], time.monotonic() - started, error))
            if error is None:
                with self._lock:
                    if self._updates and self._updates[0] is update:
                        self._updates.pop(0)
                        self._delivered_through = update["update_id"]
                        self._last_activity = time.monotonic()
            else:
                with self._lock:
                    self.webhook_error = (int(time.time()), error)
                time.sleep(0.1)

    @staticmethod
    def _post_update(
        update: dict[str, Any], hook: dict[str, Any], tls: ssl.SSLContext | None = None
    ) -> str | None:
        """None once delivered, else why not, in the words getWebhookInfo uses."""
        # setWebhook accepted only http(s) URLs, so no file: or custom scheme reaches here.
        request = urllib.request.Request(  # noqa: S310
            hook["url"],
            data=json.dumps(update).encode(),
            headers={"Content-Type": "application/json"},
        )
        if hook.get("secret_token"):
            request.add_header("X-Telegram-Bot-Api-Secret-Token", hook["secret_token"])
        try:
            answer = urllib.request.urlopen(  # noqa: S310 - http(s) only, see above
                request, timeout=WEBHOOK_READ_SECONDS, context=tls
            )
            with answer as response:
                status = int(response.status)
                if 200 <= status < 300:
                    return None
                return f"Wrong response from the webhook: {status} {response.reason}"
        except urllib.error.HTTPError as refused:
            return f"Wrong response from the webhook: {refused.code} {refused.reason}"
        except urllib.error.URLError as failed:
            if isinstance(failed.reason, ConnectionRefusedError):
                return "Connection refused"
            return str(failed.reason)
        except TimeoutError:
            return "Read timeout expired"
        except OSError as failed:
            return failed.strerror or type(failed).__name__
