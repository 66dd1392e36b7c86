"""What an operator watches, in Prometheus' terms: one registry per running bot.

A registry of its own (not prometheus_client's global one) so that two bots in one process,
as the tests run them, count apart. Counters are per process, as Prometheus expects: it sums
the workers; gauges read from the database (the outbox) are the same on every worker.
"""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

# Seconds from taking an update to the end of its handling, replies sent: a tap should be
# answered in well under a second, so the buckets are finest there.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        # A `_created` twin of every counter only doubles the page.
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.registry = registry = CollectorRegistry()
        self.updates = Counter(
            "shopkeeps_updates",
            "Updates handled, by kind (message, callback_query, pre_checkout_query, ...).",
            ["kind"],
            registry=registry,
        )
        self.update_seconds = Histogram(
            "shopkeeps_update_seconds",
            "Seconds from taking an update to the end of its handling, its replies sent.",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.database_errors = Counter(
            "shopkeeps_database_errors",
            "Database errors other than conflicts (unreachable, lost connection, full disk).",
            registry=registry,
        )
        self.database_retries = Counter(
            "shopkeeps_database_retries",
            "Transactions the database aborted (deadlock, lock wait) and the bot ran again.",
            registry=registry,
        )
        self.outbox_backlog = Gauge(
            "shopkeeps_outbox_backlog",
            "Notifications not yet sent (due now or later), all workers.",
            registry=registry,
        )
        self.outbox_oldest_due_seconds = Gauge(
            "shopkeeps_outbox_oldest_due_seconds",
            "How long the oldest notification due has waited to leave (0: none waiting).",
            registry=registry,
        )
        self.send_budget_waits = Counter(
            "shopkeeps_send_budget_waits",
            "Calls to Telegram that waited for a place in the shared send budget.",
            registry=registry,
        )
        self.send_budget_wait_seconds = Counter(
            "shopkeeps_send_budget_wait_seconds",
            "Seconds spent waiting for the send budget, all calls together.",
            registry=registry,
        )
        self.flood_pauses = Counter(
            "shopkeeps_flood_control_pauses",
            "Times Telegram answered 429 (flood control) and sending paused.",
            registry=registry,
        )
        self.notifications_unanswered = Counter(
            "shopkeeps_notifications_unanswered",
            "Notification sends Telegram never answered (timed out): each may have arrived.",
            registry=registry,
        )
        self.notifications_given_up = Counter(
            "shopkeeps_notifications_given_up",
            "Notifications given up on, by reason: unanswered (two sends got no answer and a "
            "third could be a second copy), refused (the person blocked the bot, a bad message).",
            ["reason"],
            registry=registry,
        )
        for reason in ("unanswered", "refused"):  # at 0 from the start, for alerts on increase
            self.notifications_given_up.labels(reason)
        self.orders_placed = Counter(
            "shopkeeps_orders_placed", "Orders customers placed.", registry=registry
        )
        self.payments = Counter(
            "shopkeeps_payments", "Payments received in the chat.", registry=registry
        )
        self.logins_refused = Counter(
            "shopkeeps_logins_refused",
            "Staff logins refused (wrong username or password, or waiting out misses).",
            registry=registry,
        )
        self.webhook_refused = Counter(
            "shopkeeps_webhook_refused",
            "Webhook requests refused, by reason (secret, too_large, malformed).",
            ["reason"],
            registry=registry,
        )
        self.ready = Gauge(
            "shopkeeps_ready", "1 when /readyz answers 200, else 0.", registry=registry
        )
        self.telegram_reachable = Gauge(
            "shopkeeps_telegram_reachable",
            "1 when the last call to the Bot API got an answer, else 0.",
            registry=registry,
        )

    def budget_waited(self, seconds: float) -> None:
        self.send_budget_waits.inc()
        self.send_budget_wait_seconds.inc(seconds)

    def exposition(self) -> bytes:
        """The Prometheus text format of everything above."""
        return generate_latest(self.registry)
