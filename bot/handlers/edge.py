"""The edge: every update applied once, one person at a time, in the order it arrived.

Two parts. `PersonalQueues` decides when an update runs: each person's updates run one after
another in arrival order, different people in parallel; an update id seen before (Telegram
redelivers, and two workers may each get one) is acknowledged and dropped; a person who floods
gets one "slow down" and the excess is dropped, so nobody else waits behind them.
`gate` then decides whether it runs at all: only new messages and button presses in private
chats reach the features; an edited command is answered with a hint, never applied again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Chat, MessageEntity, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, BaseHandler, BaseUpdateProcessor, TypeHandler

from bot.domain.services.deliveries import Delivery
from bot.handlers.context import ShopContext
from bot.i18n import said

log = logging.getLogger(__name__)

GROUP = -3  # before everything else
WORKERS = 64  # updates of different people handled at once
BACKLOG = 8  # one person's updates waiting beyond this are dropped, with one "slow down"
SLOW_DOWN = said("You are sending messages faster than I can read them. Please wait a moment.")
EDITS_NOT_APPLIED = said("Edits are not applied. Please send the command again as a new message.")
PRIVATE_ONLY = said("I work in private chats only. Please message me directly: @{bot}")

FirstDelivery = Callable[[Update], Awaitable[Delivery]]


def person_of(update: Update) -> int | None:
    """Whose queue an update joins: the person, else the chat."""
    if update.effective_user is not None:
        return update.effective_user.id
    return update.effective_chat.id if update.effective_chat is not None else None


class PersonalQueues(BaseUpdateProcessor):
    """One queue per person, many people at once. `first_delivery` records an update id and
    says whether it is new (shared by every worker through the database); `done` hears of
    every update once it is finished with, however it ended (tests wait on it)."""

    def __init__(
        self,
        first_delivery: FirstDelivery,
        *,
        words: Callable[[Update, str], str] = lambda _update, text: text,
        workers: int = WORKERS,
        backlog: int = BACKLOG,
        done: Callable[[int], None] | None = None,
        observe: Callable[[Update, float], None] | None = None,
    ) -> None:
        """`observe` hears of each update with the seconds it took, its turn included."""
        # The framework's own semaphore only bounds waiting tasks; the real limits are below.
        super().__init__(max_concurrent_updates=4096)
        self._first_delivery = first_delivery
        self._observe = observe
        self._words = words  # a text in the words of an update's sender (no delivery read)
        self._workers = asyncio.Semaphore(workers)
        self._backlog = backlog
        self._done = done
        self._turns: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self._warned: set[int] = set()
        self._languages: dict[int, str | None] = {}  # update id: its sender's chosen language

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        taken = time.perf_counter()
        try:
            if not isinstance(update, Update):
                await coroutine
                return
            person = person_of(update)
            if person is None:
                await self._once(update, coroutine)
                return
            await self._in_turn(person, update, coroutine)
        finally:
            if self._observe is not None and isinstance(update, Update):
                self._observe(update, time.perf_counter() - taken)
            if self._done is not None and isinstance(update, Update):
                self._done(update.update_id)

    async def _in_turn(self, person: int, update: Update, coroutine: Awaitable[Any]) -> None:
        if self._waiting.get(person, 0) >= self._backlog:
            _discard(coroutine)
            await self._slow_down(person, update)
            return
        self._waiting[person] = self._waiting.get(person, 0) + 1
        turn = self._turns.setdefault(person, asyncio.Lock())
        try:
            async with turn:
                await self._once(update, coroutine)
        finally:
            self._waiting[person] -= 1
            if not self._waiting[person]:
                del self._waiting[person]
                self._warned.discard(person)
                self._turns.pop(person, None)  # nobody holds or waits for it now

    async def _once(self, update: Update, coroutine: Awaitable[Any]) -> None:
        async with self._workers:
            delivery = await self._first_delivery(update)
            if not delivery.fresh:
                log.info("update %s was delivered again; it is not applied twice", update.update_id)
                _discard(coroutine)
                return
            self._languages[update.update_id] = delivery.language
            try:
                await coroutine
            finally:
                del self._languages[update.update_id]

    def language_chosen(self, update_id: int) -> str | None:
        """The language the sender of this update (being handled) chose, if they chose."""
        return self._languages.get(update_id)

    async def _slow_down(self, person: int, update: Update) -> None:
        """Answer a dropped button press; tell a flooding person once per burst."""
        try:
            slow_down = self._words(update, SLOW_DOWN)
            if update.callback_query is not None:
                await update.callback_query.answer(slow_down)
            elif person not in self._warned and update.effective_chat is not None:
                self._warned.add(person)
                await update.get_bot().send_message(update.effective_chat.id, slow_down)
        except TelegramError:
            log.warning("could not ask %s to slow down", person, exc_info=True)


def _discard(coroutine: Awaitable[Any]) -> None:
    if isinstance(coroutine, Coroutine):
        coroutine.close()


def _is_command(update: Update) -> bool:
    message = update.effective_message
    entities = message.entities if message is not None else ()
    return (
        bool(entities) and entities[0].type == MessageEntity.BOT_COMMAND and not entities[0].offset
    )


def _addressed_to_me(update: Update, my_username: str) -> bool:
    """A command in a group is ours if it names no bot, or names this one."""
    message = update.effective_message
    if message is None or not message.text or not _is_command(update):
        return update.callback_query is not None
    command = message.text[1 : message.entities[0].length]
    _, _, bot = command.partition("@")
    return not bot or bot.lower() == my_username.lower()


async def gate(update: Update, context: ShopContext) -> None:
    """Let through only what may act: new messages, presses and payment questions, in
    private chats."""
    edited = update.edited_message
    if edited is not None:
        if edited.chat.type == ChatType.PRIVATE and _is_command(update):
            await context.bot.send_message(edited.chat.id, context.texts(update)(EDITS_NOT_APPLIED))
        raise ApplicationHandlerStop
    chat = update.effective_chat
    if update.message is None and update.callback_query is None:
        if update.pre_checkout_query is not None:
            return  # Telegram asks before charging a card: always answered, within 10 s
        raise ApplicationHandlerStop  # channel posts, member changes, polls...
    if chat is not None and chat.type != ChatType.PRIVATE:
        await _point_to_private_chat(update, context, chat)
        raise ApplicationHandlerStop


async def _point_to_private_chat(update: Update, context: ShopContext, chat: Chat) -> None:
    """Order cards, carts and phone numbers never go to a group: one line says where to go."""
    if not _addressed_to_me(update, context.bot.username):
        return
    hint = context.texts(update)(PRIVATE_ONLY, bot=context.bot.username)
    if update.callback_query is not None:
        await update.callback_query.answer(hint, show_alert=True)
    else:
        await context.bot.send_message(chat.id, hint)


def build_handlers() -> list[BaseHandler[Update, ShopContext, None]]:
    return [TypeHandler(Update, gate)]
