"""The production topology on this machine: Caddy (Debian's, `tls internal` in place of Let's
Encrypt) in front of two `shopkeeps run` workers in webhook mode on one MariaDB database,
reached as the least-privilege account of deploy/mariadb-setup.sql, with Telegram played by
the Bot API double delivering over HTTPS. A customer orders while the workers are restarted
one after the other, as the README's upgrade ("Upgrading") does it: every update is answered
exactly once and nothing is lost.

Needs caddy (`make caddy`) and MariaDB: skipped without them, failed in CI (CI=true,
SHOPKEEPS_REQUIRE_MYSQL=1 or SHOPKEEPS_REQUIRE_CADDY=1)."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import signal
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.config import load_settings
from bot.domain.orders import FulfilmentKind, OrderStatus
from bot.domain.services import catalogue, orders
from bot.domain.services.customers import CustomerRef
from bot.persistence.models import ProcessedUpdateRow
from bot.playground.bot_api.server import LocalBotApi
from bot.wiring import Shop, build_shop
from tests.support.chat_person import ChatPerson
from tests.support.databases import MYSQL_ADMIN_URL
from tests.support.running_bot import free_port
from tests.support.services import (
    DEPLOY,
    REPOSITORY,
    Caddy,
    Service,
    caddy,
    caddy_binary,
    http_get,
    run_shopkeeps,
    shopkeeps_service,
    wait_for_http,
)

pytestmark = pytest.mark.mariadb

REQUIRED = (
    os.environ.get("CI") == "true"
    or os.environ.get("SHOPKEEPS_REQUIRE_MYSQL") == "1"
    or os.environ.get("SHOPKEEPS_REQUIRE_CADDY") == "1"
)
SETUP_SQL = DEPLOY / "mariadb-setup.sql"
PLACEHOLDER_PASSWORD = "CHANGE-ME-to-a-long-random-password"
WEBHOOK_SECRET = "topology-" + secrets.token_hex(8)
ITEM, SKU = "Lemons", "LEMON"  # from `shopkeeps demo-data`
CADDY_TAKES_A_WORKER_BACK = 5.5  # seconds: fail_duration in deploy/caddy/shopkeeps-routes.caddy


def skip_or_fail(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"the production topology test must run here: {reason}", pytrace=False)
    pytest.skip(reason)


# ------------------------------------------------------------------ the database


@dataclass(frozen=True)
class Database:
    admin: Engine  # root, on the test database: to read what the bot stored
    bot_url: str  # the least-privilege account the workers use


def setup_statements(database: str, role: str, user: str, host: str, password: str) -> list[str]:
    """deploy/mariadb-setup.sql with this test's own names, split into statements."""
    sql = SETUP_SQL.read_text()
    for old, new in (
        ("`shopkeeps_app`", f"`{role}`"),
        ("`shopkeeps`", f"`{database}`"),
        ("'shopkeeps'@'localhost'", f"'{user}'@'{host}'"),
        (PLACEHOLDER_PASSWORD, password),
    ):
        assert old in sql, f"{SETUP_SQL.name} no longer says {old}; update this test"
        sql = sql.replace(old, new)
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


@contextmanager
def production_database() -> Iterator[Database]:
    """A database and least-privilege account made by deploy/mariadb-setup.sql, dropped after."""
    admin_url = make_url(MYSQL_ADMIN_URL)
    try:
        root = create_engine(admin_url)
        with root.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        skip_or_fail(f"MariaDB at {admin_url.render_as_string()} unreachable: {error}")
    tag = secrets.token_hex(4)
    database, role, user = f"shopkeeps_topology_{tag}", f"sk_topology_{tag}", f"sk_topo_{tag}"
    host = admin_url.host if admin_url.host in ("127.0.0.1", "localhost", "::1") else "%"
    password = secrets.token_urlsafe(18)
    with root.begin() as connection:
        for statement in setup_statements(database, role, user, str(host), password):
            connection.exec_driver_sql(statement)
    admin = create_engine(admin_url.set(database=database))
    bot_url = admin_url.set(username=user, password=password, database=database)
    try:
        yield Database(admin, bot_url.render_as_string(hide_password=False))
    finally:
        admin.dispose()
        with root.begin() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS `{database}`")
            connection.exec_driver_sql(f"DROP USER IF EXISTS '{user}'@'{host}'")
            connection.exec_driver_sql(f"DROP ROLE IF EXISTS `{role}`")
        root.dispose()


# ------------------------------------------------------------------ Telegram, out of process


