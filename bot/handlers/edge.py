"""The edge: every update applied once, one person at a time, in the order it arrived.

Two parts. `PersonalQueues` decides when an update runs: each person's updates run one after
another in arrival order, different people in parallel; an update id seen before (Telegram
redelivers, and two workers may each get one) is acknowledged and dropped; a person who floods
gets one "slow down" and the excess is dropped, so nobody else waits behind them. Payment
questions and reports skip the person's turn (`goes_first`): Telegram waits 10 s at most.
`gate` then decides whether it runs at all: only new messages and button presses in private
chats reach the features; an edited command is answered with a hint, never applied again.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import logging
import time
from collections.abc import Awaitable, Callable, Collection, Coroutine
from typing import Any

from telegram import Chat, MessageEntity, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    BaseUpdateProcessor,
    ExtBot,
    TypeHandler,
)

from bot.domain.errors import CANNOT_SAVE_NOW, StoreUnavailable
from bot.domain.services.deliveries import HANDLING, Delivery, Handling
from bot.handlers.context import ShopContext
from bot.handlers.errors import AlreadyTold, tell
from bot.i18n import said
from bot.send_budget import REPLYING_TO, Priority

log = logging.getLogger(__name__)

GROUP = -3  # before everything else
WORKERS = 64  # updates of different people handled at once
BACKLOG = 8  # one person's updates waiting beyond this are dropped, with one "slow down"
SLOW_DOWN = said("You are sending messages faster than I can read them. Please wait a moment.")
EDITS_NOT_APPLIED = said("Edits are not applied. Please send the command again as a new message.")
PRIVATE_ONLY = said("I work in private chats only. Please message me directly: @{bot}")

FirstDelivery = Callable[[Update], Awaitable[Delivery]]


def goes_first(update: Update) -> bool:
    """Telegram's payment questions and reports go ahead of everything else their sender
    sent: it waits at most 10 s for a pre-checkout answer, whatever is queued before it, and
    a payment taken is recorded at once. Each is still recorded before it is acknowledged,
    handled once, and taken over if its worker dies."""
    return update.pre_checkout_query is not None or _money_taken(update)


def _money_taken(update: Update) -> bool:
    """A successful payment: the customer has been charged."""
    return update.message is not None and update.message.successful_payment is not None


def _record_attempts(update: Update) -> int | None:
    """How often to try recording an update before telling its sender to try again; None:
    until it is recorded (a payment: the money is taken)."""
    if _money_taken(update):
        return None
    # Telegram waits 10 s for a pre-checkout answer: a "no" in time beats a late "yes".
    return PRE_CHECKOUT_RECORD_ATTEMPTS if update.pre_checkout_query else RECORD_ATTEMPTS


def person_of(update: Update) -> int | None:
    """Whose queue an update joins: the person, else the chat."""
    if update.effective_user is not None:
        return update.effective_user.id
    return update.effective_chat.id if update.effective_chat is not None else None


# Longer than a record's tries (about 30 s): after that something is wrong beyond the database.
KEEP_WAIT_SECONDS = 60.0
RECORD_ATTEMPTS = 6  # about 30 s of trying: 0.5 + 1 + 2 + 4 + 8 (+ each attempt's own time)
RECORD_RETRY_FIRST = 0.5
PRE_CHECKOUT_RECORD_ATTEMPTS = 3  # 0.5 + 1 s between them: answered well within 10 s


class KeepingQueue(asyncio.Queue[object]):
    """The application's update queue, which knows when each update put in it is recorded as
    taken. Telegram is told an update arrived only then: polling asks for the next updates (so
    confirming these) once they are kept (KeepingBot), and a webhook answers 200 once its
    update is kept (503 if it could not be: Telegram sends it again). An update a worker was
    killed holding is sent again, never lost. Updates are recorded as they arrive, whatever
    their person's queue, so this waits only for the database."""

    processor: PersonalQueues | None = None

    def __init__(self) -> None:
        super().__init__()
        self._pending: dict[int, asyncio.Future[None]] = {}
        # Each update as Telegram sent it (its JSON, parsed), until it is recorded: what is
        # kept for a worker that takes it over, with no need to turn the Update back into
        # JSON (which cost half a millisecond of the GIL per update).
        self.as_sent: dict[int, dict[str, Any]] = {}

    async def put(self, item: object) -> None:
        if self.processor is not None and isinstance(item, Update):
            for done in [u for u, f in self._pending.items() if f.done()]:
                del self._pending[done]  # nobody asked about these (updates taken up)
                self.as_sent.pop(done, None)  # dropped unrecorded (a flood's excess)
            self._pending[item.update_id] = self.processor.expect(item.update_id)
        await super().put(item)

    async def kept(self, update_ids: Collection[int] | None = None) -> bool:
        """Until these updates (default: every one put so far) are recorded, or found they
        cannot be (the database stayed away); whether all were."""
        wanted = list(self._pending) if update_ids is None else list(update_ids)
        waits = [self._pending.pop(u) for u in wanted if u in self._pending]
        if not waits:
            return True
        try:
            outcomes = await asyncio.wait_for(
                asyncio.gather(*(asyncio.shield(w) for w in waits), return_exceptions=True),
                KEEP_WAIT_SECONDS,
            )
        except TimeoutError:
            log.warning("%d updates not recorded after %.0f s", len(waits), KEEP_WAIT_SECONDS)
            return False
        return not any(isinstance(outcome, BaseException) for outcome in outcomes)


