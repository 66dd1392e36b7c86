"""A person paying an invoice, as Telegram runs it: the payment sheet sends the bot a
pre-checkout query, waits up to 10 seconds for its answer, and only on yes charges the card
and sends the successful_payment message. Test cards only: nothing is ever charged."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from bot.playground.bot_api.model import PRE_CHECKOUT_SECONDS, ChatMessage, Person
from bot.playground.bot_api.people import People

TIMED_OUT = "The bot did not confirm the order in time. Nothing was charged."


@dataclass(frozen=True, slots=True)
class PaymentAttempt:
    query_id: str
    ok: bool
    error: str | None = None  # what the payment sheet shows when the bot said no
    update_id: int | None = None  # the successful_payment update, when charged


class Paying(People):
    def start_payment(self, person: Person, message: ChatMessage) -> str:
        """The person taps Pay on an invoice and confirms the sheet: the pre-checkout query."""
        with self._lock:
            invoice = message.invoice
            assert invoice is not None, "that message is not an invoice"
            assert not message.deleted, "that invoice was deleted"
            query_id = f"pc{next(self._query_ids)}"
            self._pre_checkouts[query_id] = time.monotonic()
            self._push(
                {
                    "pre_checkout_query": {
                        "id": query_id,
                        "from": person.as_user(),
                        "currency": invoice.currency,
                        "total_amount": invoice.total_amount,
                        "invoice_payload": invoice.payload,
                    }
                }
            )
            return query_id

    def finish_payment(self, person: Person, message: ChatMessage, query_id: str) -> PaymentAttempt:
        """After the bot's answer (or its silence): charge on yes, show the reason on no."""
        with self._lock:
            answer = self._answered.get(query_id)
            self._pre_checkouts.pop(query_id, None)
            if answer is None:
                return PaymentAttempt(query_id, False, TIMED_OUT)
            if not answer["ok"]:
                return PaymentAttempt(query_id, False, str(answer.get("error_message")))
            invoice = message.invoice
            assert invoice is not None
            update_id = self._charged(
                person, invoice.payload, invoice.currency, invoice.total_amount
            )
            return PaymentAttempt(query_id, True, update_id=update_id)

    def forge_payment(
        self,
        person: Person,
        message: ChatMessage,
        *,
        currency: str | None = None,
        total_amount: int | None = None,
    ) -> int:
        """A successful_payment for this invoice that Telegram never charged as invoiced (a
        forged update, or a provider that took another sum): by default the invoice's own
        currency and amount, without any pre-checkout query. Its update id."""
        with self._lock:
            invoice = message.invoice
            assert invoice is not None, "that message is not an invoice"
            return self._charged(
                person,
                invoice.payload,
                invoice.currency if currency is None else currency,
                invoice.total_amount if total_amount is None else total_amount,
            )

    def _charged(self, person: Person, payload: str, currency: str, total_amount: int) -> int:
        """The successful_payment message Telegram sends once a card was charged."""
        charge = next(self._charge_ids)
        paid = ChatMessage(
            next(self._message_ids),
            person,
            False,
            int(time.time()),
            successful_payment={
                "currency": currency,
                "total_amount": total_amount,
                "invoice_payload": payload,
                "telegram_payment_charge_id": f"tg-charge-{charge}",
                "provider_payment_charge_id": f"test-provider-{charge}",
            },
        )
        self.chats[person.id].messages.append(paid)
        return self._push({"message": paid.as_message(self.bot_user)})

    async def pay(
        self, person: Person, message: ChatMessage, *, timeout: float = PRE_CHECKOUT_SECONDS
    ) -> PaymentAttempt:
        query_id = self.start_payment(person, message)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if query_id in self._answered:
                    break
            await asyncio.sleep(0.01)
        return self.finish_payment(person, message, query_id)

    def pay_blocking(
        self, person: Person, message: ChatMessage, *, timeout: float = PRE_CHECKOUT_SECONDS
    ) -> PaymentAttempt:
        """For the playground's web page, which serves each request on its own thread."""
        query_id = self.start_payment(person, message)
        self.wait_for_answer(query_id, timeout)
        return self.finish_payment(person, message, query_id)
