"""The database cannot be written: a full disk under SQLite (a small tmpfs, filled), a server
that is gone under MariaDB (through a proxy that refuses connections). Everyone still gets a
polite "we can't take that right now" in their language, nothing is half saved, and the bot is
itself again once there is space or a server."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from bot.domain.errors import CANNOT_SAVE_NOW
from bot.domain.services import orders
from bot.handlers import edge
from bot.i18n import Catalogues
from bot.persistence import migrate
from bot.playground.bot_api.server import LocalBotApi
from tests.e2e.test_payments import ordered_and_invoiced
from tests.support.chat_person import ChatPerson
from tests.support.db_proxy import proxied
from tests.support.running_bot import RunningBot, both_modes, running_bot
from tests.support.shop_factories import PROVIDER_TOKEN, sell

SORRY = "Sorry, something went wrong on our side."
CANNOT_SAVE_FR = Catalogues().texts("fr")(CANNOT_SAVE_NOW)


@contextlib.contextmanager
def small_disk(where: Path) -> Iterator[Path]:
    """A 6 MB tmpfs of its own: filling it fills nothing else."""
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(where)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path) -> Path:
    """Write zeros until the disk says it is full; the file to delete to make room again."""
    filler = disk / "filler"
    # Unbuffered, and the refusal suppressed around the file too: a buffered file keeps the
    # bytes a full disk refused and fails again on closing (CI saw it, three tests at once).
    with contextlib.suppress(OSError), filler.open("wb", buffering=0) as out:
        while True:
            out.write(b"\0" * 65536)
            os.fsync(out.fileno())
    return filler


def empty_the_log(database: Path) -> None:
    """Fold SQLite's write-ahead log into the file and cut it to nothing, so the next write
    needs new space (a log with room left in it would take a few more)."""
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()


async def at_the_item_card(bot: RunningBot) -> ChatPerson:
    ann = ChatPerson(bot.double, bot.double.person("Ann"))
    await ann.says("/search tea")
    await ann.presses("Earl Grey")
    return ann


async def everyone_is_told_politely(bot: RunningBot, ann: ChatPerson) -> None:
    zoe = ChatPerson(bot.double, bot.double.person("Zoé", language_code="fr"))
    card = ann.last
    press = bot.double.press(ann.person, card, "to cart")
    await bot.double.settle()
    answer = bot.double.callback_answer(press)
    assert answer is not None and answer.get("text") == CANNOT_SAVE_NOW
    await ann.says("/cart")
    assert ann.screen == CANNOT_SAVE_NOW
    await ann.says("/start")
    assert ann.screen == CANNOT_SAVE_NOW
    await zoe.says("/cart")
    assert zoe.screen == CANNOT_SAVE_FR != CANNOT_SAVE_NOW


async def all_is_well_again(ann: ChatPerson) -> None:
    await ann.says("/search tea")
    await ann.presses("Earl Grey")
    await ann.presses("to cart")
    await ann.says("/cart")
    assert "Earl Grey" in ann.screen
    assert not any(SORRY in m.shown_text for m in ann.chat.from_bot)


@both_modes  # not recorded: a webhook answers 503, polling takes it again
async def test_a_full_disk_gets_everyone_a_polite_answer_and_the_bot_recovers_with_space(
    double: LocalBotApi, tmp_path: Path, mode: str
) -> None:
    with small_disk(tmp_path / "disk") as disk:
        database = disk / "shop.db"
        migrate.upgrade(create_engine(f"sqlite:///{database}"))
        async with running_bot(double, f"sqlite:///{database}", mode) as bot:
            sell(bot, sku="TEA", name="Earl Grey", stock=5, price_minor=250)
            ann = await at_the_item_card(bot)
            empty_the_log(database)
            filler = fill(disk)

            await everyone_is_told_politely(bot, ann)

            filler.unlink()
            await all_is_well_again(ann)


async def test_a_database_server_gone_away_gets_everyone_a_polite_answer_and_recovers(
    double: LocalBotApi, engine: Engine, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend != "mariadb":
        pytest.skip("a server that goes away is a database server's fault (SQLite: a full disk)")
    monkeypatch.setattr(edge, "RECORD_ATTEMPTS", 2)  # the ~30 s of patience, cut short
    url = engine.url.render_as_string(hide_password=False)
    with proxied(url) as proxy:
        async with running_bot(double, proxy.url_for(url)) as bot:
            sell(bot, sku="TEA", name="Earl Grey", stock=5, price_minor=250)
            ann = await at_the_item_card(bot)
            proxy.go_down()
            await everyone_is_told_politely(bot, ann)
            proxy.come_back()
            await all_is_well_again(ann)


async def test_paying_while_the_disk_is_full_is_refused_on_the_sheet_and_works_with_space(
    double: LocalBotApi, tmp_path: Path, mode: str
) -> None:
    """No charge is made on a "no": the customer reads why on the payment sheet, in time."""
    with small_disk(tmp_path / "disk") as disk:
        database = disk / "shop.db"
        migrate.upgrade(create_engine(f"sqlite:///{database}"))
        url = f"sqlite:///{database}"
        async with running_bot(double, url, mode, payment_provider_token=PROVIDER_TOKEN) as bot:
            ann, order = await ordered_and_invoiced(bot)
            empty_the_log(database)
            filler = fill(disk)

            refused = await double.pay(ann.person, ann.last_invoice)
            assert not refused.ok and refused.update_id is None  # nothing was charged
            assert refused.error == CANNOT_SAVE_NOW

            filler.unlink()
            attempt = await double.pay(ann.person, ann.last_invoice)
            assert attempt.ok, attempt.error
            await double.settle()
            assert orders.find_order(order.code, uow=bot.shop.uow()).payment.is_paid
