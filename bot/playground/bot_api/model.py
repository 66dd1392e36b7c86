"""What a chat holds: people, groups, messages as the double keeps and shows them."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.playground.bot_api.html_entities import utf16_length, visible_text
from bot.playground.bot_api.spec import UploadedFile

TOKEN = "123456789:local-token_of_the_local_api"  # noqa: S105 - not a secret: local only
BOT_ID = 123456789
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
PRE_CHECKOUT_SECONDS = 10  # Telegram waits this long for answerPreCheckoutQuery
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
# How Telegram marks a command: "/report." and "/report," are the command /report followed by
# punctuation; "/report@some_bot" names a bot.
BOT_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    first_name: str
    username: str | None = None
    language_code: str = "en"  # their Telegram app's language

    def as_user(self) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }
        if self.username:
            user["username"] = self.username
        return user

    def as_chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass(frozen=True, slots=True)
class Group(Person):
    """A group chat: its id is negative and its first_name is the group's title."""

    def as_chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "group", "title": self.first_name}


@dataclass(frozen=True, slots=True)
class Invoice:
    """An invoice as the bot sent it; the payment sheet shows its price lines."""

    title: str
    description: str
    payload: str
    currency: str
    prices: tuple[tuple[str, int], ...]

    @property
    def total_amount(self) -> int:
        return sum(amount for _label, amount in self.prices)

    def as_invoice(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "description": self.description,
            "start_parameter": "",
            "currency": self.currency,
            "total_amount": self.total_amount,
        }


@dataclass
class ChatMessage:
    message_id: int
    chat: Person
    from_bot: bool
    date: int
    text: str | None = None
    parse_mode: str | None = None
    caption: str | None = None
    inline_keyboard: list[list[dict[str, Any]]] | None = None
    photo: str | None = None
    document: UploadedFile | str | None = None
    document_id: str | None = None
    contact: dict[str, Any] | None = None
    location: dict[str, float] | None = None
    sticker: bool = False
    invoice: Invoice | None = None
    successful_payment: dict[str, Any] | None = None
    deleted: bool = False
    edits: int = 0
    author: Person | None = None  # who wrote it, in a group chat

    @property
    def shown_text(self) -> str:
        """What the person reads: the text (or caption) with the HTML markup parsed."""
        raw = self.text if self.text is not None else (self.caption or "")
        return visible_text(raw) if self.parse_mode == "HTML" else raw

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [button for row in self.inline_keyboard or [] for button in row]

    @property
    def button_texts(self) -> list[str]:
        return [button["text"] for button in self.buttons]

    def as_message(self, bot: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": self.chat.as_chat(),
            "from": bot if self.from_bot else (self.author or self.chat).as_user(),
        }
        if self.text is not None:
            message["text"] = self.shown_text
            if not self.from_bot and (command := BOT_COMMAND.match(self.text)):
                message["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": utf16_length(command[0])}
                ]
        if self.caption is not None:
            message["caption"] = self.shown_text
        if self.photo is not None:
            message["photo"] = [
                {
                    "file_id": self.photo,
                    "file_unique_id": f"u{self.photo[:20]}",
                    "width": 640,
                    "height": 480,
                }
            ]
        if self.document is not None:
            name = self.document.filename if isinstance(self.document, UploadedFile) else "file"
            message["document"] = {
                "file_id": self.document_id or f"doc-{self.message_id}",
                "file_unique_id": f"u{self.document_id or self.message_id}",
                "file_name": name,
            }
        if self.contact is not None:
            message["contact"] = self.contact
        if self.location is not None:
            message["location"] = self.location
        if self.invoice is not None:
            message["invoice"] = self.invoice.as_invoice()
        if self.successful_payment is not None:
            message["successful_payment"] = self.successful_payment
        if self.sticker:
            message["sticker"] = {
                "file_id": "sticker-1",
                "file_unique_id": "usticker-1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        if self.inline_keyboard is not None:
            message["reply_markup"] = {"inline_keyboard": self.inline_keyboard}
        if self.edits:
            message["edit_date"] = self.date
        return message


@dataclass
class Chat:
    person: Person
    messages: list[ChatMessage] = field(default_factory=list)
    reply_keyboard: dict[str, Any] | None = None

    @property
    def visible(self) -> list[ChatMessage]:
        return [m for m in self.messages if not m.deleted]

    @property
    def from_bot(self) -> list[ChatMessage]:
        return [m for m in self.visible if m.from_bot]

    @property
    def last_from_bot(self) -> ChatMessage:
        bot_messages = self.from_bot
        assert bot_messages, f"the bot has said nothing to {self.person.first_name}"
        return bot_messages[-1]


@dataclass(frozen=True, slots=True)
class Call:
    """One call the bot made, as the double answered it. `at`: when the double took it, on
    its clock (the time the flood rule counted it), so a test can count the calls of any
    second; `bulk`: the flood rule counted it as a bulk notification (a message to a chat
    that sent no update lately), not as a reply."""

    method: str
    params: Mapping[str, Any]
    status: int
    error: str | None = None
    injected: bool = False
    at: float = field(default_factory=time.monotonic)
    bulk: bool = False
