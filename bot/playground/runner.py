"""`shopkeeps playground`: the real bot, a local Bot API and the chat page, in one process.

Only Telegram is replaced: the bot is built by the same `build_application` and run by the
same `run` as in production, polling the local Bot API. The store lives in a temporary
SQLite file that is deleted on the way out, whatever the configured database is.
"""

from __future__ import annotations

import errno
import secrets
import socket
import tempfile
from pathlib import Path
from typing import TextIO

from pydantic import SecretStr

from bot.app import run
from bot.config import Settings
from bot.playground.bot_api.server import BOT_ID, LocalBotApi
from bot.playground.demo import Persona, set_up_store
from bot.playground.web import PlaygroundWeb
from bot.wiring import build_shop

OUTBOX_POLL_SECONDS = 0.5  # notifications show up quickly while someone watches
# The playground's payment sheet takes test cards only, so payments in the chat are always on.
TEST_PROVIDER_TOKEN = "000000000:TEST:playground"  # noqa: S105 - not a secret


def playground_settings(
    settings: Settings, api: LocalBotApi, folder: Path, web_port: int
) -> Settings:
    """The store's own settings (name, currency, hours...), pointed at the playground; the
    bot's web server (the back office) on `web_port` of this computer only."""
    return settings.model_copy(
        update={
            "database_url": f"sqlite:///{folder / 'playground.db'}",
            "telegram_token": SecretStr(api.token),
            "telegram_api_url": api.base_url,
            "webhook_url": None,
            "webhook_secret": None,
            "web_listen": "127.0.0.1",
            "web_port": web_port,
            "backoffice_url": f"http://127.0.0.1:{web_port}",
            "outbox_poll_seconds": min(settings.outbox_poll_seconds, OUTBOX_POLL_SECONDS),
            "payment_provider_token": settings.payment_provider_token
            or SecretStr(TEST_PROVIDER_TOKEN),
        }
    )


def free_port() -> int:
    """A port nothing listens on now, for the bot's own web server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def banner(url: str, personas: list[Persona]) -> str:
    lines = [f"ShopKeeps playground is running: open {url}", ""]
    for persona in personas:
        login = persona.login
        how = (
            "no login needed"
            if login is None
            else f"/login  username {login.username}  password {login.password}"
        )
        lines.append(f"  {persona.person.first_name:<6} {persona.role:<9} {how}")
    lines += [
        "",
        "The store, its accounts and its chats live in a throw-away database.",
        "Press Ctrl-C to stop.",
    ]
    return "\n".join(lines)


def run_playground(settings: Settings, out: TextIO) -> int:
    """Blocks until Ctrl-C; everything it started is stopped and deleted before it returns."""
    api = LocalBotApi(
        token=f"{BOT_ID}:{secrets.token_urlsafe(24)}",
        bot_name=settings.store_name,
        bot_username="shopkeeps_playground_bot",
        keep_calls=False,
    )
    with tempfile.TemporaryDirectory(prefix="shopkeeps-playground-") as folder:
        api.start()
        try:
            local = playground_settings(settings, api, Path(folder), free_port())
            shop = build_shop(local)
            try:
                personas = set_up_store(shop, api)
                try:
                    web = PlaygroundWeb(
                        api, personas, settings.playground_port, local.backoffice_url
                    ).start()
                except OSError as error:
                    if error.errno != errno.EADDRINUSE:
                        raise
                    out.write(
                        f"Port {settings.playground_port} is in use. Set "
                        "SHOPKEEPS_PLAYGROUND_PORT to a free port (0 picks one).\n"
                    )
                    return 2
                try:
                    out.write(banner(web.url, personas) + "\n")
                    out.flush()
                    run(local, shop)
                finally:
                    web.stop()
            finally:
                shop.close()
        finally:
            api.stop()
    out.write("Playground stopped; its store was deleted.\n")
    return 0
