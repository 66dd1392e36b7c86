"""/mydata and /forgetme: a customer sees what the shop keeps about them, and has it erased.

Erasing is one transaction: the person's row is unlinked from their Telegram account and
blanked, everything else personal is deleted, and their orders stay for the books with the
amounts, lines, dates and status but no name, phone, address or note."""

from __future__ import annotations

from bot.domain.personal_data import (
    PERSONAL_FACTS,
    CartEntry,
    Erasure,
    KeptAbout,
    OrderInProgress,
)
from bot.domain.ports import PersonalDataUnitOfWork
from bot.domain.prompts import PromptKind
from bot.domain.services.cart import load_cart
from bot.domain.services.retry import retry_on_conflict


def what_is_kept(telegram_user_id: int, *, uow: PersonalDataUnitOfWork) -> KeptAbout | None:
    """Everything kept about this person as a customer; None if the shop knows nothing."""
    with uow:
        customer = uow.customers.get_by_telegram_id(telegram_user_id)
        if customer is None or customer.id is None:
            return None
        data = uow.personal_data
        cart = [
            CartEntry(
                item.product.sku,
                item.product.name,
                item.product.unit.value,
                item.quantity,
                item.product.price_now_minor,
            )
            for item in load_cart(uow, customer.id).items
        ]
        return KeptAbout(
            customer,
            language=data.language(customer.id),
            app_language=data.app_language(telegram_user_id),
            last_address=uow.orders.last_address(customer.id),
            orders=data.all_orders(customer.id),
            questions=data.questions(customer.id),
            watches=data.watches(customer.id),
            favourites=data.favourites(customer.id),
            ratings=data.ratings(customer.id),
            cart=cart,
            checkout=uow.checkouts.get(customer.id),
            last_card=data.card_shown(telegram_user_id),
            news=uow.news.choice(customer.id),
        )


def check_erasable(telegram_user_id: int, *, uow: PersonalDataUnitOfWork) -> bool:
    """Before asking "are you sure?": False if the shop knows nobody by this id; refused at
    once while an order is in progress."""
    with uow:
        customer = uow.customers.get_by_telegram_id(telegram_user_id)
        if customer is None or customer.id is None:
            return False
        codes = uow.personal_data.open_order_codes(customer.id)
        if codes:
            raise OrderInProgress(codes)
        return True


@retry_on_conflict
def forget_me(telegram_user_id: int, *, uow: PersonalDataUnitOfWork) -> Erasure:
    """Erase the person as a customer; harmless when repeated (a double tap, a redelivery,
    a second worker): the second finds nobody to erase.

    Refused while an order is open: the shop still needs to reach them and hand it over. The
    customer's row is locked first, so a cart change or checkout of theirs waits for this."""
    with uow:
        data = uow.personal_data
        customer = uow.customers.get_by_telegram_id(telegram_user_id)
        erased = False
        order_ids: list[int] = []
        if customer is not None and customer.id is not None:
            uow.customers.lock(customer.id)
            codes = data.open_order_codes(customer.id)
            if codes:
                raise OrderInProgress(codes)
            erased = data.erase_customer(customer.id, telegram_user_id)
        if erased:
            assert customer is not None and customer.id is not None
            order_ids = data.anonymise_orders(customer.id)
            question_ids = data.forget_questions(customer.id)
            data.forget_watches(customer.id)
            data.forget_favourites(customer.id)
            data.forget_ratings(customer.id)
            data.forget_news(customer.id)
            uow.carts.clear(customer.id)
            uow.checkouts.delete(customer.id)
            data.scrub_messages_about(order_ids, question_ids, PERSONAL_FACTS)
        # Whoever they were, nothing waits to be sent to them, no question of theirs is open
        # (a staff member's own question, a login say, is theirs as staff: it stays).
        data.forget_messages_to(telegram_user_id)
        data.forget_app_language(telegram_user_id)
        data.forget_card_shown(telegram_user_id)
        prompt = uow.prompts.get(telegram_user_id)
        if prompt is not None and prompt.kind is PromptKind.ASK_SHOP:
            uow.prompts.delete(telegram_user_id)
        uow.commit()
        return Erasure(erased, len(order_ids))
