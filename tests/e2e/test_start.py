from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request

import pytest

from tests.support.databases import sqlite_only
from tests.support.running_bot import RunningBot


@sqlite_only
async def test_start_greets_the_person_by_name_with_the_store_name(bot: RunningBot) -> None:
    ann = bot.double.person("Ann <3")
    bot.double.send_text(ann, "/start")
    await bot.double.settle()
    reply = bot.double.chat(ann).last_from_bot
    assert "Hello Ann <3!" in reply.shown_text
    assert "Corner Shop <&> Co" in reply.shown_text


@sqlite_only
async def test_help_explains_how_to_order(bot: RunningBot) -> None:
    bob = bot.double.person("Bob")
    bot.double.send_text(bob, "/help")
    await bot.double.settle()
    assert "How to order" in bot.double.chat(bob).last_from_bot.shown_text


@pytest.mark.parametrize("mode", ["webhook"])
@sqlite_only
async def test_the_webhook_refuses_updates_without_the_secret(bot: RunningBot) -> None:
    assert bot.settings.webhook_url is not None
    forged = urllib.request.Request(
        bot.settings.webhook_url,
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "wrong"},
        data=json.dumps(
            {
                "update_id": 999,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": 1, "type": "private"},
                    "text": "/start",
                },
            }
        ).encode(),
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        # The bot's webhook server runs on this event loop: call it from another thread.
        await asyncio.to_thread(urllib.request.urlopen, forged, timeout=5)
    assert refused.value.code == 403
    assert bot.double.calls_to("sendMessage") == []
    assert bot.double.webhook is not None
    assert bot.double.webhook["secret_token"] == "test-secret_42"
