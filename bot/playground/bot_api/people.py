"""Acting as people (send, press, share, edit, redeliver) and reading what chats show."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable
from typing import Any

from bot.playground.bot_api.model import Call, Chat, ChatMessage, Group, Person
from bot.playground.bot_api.spec import UploadedFile
from bot.playground.bot_api.state import ApiState


class People(ApiState):
    @property
    def invalid_calls(self) -> list[Call]:
        """Calls Telegram would have refused (injected faults are not the bot's fault)."""
        with self._lock:
            return [c for c in self.calls if c.status != 200 and not c.injected]

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method.lower() == method.lower()]

    def chat(self, person: Person) -> Chat:
        with self._lock:
            return self.chats[person.id]

    def wait_for_change(self, since: int, timeout: float) -> int:
        """Block until the revision passes `since` (or the timeout, or stop); the revision."""
        with self._lock:
            self._changed.wait_for(lambda: self.revision > since or self._stopping, timeout)
            return self.revision

    def wait_for_answer(self, query_id: str, timeout: float) -> dict[str, Any] | None:
        """The bot's answer to a button press, waiting for it a little (None if it never came)."""
        with self._lock:
            self._changed.wait_for(lambda: query_id in self._answered or self._stopping, timeout)
            return self._answered.get(query_id)

    def callback_answer(self, query_id: str) -> dict[str, Any] | None:
        with self._lock:
            return self._answered.get(query_id)

    def menu_for(self, person: Person) -> list[dict[str, str]]:
        """The command menu this person sees, as Telegram picks it: their chat's own, else the
        default one; in each scope, the one for their app's language first."""
        language = person.language_code
        with self._lock:
            for scope in (f"chat:{person.id}", "default"):
                for key in (f"{scope}/{language}", scope):
                    if key in self.commands:
                        return list(self.commands[key])
            return []

    def description_for(self, person: Person, kind: str = "long") -> str:
        """The bot's description ("long") or short description this person's app shows."""
        with self._lock:
            return self.descriptions.get(
                f"{kind}/{person.language_code}", self.descriptions.get(kind, "")
            )

    def commands_for(self, person: Person) -> list[str]:
        return [c["command"] for c in self.menu_for(person)]

    def message_in(self, person: Person, message_id: int) -> ChatMessage | None:
        """A message still on screen in this person's chat."""
        with self._lock:
            chat = self.chats.get(person.id)
            found = [m for m in chat.visible if m.message_id == message_id] if chat else []
            return found[0] if found else None

    async def wait_for(
        self,
        condition: Callable[[], bool],
        *,
        timeout: float = 10,
        what: str = "the condition",
        every: float = 0.01,
    ) -> None:
        """`every`: seconds between two looks. Each look holds the double's lock, which every
        call from the bot waits for: a test timing the bot's calls looks less often."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if condition():
                    return
            await asyncio.sleep(every)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}")

    def processed(self, update_id: int) -> None:
        """The bot reports an update fully handled (see tests/support/running_bot.py)."""
        with self._lock:
            self._processed[update_id] += 1
            self._last_activity = time.monotonic()
            listeners = list(self.processed_listeners)
        for listener in listeners:
            listener(update_id)

    async def settle(self, *, quiet: float = 0.01, timeout: float = 15) -> None:
        """Wait until the bot has handled every update sent so far and no call is in flight,
        then `quiet` seconds more with no call (one a handler started without awaiting)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                handled = all(self._processed[u] >= n for u, n in self._pushed.items())
                idle = self._in_flight == 0
                quiet_enough = time.monotonic() - self._last_activity >= quiet
                if handled and idle and quiet_enough:
                    return
            await asyncio.sleep(0.01)
        waiting = [u for u, n in self._pushed.items() if self._processed[u] < n]
        raise AssertionError(f"the bot did not finish updates {waiting} within {timeout}s")

    def person(
        self, first_name: str, username: str | None = None, *, language_code: str = "en"
    ) -> Person:
        with self._lock:
            person = Person(next(self._people_ids), first_name, username, language_code)
            self.chats[person.id] = Chat(person)
            return person

    def change_language(self, person: Person, language_code: str) -> Person:
        """The person set their Telegram app to another language: their next updates say so,
        and their app shows the menu and descriptions for it."""
        with self._lock:
            changed = dataclasses.replace(person, language_code=language_code)
            self.chats[person.id].person = changed
            self._bump()
            return changed

    def send_text(self, person: Person, text: str) -> ChatMessage:
        return self._from_person(person, text=text)

    def share_contact(
        self, person: Person, phone: str, *, owner: Person | None = None
    ) -> ChatMessage:
        """Share a contact card; by default the person's own (as the keyboard button does)."""
        who = owner or person
        contact = {"phone_number": phone, "first_name": who.first_name, "user_id": who.id}
        return self._from_person(person, contact=contact)

    def send_sticker(self, person: Person) -> ChatMessage:
        return self._from_person(person, sticker=True)

    def send_photo(
        self, person: Person, caption: str | None = None, upload: UploadedFile | None = None
    ) -> ChatMessage:
        """A photo from the person; an uploaded picture is kept so the bot can show it again."""
        with self._lock:
            file_id = "user-photo-1" if upload is None else self._keep(upload, "photo")
            return self._from_person(person, photo=file_id, caption=caption)

    def _from_person(self, person: Person, **content: Any) -> ChatMessage:
        with self._lock:
            message = ChatMessage(
                next(self._message_ids), person, False, int(time.time()), **content
            )
            self.chats[person.id].messages.append(message)
            self._push({"message": message.as_message(self.bot_user)})
            return message

    def press(
        self, person: Person, message: ChatMessage, button: str, nth: int | None = None
    ) -> str:
        """Press the inline button whose text contains `button` (the nth of several, if
        given); returns the query id."""
        with self._lock:
            matches = [b for b in message.buttons if button in b["text"]]
            assert matches, f"no button {button!r} in {message.button_texts}"
            assert nth is not None or len(matches) == 1, (
                f"{button!r} matches several of {message.button_texts}"
            )
            assert not message.deleted, "that message was deleted"
            return self.press_data(person, message, matches[nth or 0]["callback_data"])

    def press_data(self, person: Person, message: ChatMessage, data: str) -> str:
        """Send a callback query with any data: how forged buttons are tested."""
        where = {
            "message": message.as_message(self.bot_user),
            "chat_instance": f"ci{message.chat.id}",
        }
        return self._press(person, where, data)

    def press_inline(self, person: Person, data: str) -> str:
        """Press a button on a message sent through inline mode (in any chat): Telegram names
        only the message, never its chat. Returns the query id."""
        where = {
            "inline_message_id": f"AgAAAInline{person.id}",
            "chat_instance": f"ci-inline-{person.id}",
        }
        return self._press(person, where, data)

    def _press(self, person: Person, where: dict[str, Any], data: str) -> str:
        with self._lock:
            query_id = f"q{next(self._query_ids)}"
            self._open_queries.add(query_id)
            query = {"id": query_id, "from": person.as_user(), **where, "data": data}
            self._push({"callback_query": query})
            return query_id

    def _push(self, payload: dict[str, Any]) -> int:
        update = {"update_id": next(self._update_ids), **payload}
        self.spec.check_returned(update, "Update")
        self._heard_from(payload)
        self._queue(update)
        return int(update["update_id"])

    def _queue(self, update: dict[str, Any]) -> None:
        self._sent[update["update_id"]] = update
        self._updates.append(update)
        self._pushed[update["update_id"]] += 1
        self._last_activity = time.monotonic()
        self._bump()

    def last_update_id(self) -> int:
        with self._lock:
            return max(self._sent)

    def redeliver(self, update_id: int) -> None:
        """Deliver an update again, as Telegram does when a webhook answered slowly or failed
        (the same update_id, the same content)."""
        with self._lock:
            self._queue(self._sent[update_id])

    def edit_text(self, person: Person, message: ChatMessage, text: str) -> None:
        """The person edits a message they sent: Telegram sends an edited_message update."""
        with self._lock:
            message.text, message.edits = text, message.edits + 1
            self._push({"edited_message": message.as_message(self.bot_user)})

    def group(self, title: str) -> Group:
        """A group chat the bot was added to; people write in it with `send_text_in`."""
        with self._lock:
            group = Group(-next(self._people_ids), title)
            self.chats[group.id] = Chat(group)
            return group

    def send_text_in(self, group: Group, person: Person, text: str) -> ChatMessage:
        with self._lock:
            message = ChatMessage(
                next(self._message_ids), group, False, int(time.time()), text=text, author=person
            )
            self.chats[group.id].messages.append(message)
            self._push({"message": message.as_message(self.bot_user)})
            return message