class WebhookDouble(LocalBotApi):
    """The double for a bot in other processes, which cannot report updates handled: settle
    waits until every update sent was delivered and recorded by the bot (processed_updates),
    every button press answered, every person's last message replied to, and no call to the
    double for `quiet` seconds."""

    database: Engine | None = None

    def recorded_update_ids(self) -> set[int]:
        assert self.database is not None
        with self.database.connect() as connection:
            return set(connection.scalars(select(ProcessedUpdateRow.update_id)))

    async def settle(self, *, quiet: float = 0.3, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                delivered = not self._updates
                sent = set(self._pushed)
                answered = not self._open_queries
                replied = all(c.messages[-1].from_bot for c in self.chats.values() if c.messages)
                idle = self._in_flight == 0 and time.monotonic() - self._last_activity >= quiet
            ready = delivered and answered and replied and idle
            if ready and sent <= await asyncio.to_thread(self.recorded_update_ids):
                return
            await asyncio.sleep(0.05)
        with self._lock:
            waiting = [u["update_id"] for u in self._updates]
            unanswered = sorted(self._open_queries)
        raise AssertionError(
            f"the bot did not settle in {timeout}s: undelivered updates {waiting}, "
            f"unanswered button presses {unanswered}, webhook error {self.webhook_error}"
        )


# ------------------------------------------------------------------ the topology


@dataclass
class Topology:
    double: WebhookDouble
    database: Database
    proxy: Caddy
    workers: tuple[Service, Service]
    ports: tuple[int, int]
    webhook_url: str

    def worker_url(self, n: int, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[n - 1]}{path}"

    async def start_worker(self, n: int, *, then_wait_for_caddy: bool = False) -> None:
        """Start it and wait for its /readyz; then, as the upgrade procedure does before
        restarting the other worker, until Caddy takes it back (a worker that failed a
        request is left out for fail_duration, 5 s; its health is checked every 2 s)."""
        worker = self.workers[n - 1]
        worker.start()
        await wait_for_http(self.worker_url(n, "/readyz"), 200, timeout=60, service=worker)
        if then_wait_for_caddy:
            await asyncio.sleep(CADDY_TAKES_A_WORKER_BACK)

    async def stop_worker(self, n: int) -> int:
        """SIGTERM, as `systemctl stop` sends it; the exit code."""
        return await asyncio.to_thread(self.workers[n - 1].stop, signal.SIGTERM)

    def shop(self) -> Shop:
        """The store as the workers see it, to check what they stored."""
        url = self.database.admin.url.render_as_string(hide_password=False)
        return build_shop(load_settings(env_file=None, database_url=url))


@pytest.fixture
async def topology(tmp_path: Path) -> AsyncIterator[Topology]:
    if caddy_binary() is None:
        skip_or_fail("caddy is not installed: `make caddy` installs Debian's")
    with production_database() as database, WebhookDouble() as double:
        double.database = database.admin
        ports = (free_port(), free_port())
        webhook_path = f"/telegram/{secrets.token_hex(8)}"
        https_port = free_port()
        proxy = caddy(
            tmp_path / "caddy",
            https_port=https_port,
            http_port=free_port(),
            webhook_path=webhook_path,
            workers=(f"127.0.0.1:{ports[0]}", f"127.0.0.1:{ports[1]}"),
        )
        webhook_url = proxy.base_url + webhook_path
        settings = {  # the names of deploy/shopkeeps.env.example, values for this machine
            "DATABASE_URL": database.bot_url,
            "TELEGRAM_TOKEN": double.token,
            "TELEGRAM_API_URL": double.base_url,
            "WEBHOOK_URL": webhook_url,
            "WEBHOOK_SECRET": WEBHOOK_SECRET,
            "BACKOFFICE_URL": proxy.base_url,
            "WEB_LISTEN": "127.0.0.1",
            "STOP_DRAIN_SECONDS": "3",
            "STORE_NAME": "Topology Grocer",
            "CURRENCY": "EUR",
            "TIMEZONE": "Europe/Paris",
            "COUNTRY": "GB",
        }
        # Kept after the run (each process's output), for a look when something failed.
        logs = REPOSITORY / "test-artifacts" / "deploy"
        shutil.rmtree(logs, ignore_errors=True)
        logs.mkdir(parents=True)
        # As shopkeeps-migrate.service does, once, before any worker starts.
        run_shopkeeps(["db", "upgrade"], logs, **settings)
        run_shopkeeps(["demo-data"], logs, **settings)
        workers = (
            shopkeeps_service("worker1", ["run"], logs, **settings, WEB_PORT=str(ports[0])),
            shopkeeps_service("worker2", ["run"], logs, **settings, WEB_PORT=str(ports[1])),
        )
        proxy.service.start()
        try:
            await proxy.wait_until_serving()
            double.trust_webhook_ca(proxy.root_ca)
            running = Topology(double, database, proxy, workers, ports, webhook_url)
            await asyncio.gather(running.start_worker(1), running.start_worker(2))
            yield running
        finally:
            for worker in workers:
                if worker.running:
                    worker.stop()
            proxy.service.stop()
        assert not double.invalid_calls, "the bot made invalid Bot API calls:\n" + "\n".join(
            f"{c.method} -> {c.status} {c.error}" for c in double.invalid_calls
        )


async def test_orders_survive_a_rolling_restart_behind_caddy(topology: Topology) -> None:
    started = time.monotonic()
    double, proxy, tls = topology.double, topology.proxy, topology.proxy.tls()

    # Through Caddy, with its certificate: health and readiness, but never the metrics.
    assert await wait_for_http(f"{proxy.base_url}/readyz", 200, tls=tls, timeout=15)
    status, body = http_get(f"{proxy.base_url}/healthz", tls=tls)
    assert (status, body.strip()) == (200, "ok")
    assert http_get(f"{proxy.base_url}/metrics", tls=tls)[0] == 404
    assert http_get(topology.worker_url(1, "/metrics"))[0] == 200
    # The back office is reached through Caddy too (and asks who is there).
    status, body = http_get(f"{proxy.base_url}/backoffice/items", tls=tls)
    assert status == 401 and "Send /backoffice in the chat" in body
    assert http_get(f"{proxy.base_url}/backoffice/static/backoffice.css", tls=tls)[0] == 200
    # Each worker registered Caddy's URL with the secret when it started.
    assert double.webhook == {"url": topology.webhook_url, "secret_token": WEBHOOK_SECRET}

    shop = topology.shop()
    try:
        stock_before = catalogue.find_product(SKU, uow=shop.uow()).stock
        ann = ChatPerson(double, double.person("Ann"))
        await ann.says("/start")
        assert "Topology Grocer" in ann.screen
        await ann.says(f"/search {ITEM}")
        await ann.presses(ITEM)
        assert ITEM in ann.screen

        # Worker 1 is stopped while a button press is on its way: Caddy or the worker's
        # own graceful stop must see it through.
        pressed = double.press(ann.person, ann.last, "➕")
        assert await topology.stop_worker(1) == 0, topology.workers[0].log()
        await double.settle()
        assert double.callback_answer(pressed) is not None
        await ann.presses("➕")  # worker 2 alone now
        await ann.presses("to cart")
        await ann.says("/cart")

        await topology.start_worker(1, then_wait_for_caddy=True)
        await ann.presses("Checkout")
        pressed = double.press(ann.person, ann.last, "Pickup")
        assert await topology.stop_worker(2) == 0, topology.workers[1].log()
        await double.settle()
        assert double.callback_answer(pressed) is not None
        slot = ann.last.button_texts[0]
        await ann.presses(slot)  # worker 1 alone now
        await ann.shares_phone("+44 20 7946 0958")

        await topology.start_worker(2, then_wait_for_caddy=True)
        await ann.presses("Skip")
        assert f"{ITEM} — 3 pc" in ann.screen
        await ann.presses("✅ Confirm")

        # The order is in the database once, with the three lemons pressed for, no more.
        [order] = orders.my_orders(CustomerRef(ann.person.id, "Ann"), uow=shop.uow())
        assert order.status is OrderStatus.PLACED
        assert order.fulfilment.kind is FulfilmentKind.PICKUP
        assert [(line.name, line.quantity) for line in order.lines] == [(ITEM, Decimal(3))]
        assert catalogue.find_product(SKU, uow=shop.uow()).stock == stock_before - 3
    finally:
        shop.close()

    # Every update delivered and taken by a worker; every button press answered exactly once.
    with double.lock:
        sent = set(double._pushed)
        assert not double._updates, "updates were never delivered"
    assert sent <= double.recorded_update_ids()
    answers = [c.params["callback_query_id"] for c in double.calls_to("answerCallbackQuery")]
    assert sorted(answers) == sorted(set(answers)), "a button press was answered twice"
    assert len(answers) == sum(1 for u in double._sent.values() if "callback_query" in u)

    # Caddy hid the restarts: Telegram (which waits 60 s for an answer) never saw a failed
    # delivery it had to retry.
    failed = [d for d in double.deliveries if d[2] is not None]
    assert not failed, (
        f"deliveries failed (update id, seconds, error): {failed}\n"
        f"all deliveries: {[(u, round(s, 2)) for u, s, _ in double.deliveries]}\n"
        f"caddy's log:\n{proxy.service.log(8000)}"
    )

    # Readiness through Caddy after the restarts, and quick enough to run on every change.
    assert await wait_for_http(f"{proxy.base_url}/readyz", 200, tls=tls, timeout=15)
    assert time.monotonic() - started < 60
