"""/healthz (the process answers) and /readyz (it can serve customers), for a load balancer,
systemd or a monitor; each not-ready reason is one line an operator can act on."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from aiohttp import web

from bot.domain.clock import utc_now
from bot.metrics import Metrics
from bot.persistence.health import DatabaseHealth, database_health
from bot.persistence.migrate import head_revision
from bot.wiring import Shop

OUTBOX_STUCK_SECONDS = 60  # a notification due this long without leaving: the sender is stuck
TELEGRAM_CHECK_SECONDS = 30  # how often the bot asks Telegram whether it is there


@dataclass
class TelegramCheck:
    """The last answer (or silence) from the Bot API, from the bot's periodic getMe."""

    reachable: bool = True
    problem: str = ""
    at: float = field(default_factory=time.time)

    def heard(self) -> None:
        self.reachable, self.problem, self.at = True, "", time.time()

    def failed(self, problem: str) -> None:
        self.reachable, self.problem, self.at = False, problem, time.time()


@dataclass(frozen=True)
class Verdict:
    database: DatabaseHealth
    reasons: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return not self.reasons


class Readiness:
    def __init__(
        self, shop: Shop, telegram: TelegramCheck, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self._shop = shop
        self.telegram = telegram
        self._clock = clock
        self._head = head_revision()
        # Told to stop: health checks fail so the proxy sends nothing more (server.drain).
        self.stopping = False

    async def check(self) -> Verdict:
        health = await self._shop.run(database_health, self._shop.engine, self._clock(), self._head)
        reasons: list[str] = []
        if not health.reachable:
            reasons.append(health.problem)
        elif not health.schema_current:
            reasons.append(
                f"database schema is at {health.revision or 'base'}, this code needs "
                f"{health.head}: run `shopkeeps db upgrade`"
            )
        if health.reachable and health.oldest_due_seconds >= OUTBOX_STUCK_SECONDS:
            reasons.append(
                f"outbox stuck: the oldest notification due has waited "
                f"{health.oldest_due_seconds:.0f} s (limit {OUTBOX_STUCK_SECONDS} s)"
            )
        if not self.telegram.reachable:
            when = time.strftime("%H:%M:%S", time.gmtime(self.telegram.at))
            reasons.append(
                f"Telegram unreachable at the last check ({when} UTC): {self.telegram.problem}"
            )
        metrics = self._shop.metrics
        metrics.ready.set(0 if reasons else 1)
        metrics.telegram_reachable.set(1 if self.telegram.reachable else 0)
        if health.reachable:
            metrics.outbox_backlog.set(health.backlog)
            metrics.outbox_oldest_due_seconds.set(health.oldest_due_seconds)
        return Verdict(health, tuple(reasons))


def routes(readiness: Readiness) -> list[web.RouteDef]:
    async def healthz(_request: web.Request) -> web.Response:
        """Alive: the event loop answers. Nothing else is asked, so a slow database never
        gets a live worker restarted."""
        if readiness.stopping:
            return web.Response(status=503, text="stopping\n")
        return web.Response(text="ok\n")

    async def readyz(_request: web.Request) -> web.Response:
        if readiness.stopping:
            return web.Response(status=503, text="not ready\n- stopping\n")
        verdict = await readiness.check()
        if verdict.ready:
            return web.Response(text="ready\n")
        return web.Response(
            status=503, text="not ready\n" + "".join(f"- {reason}\n" for reason in verdict.reasons)
        )

    return [web.get("/healthz", healthz), web.get("/readyz", readyz)]


def metrics_routes(readiness: Readiness, metrics: Metrics) -> list[web.RouteDef]:
    async def scrape(_request: web.Request) -> web.Response:
        """The outbox and readiness gauges are read afresh at each scrape."""
        await readiness.check()
        return web.Response(
            body=metrics.exposition(),
            headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"},
        )

    return [web.get("/metrics", scrape)]
