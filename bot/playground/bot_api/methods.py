"""The Bot API methods the bot calls, checked as Telegram checks them."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from typing import Any

from bot.playground.bot_api.errors import bad_request
from bot.playground.bot_api.html_entities import utf16_length, visible_text
from bot.playground.bot_api.model import (
    MAX_CALLBACK_ANSWER,
    MAX_CAPTION,
    MAX_TEXT,
    NOT_MODIFIED,
    PRE_CHECKOUT_SECONDS,
    QUERY_TOO_OLD,
    Chat,
    ChatMessage,
    Invoice,
)
from bot.playground.bot_api.spec import UploadedFile
from bot.playground.bot_api.state import ApiState


class Methods(ApiState):
    @staticmethod
    def _checked_text(
        text: str, parse_mode: str | None, limit: int, empty: str, too_long: str
    ) -> None:
        shown = visible_text(text) if parse_mode == "HTML" else text
        if parse_mode not in (None, "HTML"):
            raise bad_request(f"the double checks only HTML, not parse_mode {parse_mode}")
        if not shown.strip() and empty:
            raise bad_request(empty)
        if utf16_length(shown) > limit:
            raise bad_request(too_long)

    def _checked_markup(self, markup: Any, chat: Chat) -> list[list[dict[str, Any]]] | None:
        if markup is None:
            return None
        if "inline_keyboard" in markup:
            for row in markup["inline_keyboard"]:
                for button in row:
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(data.encode()) <= 64:
                        raise bad_request("BUTTON_DATA_INVALID")
                    if not button.get("text"):
                        raise bad_request("text buttons are unallowed in the inline keyboard")
            return list(markup["inline_keyboard"])
        if "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        return None

    def _new_bot_message(self, p: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat = self._chat(p["chat_id"])
        keyboard = self._checked_markup(p.get("reply_markup"), chat)
        message = ChatMessage(
            next(self._message_ids),
            chat.person,
            True,
            int(time.time()),
            parse_mode=p.get("parse_mode"),
            inline_keyboard=keyboard,
            **content,
        )
        chat.messages.append(message)
        return self._answer_message(message)

    def _send_message(self, p: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self._checked_text(
                p["text"],
                p.get("parse_mode"),
                MAX_TEXT,
                "message text is empty",
                "message is too long",
            )
            return self._new_bot_message(p, text=p["text"])

    def _caption(self, p: dict[str, Any]) -> str | None:
        """A media message's caption, checked like Telegram checks it (1024 at most)."""
        caption: str | None = p.get("caption")
        if caption is not None:
            self._checked_text(
                caption, p.get("parse_mode"), MAX_CAPTION, "", "message caption is too long"
            )
        return caption

    def _send_photo(self, p: dict[str, Any]) -> dict[str, Any]:
        photo = p["photo"]
        # As Telegram: a photo by web address is fetched. Offline, only this computer's own
        # addresses can be (the back office's photos); it is done before the double is held.
        local = fetched_here(photo) if isinstance(photo, str) else None
        with self._lock:
            caption = self._caption(p)
            if local is not None:
                file_id = self._keep(local, "photo")
                self.fetched[file_id] = photo
            elif isinstance(photo, str):
                web = photo.startswith(("https://", "http://"))
                file_id = self._fetched(photo) if web else photo
            else:
                file_id = self._keep(photo, "photo")
            return self._new_bot_message(p, photo=file_id, caption=caption)

    def _send_document(self, p: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            caption = self._caption(p)
            document = p["document"]
            file_id = document if isinstance(document, str) else self._keep(document, "document")
            return self._new_bot_message(p, document=document, document_id=file_id, caption=caption)

    def _editable(self, p: dict[str, Any], what: str) -> ChatMessage:
        if "inline_message_id" in p:
            raise bad_request("the double does not simulate inline messages")
        if "chat_id" not in p or "message_id" not in p:
            raise bad_request("message identifier is not specified")
        chat = self._chat(p["chat_id"])
        found = next((m for m in chat.messages if m.message_id == p["message_id"]), None)
        if found is None or found.deleted or not found.from_bot:
            raise bad_request(f"message to {what} not found")
        return found

    def _edit_text(self, p: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            message = self._editable(p, "edit")
            if message.text is None:
                raise bad_request("there is no text in the message to edit")
            self._checked_text(
                p["text"],
                p.get("parse_mode"),
                MAX_TEXT,
                "message text is empty",
                "message is too long",
            )
            keyboard = self._checked_markup(p.get("reply_markup"), self.chats[message.chat.id])
            if (p["text"], p.get("parse_mode"), keyboard) == (
                message.text,
                message.parse_mode,
                message.inline_keyboard,
            ):
                raise bad_request(NOT_MODIFIED)
            message.text, message.parse_mode = p["text"], p.get("parse_mode")
            message.inline_keyboard = keyboard
            message.edits += 1
            return self._answer_message(message)

    def _edit_caption(self, p: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            message = self._editable(p, "edit")
            if message.photo is None and message.document is None:
                raise bad_request("there is no caption in the message to edit")
            caption = p.get("caption", "")
            self._checked_text(
                caption, p.get("parse_mode"), MAX_CAPTION, "", "message caption is too long"
            )
            keyboard = self._checked_markup(p.get("reply_markup"), self.chats[message.chat.id])
            if (caption, keyboard) == (message.caption, message.inline_keyboard):
                raise bad_request(NOT_MODIFIED)
            message.caption, message.parse_mode = caption, p.get("parse_mode")
            message.inline_keyboard = keyboard
            message.edits += 1
            return self._answer_message(message)

    def _edit_markup(self, p: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            message = self._editable(p, "edit")
            keyboard = self._checked_markup(p.get("reply_markup"), self.chats[message.chat.id])
            if keyboard == message.inline_keyboard:
                raise bad_request(NOT_MODIFIED)
            message.inline_keyboard = keyboard
            message.edits += 1
            return self._answer_message(message)

    def _delete_message(self, p: dict[str, Any]) -> bool:
        with self._lock:
            chat = self._chat(p["chat_id"])
            found = next((m for m in chat.messages if m.message_id == p["message_id"]), None)
            if found is None or found.deleted:
                raise bad_request("message to delete not found")
            found.deleted = True
            return True

    def _answer_callback(self, p: dict[str, Any]) -> bool:
        with self._lock:
            query_id = p["callback_query_id"]
            if query_id not in self._open_queries:
                raise bad_request(QUERY_TOO_OLD)
            if len(p.get("text") or "") > MAX_CALLBACK_ANSWER:
                raise bad_request("MESSAGE_TOO_LONG")
            self._open_queries.discard(query_id)
            self._answered[query_id] = dict(p)
            return True

    @staticmethod
    def _scope_key(p: dict[str, Any]) -> str:
        """The scope, and the language after a "/" when the call names one ("default/de")."""
        scope = p.get("scope") or {"type": "default"}
        key = f"chat:{scope['chat_id']}" if scope["type"] == "chat" else str(scope["type"])
        return f"{key}/{p['language_code']}" if p.get("language_code") else key

    def _set_commands(self, p: dict[str, Any]) -> bool:
        commands = p["commands"]
        if len(commands) > 100:
            raise bad_request("too many commands")
        for command in commands:
            name, description = command["command"], command["description"]
            if not (1 <= len(name) <= 32 and name.replace("_", "").isalnum() and name.islower()):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        with self._lock:
            self.commands[self._scope_key(p)] = list(commands)
        return True

    def _delete_commands(self, p: dict[str, Any]) -> bool:
        with self._lock:
            self.commands.pop(self._scope_key(p), None)
        return True

    def _get_commands(self, p: dict[str, Any]) -> list[dict[str, str]]:
        with self._lock:
            return list(self.commands.get(self._scope_key(p), []))

    def _set_menu_button(self, p: dict[str, Any]) -> bool:
        """As Telegram: a Mini App opens over HTTPS only; a chat is a private one."""
        button = p.get("menu_button") or {"type": "default"}
        if isinstance(button, str):
            button = json.loads(button)
        if button.get("type") == "web_app":
            url = str(button.get("web_app", {}).get("url", ""))
            if not url.startswith("https://"):
                raise bad_request(
                    f"inline keyboard button Web App URL '{url}' is invalid: Only HTTPS links "
                    "are allowed"
                )
            if not 1 <= len(str(button.get("text", ""))) <= 64:
                raise bad_request("BUTTON_TEXT_INVALID")
        key = str(p["chat_id"]) if p.get("chat_id") is not None else "default"
        with self._lock:
            if key != "default" and int(key) < 0:
                raise bad_request("the menu button can be changed only in private chats")
            self.menu_buttons[key] = dict(button)
        return True

    def _get_menu_button(self, p: dict[str, Any]) -> dict[str, Any]:
        key = str(p["chat_id"]) if p.get("chat_id") is not None else "default"
        with self._lock:
            return dict(self.menu_buttons.get(key) or {"type": "default"})

    def menu_button_of(self, chat_id: int) -> dict[str, Any]:
        """The menu button this private chat shows (its own, else the bot's default)."""
        with self._lock:
            found = self.menu_buttons.get(str(chat_id)) or self.menu_buttons.get("default")
            return dict(found or {"type": "default"})

    def _send_location(self, p: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            latitude, longitude = float(p["latitude"]), float(p["longitude"])
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                raise bad_request("wrong latitude or longitude")
            return self._new_bot_message(p, location={"latitude": latitude, "longitude": longitude})

    def _set_description(self, p: dict[str, Any]) -> bool:
        """setMyDescription (512 characters) and setMyShortDescription (120)."""
        short = "short_description" in p
        text = p.get("short_description" if short else "description", "")
        if len(text) > (120 if short else 512):
            raise bad_request("BOT_ABOUT_TOO_LONG" if short else "BOT_DESCRIPTION_TOO_LONG")
        language = p.get("language_code") or ""
        with self._lock:
            self.descriptions[
                ("short" if short else "long") + (f"/{language}" if language else "")
            ] = text
        return True

    def _send_invoice(self, p: dict[str, Any]) -> dict[str, Any]:
        """Physical goods: a payment provider's token, the store's currency, price lines."""
        title, description, payload = p["title"], p["description"], p["payload"]
        if not 1 <= len(title) <= 32:
            raise bad_request("INVOICE_TITLE_INVALID" if title else "INVOICE_TITLE_EMPTY")
        if not 1 <= len(description) <= 255:
            raise bad_request("INVOICE_DESCRIPTION_INVALID")
        if not 1 <= len(payload.encode()) <= 128:
            raise bad_request("INVOICE_PAYLOAD_INVALID")
        currency = p["currency"]
        if currency == "XTR":
            raise bad_request("the double sells physical goods: Telegram Stars are not for them")
        if not p.get("provider_token"):
            raise bad_request("PAYMENT_PROVIDER_INVALID")
        if not (len(currency) == 3 and currency.isalpha() and currency.isupper()):
            raise bad_request("CURRENCY_INVALID")
        prices = p["prices"]
        if not prices or any(
            not isinstance(price.get("amount"), int) or not price.get("label") for price in prices
        ):
            raise bad_request("INVOICE_PRICES_INVALID")
        invoice = Invoice(
            title,
            description,
            payload,
            currency,
            tuple((price["label"], price["amount"]) for price in prices),
        )
        if invoice.total_amount <= 0:
            raise bad_request("CURRENCY_TOTAL_AMOUNT_INVALID")
        with self._lock:
            return self._new_bot_message(p, invoice=invoice)

    def _answer_pre_checkout(self, p: dict[str, Any]) -> bool:
        with self._lock:
            query_id = p["pre_checkout_query_id"]
            asked = self._pre_checkouts.get(query_id)
            if asked is None or query_id in self._answered:
                raise bad_request(QUERY_TOO_OLD)
            if time.monotonic() - asked > PRE_CHECKOUT_SECONDS:
                self._pre_checkouts.pop(query_id)
                raise bad_request(QUERY_TOO_OLD)
            if not p["ok"] and not (p.get("error_message") or "").strip():
                raise bad_request("ERROR_MESSAGE_EMPTY: error_message is required when ok is False")
            self._answered[query_id] = dict(p)
            self._bump()
            return True


# Telegram fetches photos of up to 5 MB by their address.
MAX_FETCHED = 5 * 1024 * 1024


def fetched_here(address: str) -> UploadedFile | None:
    """A photo at an address of this computer (127.0.0.1, localhost), fetched as Telegram
    fetches one; Telegram's refusal when it is not there or is not a photo."""
    parts = urllib.parse.urlsplit(address)
    if parts.scheme not in ("http", "https") or parts.hostname not in ("127.0.0.1", "localhost"):
        return None
    try:
        with urllib.request.urlopen(address, timeout=5) as answer:  # noqa: S310 - this host
            kind = answer.headers.get_content_type()
            body = answer.read(MAX_FETCHED + 1)
    except (OSError, ValueError):
        raise bad_request("wrong file identifier/HTTP URL specified") from None
    if not kind.startswith("image/") or len(body) > MAX_FETCHED:
        raise bad_request("wrong type of the web page content")
    return UploadedFile(parts.path.rsplit("/", 1)[-1] or "photo", body, kind)
