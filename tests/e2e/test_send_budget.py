"""One Telegram budget for the whole bot: two workers under a burst of notifications."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine

from bot.domain.services import stock
from bot.domain.services.customers import CustomerRef
from bot.playground.bot_api.server import LocalBotApi
from tests.support.running_bot import running_bot
from tests.support.shop_factories import sell, someone

WATCHERS = 60


async def test_two_workers_stay_under_telegrams_limit_and_answer_replies_first(
    double: LocalBotApi, engine: Engine
) -> None:
    double.enforce_flood_limit(30)  # as Telegram: the 31st message in a second is refused
    url = engine.url.render_as_string(hide_password=False)
    async with (
        running_bot(double, url, outbox_poll_seconds=0.2) as one,
        running_bot(double, url, outbox_poll_seconds=0.2),
    ):
        apples = sell(one, 0, sku="APPLES", name="Apples")
        watchers = [double.person(f"Watcher {n}") for n in range(WATCHERS)]
        for person in watchers:
            stock.watch_product(
                CustomerRef(person.id, person.first_name), apples.id or 0, uow=one.shop.uow()
            )
        stock.receive_stock(
            "APPLES", Decimal(5), store=one.shop.store, actor="test", uow=one.shop.uow()
        )

        def told() -> int:
            return sum(
                1
                for p in watchers
                if any("is back in stock" in m.shown_text for m in double.chat(p).from_bot)
            )

        await double.wait_for(lambda: told() >= 3, what="the burst to start")
        ann = someone(one, "Ann")
        double.send_text(ann.person, "/start")
        await double.wait_for(lambda: ann.has_seen("Welcome"), what="Ann's welcome")
        told_when_ann_was_answered = told()
        await double.wait_for(lambda: told() == WATCHERS, what="every watcher told", timeout=30)
    assert told_when_ann_was_answered < WATCHERS // 2  # she did not wait for the burst
    assert double.flood_refusals == 0
    assert double.peak_per_second <= 30
    for person in watchers:  # each once, however many workers
        assert sum("is back in stock" in m.shown_text for m in double.chat(person).from_bot) == 1


async def test_a_store_that_opted_in_sends_notifications_as_paid_broadcasts(
    double: LocalBotApi, engine: Engine
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(double, url, paid_broadcast=True) as bot:
        apples = sell(bot, 0, sku="APPLES", name="Apples")
        ann = someone(bot, "Ann")
        stock.watch_product(CustomerRef(ann.person.id, "Ann"), apples.id or 0, uow=bot.shop.uow())
        await ann.says("/start")  # a reply to her own action: the free budget
        stock.receive_stock(
            "APPLES", Decimal(5), store=bot.shop.store, actor="test", uow=bot.shop.uow()
        )
        await double.wait_for(lambda: ann.has_seen("is back in stock"), what="Ann told")
    sends = [c for c in double.calls if c.method == "sendMessage" and c.status == 200]
    paid = [c for c in sends if "is back in stock" in str(c.params.get("text"))]
    assert len(paid) == 1 and paid[0].params.get("allow_paid_broadcast") in (True, "true")
    assert all(not c.params.get("allow_paid_broadcast") for c in sends if c not in paid)
