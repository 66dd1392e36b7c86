"""Questions waiting for one person's typed answer, whatever feature asked them.

A password question also raises a shield: until it is lowered, that person's next messages
are taken for secrets (deleted, never searched or echoed), even once the question expired or
when the password is sent twice in a hurry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.checkout import CheckoutDraft
from bot.domain.clock import Clock, utc_now
from bot.domain.ports import UnitOfWork
from bot.domain.prompts import DRAFTS, Draft, Prompt, PromptKind
from bot.domain.services.retry import retry_on_conflict

SHIELD_AFTER_QUESTION = timedelta(hours=24)
# A password typed twice, or several sent at once, arrive within this of the first.
SHIELD_AFTER_ANSWER = timedelta(seconds=15)


@dataclass(frozen=True, slots=True)
class Waiting:
    """What a person's next typed message answers (a staff question, else a checkout step),
    and whether it may hold a password."""

    prompt: Prompt | None
    secret: bool
    checkout: CheckoutDraft | None = None

    @property
    def nothing(self) -> bool:
        """No question, no shield, no checkout: the text is the person's own (a search)."""
        return self.prompt is None and not self.secret and self.checkout is None


@retry_on_conflict
def ask(
    telegram_user_id: int,
    kind: PromptKind,
    step: str,
    draft: Draft | None = None,
    *,
    secret: bool = False,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> Prompt:
    """Replace whatever this person was asked before with a new question; `secret` when the
    answer is a password."""
    now = clock()
    if draft is not None and not isinstance(draft, DRAFTS[kind]):
        raise TypeError(f"a {kind} question keeps a {DRAFTS[kind].__name__}")
    prompt = Prompt(telegram_user_id, kind, step, now, draft or DRAFTS[kind]())
    with uow:
        uow.prompts.save(prompt)
        if secret:
            uow.shields.set_until(telegram_user_id, now + SHIELD_AFTER_QUESTION)
        else:
            uow.shields.lower(telegram_user_id)  # a new talk: its answers are not secrets
        uow.commit()
    return prompt


def waiting_for(telegram_user_id: int, *, uow: UnitOfWork, clock: Clock = utc_now) -> Waiting:
    """One read for every typed message: the open question, the shield, the checkout."""
    with uow:
        return waiting_in(uow, telegram_user_id, clock())


def waiting_in(uow: UnitOfWork, telegram_user_id: int, now: datetime) -> Waiting:
    """The same reads, inside a unit of work the caller holds open."""
    prompt = uow.prompts.get(telegram_user_id)
    shield = uow.shields.until(telegram_user_id)
    customer = uow.customers.get_by_telegram_id(telegram_user_id)
    draft = uow.checkouts.get(customer.id) if customer and customer.id is not None else None
    live = None if prompt is None or prompt.is_stale(now) else prompt
    return Waiting(live, shield is not None and now < shield, draft)


@retry_on_conflict
def secret_taken(telegram_user_id: int, *, uow: UnitOfWork, clock: Clock = utc_now) -> None:
    """A secret arrived: keep the shield up only a little longer, for a repeat."""
    with uow:
        uow.shields.set_until(telegram_user_id, clock() + SHIELD_AFTER_ANSWER)
        uow.commit()


@retry_on_conflict
def drop(telegram_user_id: int, *, uow: UnitOfWork) -> bool:
    """Forget the open question; False if there was none."""
    with uow:
        had = uow.prompts.get(telegram_user_id) is not None
        uow.prompts.delete(telegram_user_id)
        uow.commit()
        return had
