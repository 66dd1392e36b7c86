"""Questions waiting for one person's typed answer, whatever feature asked them."""

from __future__ import annotations

from bot.domain.clock import Clock, utc_now
from bot.domain.ports import UnitOfWork
from bot.domain.prompts import Prompt, PromptKind
from bot.domain.services.retry import retry_on_conflict


@retry_on_conflict
def ask(
    telegram_user_id: int,
    kind: PromptKind,
    step: str,
    data: dict[str, str] | None = None,
    *,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> Prompt:
    """Replace whatever this person was asked before with a new question."""
    prompt = Prompt(telegram_user_id, kind, step, clock(), dict(data or {}))
    with uow:
        uow.prompts.save(prompt)
        uow.commit()
    return prompt


def current(telegram_user_id: int, *, uow: UnitOfWork, clock: Clock = utc_now) -> Prompt | None:
    """The open question, unless it was asked too long ago to still be meant."""
    with uow:
        prompt = uow.prompts.get(telegram_user_id)
    return None if prompt is None or prompt.is_stale(clock()) else prompt


@retry_on_conflict
def drop(telegram_user_id: int, *, uow: UnitOfWork) -> bool:
    """Forget the open question; False if there was none."""
    with uow:
        had = uow.prompts.get(telegram_user_id) is not None
        uow.prompts.delete(telegram_user_id)
        uow.commit()
        return had
