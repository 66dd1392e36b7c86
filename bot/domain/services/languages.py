"""The language a person reads the bot in: the one they chose with /language, else their
Telegram app's, else the store's."""

from __future__ import annotations

from collections.abc import Collection

from bot.domain.errors import InvalidInput
from bot.domain.ports import UnitOfWork
from bot.domain.services.customers import CustomerRef, identify
from bot.domain.services.retry import retry_on_conflict
from bot.domain.text import said


@retry_on_conflict
def choose_language(
    ref: CustomerRef, language: str, *, shipped: Collection[str], uow: UnitOfWork
) -> None:
    """Kept for the person as a customer and, when logged in from this chat, for their staff
    account too: one choice, whichever hat they wear next."""
    if language not in shipped:
        raise InvalidInput(said("That language is not available"))
    with uow:
        customer = identify(uow, ref)
        assert customer.id is not None
        uow.languages.choose_for_customer(customer.id, language)
        session = uow.sessions.get(ref.telegram_user_id)
        if session is not None:
            uow.languages.choose_for_staff(session.staff_id, language)
        uow.commit()