class KeepingBot(ExtBot[Priority]):
    """Asks Telegram for more updates (which confirms the last ones) only once the updates it
    gave before are kept."""

    _before_polling: Callable[[], Awaitable[object]] | None = None
    _as_sent: dict[int, dict[str, Any]] | None = None

    def wait_before_polling(self, until: Callable[[], Awaitable[object]]) -> None:
        self._before_polling = until

    def keep_as_sent(self, into: dict[int, dict[str, Any]]) -> None:
        """Keep each update polled as Telegram sent it (KeepingQueue.as_sent)."""
        self._as_sent = into

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        if self._before_polling is not None:
            await self._before_polling()
        return await super().get_updates(*args, **kwargs)

    async def _post(self, endpoint: str, data: dict[str, Any] | None = None, **options: Any) -> Any:
        result = await super()._post(endpoint, data, **options)
        if endpoint == "getUpdates" and self._as_sent is not None and isinstance(result, list):
            for sent in result:  # parsed into Updates after this, from copies
                if isinstance(sent, dict) and isinstance(sent.get("update_id"), int):
                    self._as_sent[sent["update_id"]] = sent
        return result


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
        worker: str | None = None,
        handled: Callable[[int], None] | None = None,
    ) -> None:
        """`observe` hears of each update with the seconds it took, its turn included;
        `worker`: this process, whose transactions for an update mark it done; `handled`
        hears of each update taken and handled to the end (it is then done)."""
        self._worker = worker
        self._handled = handled
        self._expected: dict[int, asyncio.Future[None]] = {}
        self._in_hand: set[int] = set()  # taken by this worker and not yet handled
        self._claimed: set[int] = set()  # taken up from a gone worker, to be handled here
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
        self._deliveries: dict[int, Delivery] = {}  # update id: as it was recorded

    def claimed(self, update_id: int) -> None:
        """This worker took the update over from a gone one (it is put in the queue next)."""
        self._claimed.add(update_id)

    def expect(self, update_id: int) -> asyncio.Future[None]:
        """Resolved once this update is recorded as taken (or found seen before): a webhook
        answers Telegram then, so an update is never acknowledged before it is kept."""
        future = self._expected.get(update_id)
        if future is None:
            future = self._expected[update_id] = asyncio.get_running_loop().create_future()
        return future

    def _recorded(self, update_id: int, failure: BaseException | None = None) -> None:
        future = self._expected.pop(update_id, None)
        if future is not None and not future.done():
            if failure is None:
                future.set_result(None)
            else:
                future.set_exception(failure)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        taken = time.perf_counter()
        # What this task sends to the update's own chat is a reply: paced by its person, not
        # by the bot's bulk budget (bot.send_budget).
        chat = update.effective_chat if isinstance(update, Update) else None
        REPLYING_TO.set(chat.id if chat is not None else None)
        try:
            if not isinstance(update, Update):
                await coroutine
                return
            person = person_of(update)
            first = goes_first(update)
            if person is None or first:
                await self._once(update, coroutine, first=first)
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
            self._recorded(update.update_id)  # dropped on purpose: nothing to keep
            await self._slow_down(person, update)
            return
        # Nothing of this person's before it: what its record read (their cart, the
        # catalogue's version, their favourites) is still so when its turn comes. Otherwise
        # an earlier update may change it meanwhile, and the reply reads it again.
        alone = person not in self._waiting
        self._waiting[person] = self._waiting.get(person, 0) + 1
        # Taken on arrival, with everyone else's (group commit), so that it is kept, and
        # Telegram told, without waiting for this person's earlier updates; handled in turn,
        # in the order they came (the turn is queued for before the take is awaited). Alone,
        # its turn is free: taken at once, and the take awaited in it (no task of its own).
        taking = None if alone else asyncio.ensure_future(self._take(update))
        try:
            turn = self._turns.setdefault(person, asyncio.Lock())
            async with turn:
                try:
                    delivery = await (taking if taking is not None else self._take(update))
                except BaseException:
                    _discard(coroutine)
                    raise
                if not alone:
                    delivery = dataclasses.replace(
                        delivery, catalogue=None, in_cart=None, favourite=None
                    )
                await self._handle(update, delivery, coroutine)
        finally:
            if taking is not None and not taking.done():
                taking.cancel()
            self._waiting[person] -= 1
            if not self._waiting[person]:
                del self._waiting[person]
                self._warned.discard(person)
                self._turns.pop(person, None)  # nobody holds or waits for it now

    async def _once(
        self, update: Update, coroutine: Awaitable[Any], *, first: bool = False
    ) -> None:
        """Outside any person's turn: recorded, then handled at once (`first`: not even
        waiting for a free worker)."""
        try:
            delivery = await self._take(update)
        except BaseException:
            _discard(coroutine)
            raise
        await self._handle(update, delivery, coroutine, first=first)

    async def _take(self, update: Update) -> Delivery:
        """Record the update as taken by this worker (or learn it was seen before); whoever
        waits for it to be kept hears how that ended, whatever ended it."""
        try:
            delivery = await self._record(update)
        except BaseException as failed:
            # A person told to try again has had their answer: Telegram need not deliver the
            # update again (which would repeat the apology for as long as the outage lasts).
            told = isinstance(failed, AlreadyTold)
            self._recorded(update.update_id, None if told else failed)
            raise
        self._recorded(update.update_id)
        if delivery.ask_again_in:
            # Held by a worker that may have just died (a restart; Telegram delivering
            # again): once it has been quiet long enough, the update is this one's.
            await asyncio.sleep(delivery.ask_again_in)
            delivery = await self._first_delivery(update)
        if delivery.fresh:
            self._in_hand.add(update.update_id)
        return delivery

    async def _record(self, update: Update) -> Delivery:
        """When the database is away, try again for a while: the person is answered once it
        is back, or told to try again. A payment (money already taken) is tried until it is
        recorded, however long that takes: nobody can be told to pay again."""
        pause = RECORD_RETRY_FIRST
        attempts = _record_attempts(update)
        for attempt in itertools.count():
            try:
                delivery = await self._first_delivery(update)
            except Exception as failed:
                # A full disk or a read-only server will not be better in a few seconds.
                lasting = isinstance(failed, StoreUnavailable) and failed.lasting
                if attempts is not None and (lasting or attempt == attempts - 1):
                    await self._sorry(update)
                    raise AlreadyTold(f"update {update.update_id} not recorded") from failed
                log.warning(
                    "could not record update %s (%s); trying again",
                    update.update_id,
                    type(failed).__name__,
                )
                await asyncio.sleep(pause)
                pause = min(pause * 2, 8.0)
                continue
            claimed = update.update_id in self._claimed
            self._claimed.discard(update.update_id)
            if delivery.mine and update.update_id not in self._in_hand and (attempt or claimed):
                # Taken up from a gone worker, or its own earlier attempt to record it went
                # through after all (only the answer was lost): this worker's to handle.
                return dataclasses.replace(delivery, fresh=True, mine=False)
            return delivery
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _handle(
        self, update: Update, delivery: Delivery, coroutine: Awaitable[Any], *, first: bool = False
    ) -> None:
        if not delivery.fresh:
            log.info("update %s was delivered again; it is not applied twice", update.update_id)
            _discard(coroutine)
            return
        async with contextlib.nullcontext() if first else self._workers:
            self._deliveries[update.update_id] = delivery
            handling = HANDLING.set(
                Handling(update.update_id, self._worker) if self._worker else None
            )
            try:
                await coroutine
            finally:
                HANDLING.reset(handling)
                del self._deliveries[update.update_id]
                self._in_hand.discard(update.update_id)
                if self._handled is not None:
                    self._handled(update.update_id)

    def delivery_of(self, update_id: int) -> Delivery | None:
        """How this update (being handled) was recorded: its sender's chosen language, the
        catalogue's version, their cart as the reply shows it."""
        return self._deliveries.get(update_id)

    async def _sorry(self, update: Update) -> None:
        """The update could not even be recorded: say so, once, politely (the same words as
        any use case that cannot save)."""
        try:
            await tell(update, self._words(update, CANNOT_SAVE_NOW))
        except TelegramError:
            log.warning("could not tell %s to try again", update.update_id, exc_info=True)

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
    pressed = update.callback_query
    if pressed is not None and pressed.message is None:
        # A button on a message sent through inline mode: Telegram names no chat, and the
        # bot sends no such messages, so nothing there is ours to apply or show.
        log.debug("a button on an inline message was pressed; ignored")
        await pressed.answer()
        raise ApplicationHandlerStop
    if update.message is None and pressed is None:
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
