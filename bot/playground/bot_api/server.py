"""A local Bot API server: a real HTTP server on 127.0.0.1 that answers as Telegram does.

The bot talks to it through python-telegram-bot's real network stack, exactly as it talks to
Telegram. The tests and the playground act as people through it (text, commands, button
presses, shared contacts, photos) and read what each chat shows. Every call is checked
against the published spec; `invalid_calls` lists the ones Telegram would have refused, and
the e2e fixtures fail a test that made any.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.playground.bot_api.faults import Faults
from bot.playground.bot_api.methods import Methods
from bot.playground.bot_api.model import (
    BOT_ID,
    MAX_CAPTION,
    MAX_TEXT,
    TOKEN,
    Call,
    Chat,
    ChatMessage,
    Group,
    Person,
)
from bot.playground.bot_api.paying import Paying, PaymentAttempt
from bot.playground.bot_api.transport import Transport

__all__ = [
    "BOT_ID",
    "MAX_CAPTION",
    "MAX_TEXT",
    "TOKEN",
    "Call",
    "Chat",
    "ChatMessage",
    "Group",
    "LocalBotApi",
    "PaymentAttempt",
    "Person",
]


class LocalBotApi(Paying, Methods, Transport, Faults):
    """The parts, one module each: model (what chats hold), methods (what the bot may call),
    transport (HTTP, polling, webhooks), people (acting as them, paying included), faults
    (on purpose)."""

    def _methods(self) -> dict[str, Callable[[dict[str, Any]], Any]]:
        return {
            "getme": lambda _p: self.bot_user,
            "getupdates": self._get_updates,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._webhook_info,
            "sendmessage": self._send_message,
            "sendphoto": self._send_photo,
            "senddocument": self._send_document,
            "sendlocation": self._send_location,
            "sendinvoice": self._send_invoice,
            "answerprecheckoutquery": self._answer_pre_checkout,
            "setmydescription": self._set_description,
            "setmyshortdescription": self._set_description,
            "editmessagetext": self._edit_text,
            "editmessagereplymarkup": self._edit_markup,
            "editmessagecaption": self._edit_caption,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback,
            "setmycommands": self._set_commands,
            "deletemycommands": self._delete_commands,
            "getmycommands": self._get_commands,
            "setchatmenubutton": self._set_menu_button,
            "getchatmenubutton": self._get_menu_button,
            "sendchataction": lambda _p: True,
            "close": lambda _p: True,
            "logout": lambda _p: True,
        }
