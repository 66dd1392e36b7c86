"""A person's chosen language, kept for them as a customer and for the staff account they use
from that chat, and read in the transaction that takes each of their updates; their app's
language, kept for the notifications they are sent later."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.notifications import Notification
from bot.domain.orders import OrderStatus, StatusNews
from bot.domain.ports import Languages
from bot.domain.services import deliveries, outbox, staff
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
    assert not again.fresh  # a redelivery is not handled again


def test_the_app_language_is_kept_for_messages_sent_later_and_a_choice_outranks_it(
    new_uow: UowFactory,
) -> None:
    deliveries.first_delivery(11, 601, "de", uow=new_uow())
    deliveries.first_delivery(12, 602, "fr", uow=new_uow())
    deliveries.first_delivery(13, 602, "es", uow=new_uow())  # the app now speaks Spanish
    deliveries.first_delivery(14, 603, None, uow=new_uow())  # an app language not shipped
    choose_language(CustomerRef(601, "Dora"), "uk", shipped=SHIPPED, uow=new_uow())
    with new_uow() as uow:
        assert uow.languages.readers({601, 602, 603, 604}) == {601: "uk", 602: "es"}
        assert uow.languages.of(602) == Languages(chosen=None, app="es")


def test_a_claimed_notification_carries_its_readers_language(new_uow: UowFactory) -> None:
    deliveries.first_delivery(21, 611, "ru", uow=new_uow())
    with new_uow() as uow:
        for chat in (611, 612):
            uow.outbox.add(
                Notification(chat, StatusNews("A", OrderStatus.READY), datetime.now(UTC))
            )
        uow.commit()
    claimed = outbox.claim_due(uow=new_uow()).to_send
    assert {n.chat_id: n.language for n in claimed} == {611: "ru", 612: None}


def test_updates_recorded_together_answer_each_in_the_order_they_came(
    new_uow: UowFactory,
) -> None:
    choose_language(CustomerRef(801, "Dora"), "de", shipped=SHIPPED, uow=new_uow())
    deliveries.first_delivery(30, 802, uow=new_uow())
    arrivals = [
        deliveries.Arrival(32, 801, "en"),
        deliveries.Arrival(30, 802),  # taken before
        deliveries.Arrival(31, 802, "fr"),
        deliveries.Arrival(32, 801, "en"),  # the same update twice in one batch
    ]
    # Seen before by this same worker ("mine"): not handled again. Nothing in the catalogue
    # has changed yet: its version is 0.
    assert deliveries.first_deliveries(arrivals, uow=new_uow()) == [
        deliveries.Delivery(True, "de", catalogue=0),
        deliveries.Delivery(False, mine=True, catalogue=0),
        deliveries.Delivery(True, None, catalogue=0),
        deliveries.Delivery(False, "de", mine=True, catalogue=0),
    ]
    with new_uow() as uow:
        assert uow.languages.readers({801, 802}) == {801: "de", 802: "fr"}
