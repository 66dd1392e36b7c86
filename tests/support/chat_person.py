"""A person in a chat with the bot: send, press, share, and read what the chat shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.playground.bot_api.server import Chat, ChatMessage, LocalBotApi, PaymentAttempt, Person


@dataclass
class ChatPerson:
    double: LocalBotApi
    person: Person
    toasts: list[str] = field(default_factory=list)  # what each button press answered

    @property
    def chat(self) -> Chat:
        return self.double.chat(self.person)

    @property
    def last(self) -> ChatMessage:
        """The bot's latest message still on screen."""
        return self.chat.last_from_bot

    @property
    def screen(self) -> str:
        return self.last.shown_text

    def has_seen(self, text: str) -> bool:
        """Whether any bot message on screen contains the text (safe on an empty chat)."""
        return any(text in m.shown_text for m in self.chat.from_bot)

    async def says(self, text: str) -> ChatMessage:
        self.double.send_text(self.person, text)
        await self.double.settle()
        return self.last

    async def presses(
        self, button: str, on: ChatMessage | None = None, nth: int | None = None
    ) -> ChatMessage:
        """Press a button on the given message (default: the bot's latest one)."""
        query = self.double.press(self.person, on or self.last, button, nth)
        await self.double.settle()
        answer = self.double.callback_answer(query)
        assert answer is not None, "the button press went unanswered"
        self.toasts.append(answer.get("text") or "")
        return self.last

    async def presses_data(self, data: str, on: ChatMessage | None = None) -> str | None:
        """Send any callback data (a forged or stale button); returns the alert shown."""
        query = self.double.press_data(self.person, on or self.last, data)
        await self.double.settle()
        answer = self.double.callback_answer(query)
        assert answer is not None, "the button press went unanswered"
        return answer.get("text")

    async def shares_phone(self, phone: str) -> ChatMessage:
        self.double.share_contact(self.person, phone)
        await self.double.settle()
        return self.last

    async def sends_sticker(self) -> ChatMessage:
        self.double.send_sticker(self.person)
        await self.double.settle()
        return self.last

    @property
    def last_invoice(self) -> ChatMessage:
        invoices = [m for m in self.chat.from_bot if m.invoice is not None]
        assert invoices, "the bot sent no invoice"
        return invoices[-1]

    async def pays(self, invoice: ChatMessage | None = None) -> PaymentAttempt:
        """Tap Pay on the invoice (default: the latest) and confirm the test payment sheet."""
        attempt = await self.double.pay(self.person, invoice or self.last_invoice)
        await self.double.settle()
        return attempt

    def alert_for(self, query_id: str) -> str | None:
        answer = self.double.callback_answer(query_id)
        return None if answer is None else answer.get("text")
