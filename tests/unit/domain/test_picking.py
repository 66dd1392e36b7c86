"""The picking rules: weights as people type them, the store's tolerance, replacements, missing
lines, the money that follows, and what the customer is told."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bot.domain.catalogue import Unit
from bot.domain.errors import InvalidInput
from bot.domain.notifications import NotificationKind
from bot.domain.offers import OfferPrice
from bot.domain.orders import Fulfilment, Order, OrderLine, OrderStatus
from bot.domain.payments import Payment, PaymentMethod
from bot.domain.picking import (
    ChangeKind,
    LineNews,
    NotPaidYetForPicking,
    NotThisOrdersLine,
    OutsideTolerance,
    PickingClosed,
    PickingNews,
    allowed_range,
    changes_of,
    check_pickable,
    line_of,
    missing,
    parse_weight,
    picked_weight,
    picking_news,
    refund_from_picking,
    replaced,
    to_collect,
    with_line,
)
from bot.domain.promo_codes import Discount, OrderPromo
from bot.domain.stored_facts import decode, encode
from tests.support.factories import make_kg_product, make_product

AT = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
GALA = OrderLine(1, "GALA", "Gala apples", "kg", Decimal("1.5"), 329, 494, id=11)
MILK = OrderLine(2, "MILK", "Milk", "pc", Decimal(2), 120, 240, id=12)


def order(
    *lines: OrderLine, paid: bool = False, status: OrderStatus = OrderStatus.ACCEPTED
) -> Order:
    method = PaymentMethod.ONLINE if paid else PaymentMethod.ON_HANDOVER
    total = sum(line.line_total_minor for line in lines)
    return Order(
        code="K7Q2MZ4P",
        customer_id=1,
        lines=list(lines),
        fulfilment=Fulfilment.pickup(AT),
        phone="+33612345678",
        note="si pas de Gala prenez des Golden",
        status=status,
        placed_at=AT,
        currency="EUR",
        payment=Payment(method, paid_at=AT if paid else None),
        placed_total_minor=total,
    )


@pytest.mark.parametrize(
    ("typed", "unit", "weight"),
    [
        ("1,62", "kg", "1.62"),
        ("1.62 kg", "kg", "1.62"),
        (" 1,62 KG ", "kg", "1.62"),
        ("1620 g", "kg", "1.62"),
        ("1620g", "kg", "1.62"),
        ("1.5kg.", "kg", "1.5"),
        ("1620 gr", "kg", "1.62"),
        ("1,62 кг", "kg", "1.62"),
        ("250", "g", "250"),
        ("0,25 kg", "g", "250"),
        ("1,5 kilogrammes", "kg", "1.5"),
        ("250 грамм", "g", "250"),
    ],
)
def test_weights_are_read_as_staff_type_them(typed: str, unit: str, weight: str) -> None:
    assert parse_weight(typed, unit) == Decimal(weight)


@pytest.mark.parametrize("typed", ["", "heavy", "1.6 lb", "-1", "1,6,2", "1e3", "1620.5 g"])
def test_what_is_not_a_weight_is_refused_politely(typed: str) -> None:
    with pytest.raises(InvalidInput):
        parse_weight(typed, "kg")


def test_the_tolerance_is_a_percentage_either_way_rounded_inwards() -> None:
    assert allowed_range(Decimal("1.5"), Decimal(20)) == (Decimal("1.2"), Decimal("1.8"))
    assert allowed_range(Decimal("0.333"), Decimal(10)) == (Decimal("0.300"), Decimal("0.366"))
    assert allowed_range(Decimal("1.5"), Decimal(0)) == (Decimal("1.5"), Decimal("1.5"))


def test_a_picked_weight_reprices_the_line_as_every_line_is_priced() -> None:
    picked = picked_weight(GALA, Decimal("1.62"), Decimal(20))
    assert (picked.quantity, picked.line_total_minor) == (Decimal("1.62"), 533)
    assert picked.ordered_quantity == Decimal("1.5")


def test_a_weight_outside_the_tolerance_is_refused_with_the_allowed_range() -> None:
    with pytest.raises(OutsideTolerance) as refused:
        picked_weight(GALA, Decimal("1.9"), Decimal(20))
    assert "between 1.2 kg and 1.8 kg" in str(refused.value)
    assert "20% either way" in str(refused.value)


def test_the_tolerance_is_kept_from_the_ordered_weight_across_several_picks() -> None:
    first = picked_weight(GALA, Decimal("1.8"), Decimal(20))
    with pytest.raises(OutsideTolerance):
        picked_weight(first, Decimal("2.1"), Decimal(20))


def test_only_weighed_lines_take_a_weight() -> None:
    with pytest.raises(InvalidInput, match="not weighed"):
        picked_weight(MILK, Decimal(3), Decimal(20))


def test_a_missing_line_sells_nothing_and_is_missing_once() -> None:
    gone = missing(MILK)
    assert (gone.quantity, gone.line_total_minor, gone.ordered_quantity) == (0, 0, 2)
    with pytest.raises(InvalidInput, match="already marked missing"):
        missing(gone)


def test_a_replacement_takes_the_ordered_amount_at_its_own_price() -> None:
    golden = make_kg_product(id=7, sku="GOLDEN", name="Golden apples", price_minor=299)
    instead = replaced(GALA, golden, Decimal("5.5"))
    assert (instead.product_id, instead.name, instead.quantity) == (7, "Golden apples", 1.5)
    assert instead.line_total_minor == 449
    assert (instead.ordered_product_id, instead.ordered_name) == (1, "Gala apples")
    assert instead.vat_rate == Decimal("5.5")


def test_replacing_back_with_the_ordered_item_restores_the_line() -> None:
    golden = make_kg_product(id=7, sku="GOLDEN", name="Golden apples", price_minor=299)
    gala = make_kg_product(id=1, sku="GALA", name="Gala apples", price_minor=329)
    back = replaced(replaced(GALA, golden, None), gala, None)
    assert (back.product_id, back.ordered_name, back.line_total_minor) == (1, None, 494)
    assert changes_of(order(back)) == []


def test_a_missing_line_given_its_own_item_again_keeps_the_price_it_was_ordered_at() -> None:
    """Ordered under an offer (3.29 a kg); the offer has ended (list price 4.00) when staff
    find the apples after all: the customer pays what they ordered at."""
    gala_now = make_kg_product(id=1, sku="GALA", name="Gala apples", price_minor=400)
    found = replaced(missing(GALA), gala_now, None)
    assert (found.quantity, found.unit_price_minor, found.line_total_minor) == (1.5, 329, 494)


def test_a_replacement_under_an_offer_is_charged_the_offers_price() -> None:
    golden = make_kg_product(id=7, sku="GOLDEN", name="Golden apples", price_minor=299)
    on_offer = golden.with_offer(OfferPrice(199, datetime(2026, 12, 31, tzinfo=UTC), 1, 33))
    instead = replaced(GALA, on_offer, None)
    assert (instead.unit_price_minor, instead.line_total_minor) == (199, 299)


def test_a_replacement_is_sold_in_the_same_unit() -> None:
    bag = make_product(id=8, sku="BAG", name="Bag of apples", unit=Unit.PIECE)
    with pytest.raises(InvalidInput, match="sold by the"):
        replaced(GALA, bag, None)


def test_a_paid_order_picked_lighter_owes_a_refund_and_heavier_collects_the_rest() -> None:
    paid = order(GALA, MILK, paid=True)
    lighter = with_line(paid, picked_weight(GALA, Decimal("1.3"), Decimal(20)))
    assert (lighter.total_minor, refund_from_picking(lighter), to_collect(lighter)) == (
        668,
        66,
        0,
    )
    heavier = with_line(paid, picked_weight(GALA, Decimal("1.7"), Decimal(20)))
    assert (refund_from_picking(heavier), to_collect(heavier)) == (0, 65)


def test_an_order_paid_at_the_hand_over_collects_its_final_total() -> None:
    unpaid = with_line(order(GALA, MILK), missing(MILK))
    assert (to_collect(unpaid), refund_from_picking(unpaid)) == (494, 0)


def test_only_an_order_before_ready_and_not_waiting_for_its_payment_is_picked() -> None:
    check_pickable(order(GALA, status=OrderStatus.PLACED))
    with pytest.raises(PickingClosed, match="can no longer be changed"):
        check_pickable(order(GALA, status=OrderStatus.READY))
    waiting = dataclasses.replace(
        order(GALA, status=OrderStatus.PLACED), payment=Payment(PaymentMethod.ONLINE)
    )
    with pytest.raises(NotPaidYetForPicking):
        check_pickable(waiting)


def test_a_line_of_another_order_is_not_found_on_this_one() -> None:
    with pytest.raises(NotThisOrdersLine):
        line_of(order(GALA), 999)


def test_the_customer_is_told_every_change_as_facts_that_read_back() -> None:
    golden = make_kg_product(id=7, sku="GOLDEN", name="Golden apples", price_minor=299)
    weighed = picked_weight(GALA, Decimal("1.62"), Decimal(20))
    changed = with_line(with_line(order(GALA, MILK, paid=True), weighed), missing(MILK))
    facts = _read_back(picking_news(changed))
    assert list(facts.changes) == [
        LineNews(ChangeKind.PICKED, "Gala apples", "kg", Decimal("1.5"), Decimal("1.62")),
        LineNews(ChangeKind.MISSING, "Milk", "pc", Decimal(2), Decimal(0)),
    ]
    stored = encode(facts)
    assert (stored["total_minor"], stored["placed_total_minor"], stored["refund_minor"]) == (
        "533",
        "734",
        "201",
    )
    replaced_facts = _read_back(picking_news(with_line(order(GALA), replaced(GALA, golden, None))))
    [news] = replaced_facts.changes
    assert (news.kind, news.was, news.name) == (ChangeKind.REPLACED, "Gala apples", "Golden apples")


def test_facts_that_do_not_read_are_left_out() -> None:
    stored = encode(picking_news(order(GALA)))
    stored["changes"] = "picked\tonly three\tfields\nweird\ta\tb\tc\td\te"
    assert list(_read_back_stored(stored).changes) == []


def _read_back(news: PickingNews) -> PickingNews:
    """The facts as the outbox keeps them, read back."""
    return _read_back_stored(encode(news))


def _read_back_stored(stored: dict[str, str]) -> PickingNews:
    facts = decode(NotificationKind.ORDER_PICKED, stored)
    assert isinstance(facts, PickingNews), facts
    return facts


def test_a_paid_order_with_an_amount_off_picked_short_is_refunded_its_share_never_free() -> None:
    """5.00 off 7.34 of items (a code with a minimum below them, say 7.00): paid 2.34. Gala
    picked missing leaves 2.40 of milk: the code takes 2.40 × 5.00 / 7.34 = 1.63 off, so 0.77
    is charged and 1.57 refunded; the customer is never given the milk for nothing."""
    placed = dataclasses.replace(
        order(GALA, MILK, paid=True), promo=OrderPromo("FIVE-OFF", Discount(None, 500), 1, 734)
    )
    placed = dataclasses.replace(placed, placed_total_minor=placed.total_minor)
    assert (placed.discount_minor, placed.total_minor) == (500, 234)
    picked = with_line(placed, missing(GALA))
    assert (picked.discount_minor, picked.total_minor) == (163, 77)
    assert refund_from_picking(picked) == 157
