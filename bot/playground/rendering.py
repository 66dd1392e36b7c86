"""What a chat window shows, as JSON for the playground page.

Bot texts in Telegram's HTML are re-emitted tag by tag from the parsed markup, so the page
only ever receives markup we wrote ourselves: a name typed into an item can never become a
script in the browser.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

from bot.domain.money import Currency
from bot.playground.bot_api.html_entities import Tag, parse_html
from bot.playground.bot_api.model import Invoice
from bot.playground.bot_api.server import Chat, ChatMessage
from bot.playground.bot_api.spec import UploadedFile

_SAME_TAG = {
    "b": "b",
    "strong": "b",
    "i": "i",
    "em": "i",
    "u": "u",
    "ins": "u",
    "s": "s",
    "strike": "s",
    "del": "s",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
MAX_SHOWN = 300  # messages per chat sent to the page; older ones scrolled away long ago
_SAFE_LINK = ("http://", "https://", "mailto:", "tel:")


def browser_html(text: str, parse_mode: str | None) -> str:
    """Telegram-formatted text as safe HTML for the page."""
    if parse_mode != "HTML":
        return escape(text)
    out: list[str] = []
    for piece in parse_html(text):
        out.append(escape(piece) if isinstance(piece, str) else _tag(piece))
    return "".join(out)


def _tag(tag: Tag) -> str:
    name = _SAME_TAG.get(tag.name)
    if name is None and tag.name == "a":
        if tag.closing:
            return "</a>"
        href = tag.attributes.get("href", "")
        if not href.startswith(_SAFE_LINK):
            return '<a class="dead-link">'
        return f'<a href="{escape(href)}" target="_blank" rel="noopener noreferrer">'
    if name is None:  # spoilers, custom emoji, times: shown as plain spans
        spoiler = tag.name == "tg-spoiler" or "tg-spoiler" in tag.attributes.get("class", "")
        if tag.closing:
            return "</span>"
        return '<span class="spoiler">' if spoiler else "<span>"
    return f"</{name}>" if tag.closing else f"<{name}>"


def file_url(file_id: str) -> str:
    return f"/files/{quote(file_id, safe='')}"


def message_view(message: ChatMessage, files: dict[str, UploadedFile]) -> dict[str, Any]:
    raw = message.text if message.text is not None else message.caption
    view: dict[str, Any] = {
        "id": message.message_id,
        "from_bot": message.from_bot,
        "date": message.date,
        "edited": message.edits > 0,
        "html": browser_html(raw, message.parse_mode) if raw else "",
        "buttons": [
            [
                {
                    "text": button["text"],
                    "data": button.get("callback_data"),
                    "url": button.get("url"),
                }
                for button in row
            ]
            for row in message.inline_keyboard or []
        ],
    }
    if message.photo is not None:
        view["photo"] = file_url(message.photo) if message.photo in files else None
    if message.document is not None:
        name = message.document.filename if isinstance(message.document, UploadedFile) else "file"
        known = message.document_id is not None and message.document_id in files
        view["document"] = {
            "name": name,
            "url": file_url(message.document_id) if known and message.document_id else None,
        }
    if message.contact is not None:
        view["contact"] = message.contact.get("phone_number", "")
    if message.sticker:
        view["sticker"] = True
    if message.location is not None:
        latitude, longitude = message.location["latitude"], message.location["longitude"]
        view["location"] = {
            "text": f"{latitude:.5f}, {longitude:.5f}",
            "map": f"https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}"
            f"#map=17/{latitude}/{longitude}",
        }
    if message.invoice is not None:
        view["invoice"] = invoice_view(message.invoice)
    if message.successful_payment is not None:
        paid = message.successful_payment
        amount = _money(paid["currency"], paid["total_amount"])
        view["payment"] = f"💳 You paid {amount} (test card, nothing was charged)"
    return view


def _money(currency: str, minor: int) -> str:
    try:
        return Currency(currency).format(minor)
    except ValueError:
        return f"{minor} {currency} (minor units)"


def invoice_view(invoice: Invoice) -> dict[str, Any]:
    """What the invoice bubble and its payment sheet show."""
    return {
        "title": invoice.title,
        "description": invoice.description,
        "prices": [
            {"label": label, "amount": _money(invoice.currency, amount)}
            for label, amount in invoice.prices
        ],
        "total": _money(invoice.currency, invoice.total_amount),
    }


def chat_view(
    chat: Chat, commands: list[dict[str, str]], files: dict[str, UploadedFile]
) -> dict[str, Any]:
    keyboard = chat.reply_keyboard
    return {
        "messages": [message_view(m, files) for m in chat.visible[-MAX_SHOWN:]],
        "reply_keyboard": None
        if keyboard is None
        else {
            "rows": [
                [
                    {"text": b["text"], "request_contact": bool(b.get("request_contact"))}
                    if isinstance(b, dict)
                    else {"text": str(b), "request_contact": False}
                    for b in row
                ]
                for row in keyboard.get("keyboard", [])
            ],
            "one_time": bool(keyboard.get("one_time_keyboard")),
            "placeholder": keyboard.get("input_field_placeholder", ""),
        },
        "commands": commands,
    }
