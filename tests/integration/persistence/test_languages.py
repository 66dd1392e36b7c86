"""A person's chosen language, kept for them as a customer and for the staff account they use
from that chat, and read in the transaction that takes each of their updates."""

from __future__ import annotations

from bot.domain.services import deliveries, staff
from bot.domain.services.customers import CustomerRef
from bot.domain.services.languages import choose_language
from bot.i18n import SHIPPED
from tests.support.databases import UowFactory
from tests.support.factories import FAST_HASHER

PASSWORD = "correct horse battery"


def language_of(new_uow: UowFactory, telegram_user_id: int, update_id: int) -> str | None:
    delivery = deliveries.first_delivery(update_id, telegram_user_id, uow=new_uow())
    assert delivery.fresh
    return delivery.language


def test_a_chosen_language_follows_the_person_and_their_staff_account(
    new_uow: UowFactory,
) -> None:
    anna, ben = CustomerRef(501, "Anna"), CustomerRef(502, "Ben")
    assert language_of(new_uow, anna.telegram_user_id, 1) is None  # never chose: the app's
    choose_language(anna, "de", shipped=SHIPPED, uow=new_uow())
    assert language_of(new_uow, anna.telegram_user_id, 2) == "de"
    staff.create_manager("anna", PASSWORD, uow=new_uow(), hasher=FAST_HASHER)
    staff.log_in("anna", PASSWORD, telegram_user_id=501, uow=new_uow(), hasher=FAST_HASHER)
    assert language_of(new_uow, 501, 3) == "de"  # the account chose nothing: hers as a customer
    choose_language(anna, "fr", shipped=SHIPPED, uow=new_uow())  # logged in: both keep it
    staff.log_in("anna", PASSWORD, telegram_user_id=502, uow=new_uow(), hasher=FAST_HASHER)
    assert language_of(new_uow, ben.telegram_user_id, 4) == "fr"  # the account's, on Ben's phone
    assert language_of(new_uow, 501, 5) == "fr"
    again = deliveries.first_delivery(5, 501, uow=new_uow())
    assert (again.fresh, again.language) == (False, None)  # a redelivery is not handled again
