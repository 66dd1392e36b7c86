from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bot.domain.catalogue import Unit
from bot.domain.errors import DuplicateSku
from bot.domain.notifications import Notification
from bot.domain.orders import OrderStatus, StatusNews
from bot.domain.ports import StaffSession
from bot.domain.prompts import (
    DRAFTS,
    AnnounceDraft,
    AnswerDraft,
    AskDraft,
    CancelDraft,
    DeliveryCodeDraft,
    Draft,
    EditItemDraft,
    LoginDraft,
    NewItemDraft,
    PickDraft,
    Prompt,
    RatingDraft,
    ResetDraft,
    SignupDraft,
)
from bot.domain.services import catalogue, orders, staff
from bot.domain.services.cart import add_to_cart, set_cart_quantity, view_cart
from bot.domain.services.sales import Period, most_sold
from bot.domain.staff import Role
from bot.domain.stored_facts import encode
from tests.support.databases import UowFactory
from tests.support.factories import (
    FAST_HASHER,
    STORE,
    FixedClock,
    customer,
    delivery_details,
    make_kg_product,
    make_product,
    placed_order,
    stocked,
)

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)


def test_work_not_committed_is_rolled_back(new_uow: UowFactory) -> None:
    uow = new_uow()
    with uow:
        uow.products.add(make_product(sku="GHOST"))
    with new_uow() as check:
        assert check.products.get_by_sku("GHOST") is None


def test_committed_work_is_seen_by_the_next_unit(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        uow.products.add(make_product(sku="REAL"))
        uow.commit()
    with new_uow() as check:
        assert check.products.get_by_sku("REAL") is not None


def test_products_round_trip_with_exact_quantities_and_unicode(new_uow: UowFactory) -> None:
    saved = catalogue.add_product(
        make_kg_product(
            sku="CREME",
            name="Crème fraîche 🥛 «bio»",
            price_minor=349,
            step=Decimal("0.25"),
            low_stock_threshold=Decimal("1.5"),
        ),
        initial_stock=Decimal("12.75"),
        actor="test",
        store=STORE,
        uow=new_uow(),
    )
    found = catalogue.find_product("creme", uow=new_uow())
    assert (found.name, found.unit, found.step, found.stock, found.low_stock_threshold) == (
        "Crème fraîche 🥛 «bio»",
        Unit.KILOGRAM,
        Decimal("0.25"),
        Decimal("12.75"),
        Decimal("1.5"),
    )
    assert found.id == saved.id


def test_a_cart_keeps_its_lines_in_the_order_they_came_and_changes_them_in_place(
    new_uow: UowFactory,
) -> None:
    rice, apples = stocked(new_uow(), sku="RICE"), stocked(new_uow(), sku="APPLES")
    assert rice.id is not None and apples.id is not None
    ann = customer()
    add_to_cart(ann, rice.id, Decimal(1), uow=new_uow())
    add_to_cart(ann, apples.id, Decimal(2), uow=new_uow())
    # The same quantity again changes no value: MySQL must still count the line as found.
    set_cart_quantity(ann, rice.id, Decimal(1), uow=new_uow())
    add_to_cart(ann, rice.id, Decimal(2), uow=new_uow())
    cart = view_cart(ann, uow=new_uow())
    assert [(i.product.sku, i.quantity) for i in cart.items] == [
        ("RICE", Decimal(3)),
        ("APPLES", Decimal(2)),
    ]


def test_a_duplicate_sku_is_refused(new_uow: UowFactory) -> None:
    stocked(new_uow(), sku="TWIN")
    with pytest.raises(DuplicateSku):
        catalogue.add_product(make_product(sku="twin"), actor="t", store=STORE, uow=new_uow())


def test_the_stock_update_is_conditional_in_the_database(new_uow: UowFactory) -> None:
    product = stocked(new_uow(), Decimal("0.3"), unit=Unit.KILOGRAM, step=Decimal("0.1"))
    with new_uow() as uow:
        assert uow.products.change_stock(product.id or 0, Decimal("-0.1")) == Decimal("0.2")
        assert uow.products.change_stock(product.id or 0, Decimal("-0.1")) == Decimal("0.1")
        assert uow.products.change_stock(product.id or 0, Decimal("-0.1")) == Decimal(0)
        assert uow.products.change_stock(product.id or 0, Decimal("-0.1")) is None
        uow.commit()
    assert catalogue.find_product(product.sku, uow=new_uow()).stock == 0


def test_search_is_case_and_accent_insensitive_and_literal(new_uow: UowFactory) -> None:
    stocked(new_uow(), sku="CREME", name="Crème brûlée", category="Desserts")
    stocked(new_uow(), sku="PCT", name="Milk 2.5% fat", category="Dairy")
    stocked(new_uow(), sku="UNDER", name="Milk 2x5 fat", category="Dairy")
    found = catalogue.search_products("BRULEE", offset=0, limit=10, uow=new_uow())
    assert [p.sku for p in found.items] == ["CREME"]
    percent = catalogue.search_products("2.5%", offset=0, limit=10, uow=new_uow())
    assert [p.sku for p in percent.items] == ["PCT"]
    assert catalogue.search_products("2_5", offset=0, limit=10, uow=new_uow()).total == 0


def test_orders_round_trip_with_lines_fulfilment_and_history(new_uow: UowFactory) -> None:
    tea = stocked(new_uow(), 5, sku="TEA", price_minor=300)
    ann = customer()
    order = placed_order(
        new_uow(), ann, (tea, 2), details=delivery_details(fee_minor=250), clock=FixedClock(NOW)
    )
    again = orders.my_order(ann, order.code.lower(), uow=new_uow())
    assert again == order
    assert again.total_minor == 850
    assert again.fulfilment.address == "12 High Street, Springfield"
    assert again.placed_at == NOW


def test_an_order_status_changes_only_from_the_expected_status(new_uow: UowFactory) -> None:
    order = placed_order(new_uow(), customer(), (stocked(new_uow(), 5), 1))
    boss = staff.create_manager("boss", "correct horse battery", uow=new_uow(), hasher=FAST_HASHER)
    moved = orders.move_order(
        boss.id or 0, order.code, OrderStatus.ACCEPTED, store=STORE, uow=new_uow()
    )
    assert [h.status for h in moved.history] == [OrderStatus.PLACED, OrderStatus.ACCEPTED]
    with new_uow() as uow:
        stale = uow.orders.change_status(order.id or 0, OrderStatus.PLACED, moved.history[-1])
    assert stale is False
    assert orders.find_order(order.code, uow=new_uow()).history == moved.history


def test_sales_are_summed_per_product_in_the_database(new_uow: UowFactory) -> None:
    apples = catalogue.add_product(
        make_kg_product(sku="APPLES", price_minor=400),
        initial_stock=Decimal(10),
        actor="t",
        store=STORE,
        uow=new_uow(),
    )
    clock = FixedClock(NOW)
    placed_order(new_uow(), customer(), (apples, Decimal("1.25")), clock=clock)
    placed_order(new_uow(), customer(), (apples, Decimal("0.5")), clock=clock)
    period = Period.last_days(1, today=NOW.date(), timezone=STORE.timezone)
    [row] = most_sold(period, uow=new_uow())
    assert (row.sku, row.quantity, row.revenue_minor) == ("APPLES", Decimal("1.75"), 700)


def test_a_cancelled_orders_lines_leave_the_sales_and_only_its_own(new_uow: UowFactory) -> None:
    tea = stocked(new_uow(), 20, sku="TEA", name="Tea")
    clock = FixedClock(NOW)
    kept = placed_order(new_uow(), customer(), (tea, 2), clock=clock)
    dropped = placed_order(new_uow(), customer(), (tea, 5), clock=clock)
    boss = staff.create_manager("boss", "correct horse battery", uow=new_uow(), hasher=FAST_HASHER)
    orders.move_order(
        boss.id or 0, dropped.code, OrderStatus.CANCELLED, reason="x", store=STORE, uow=new_uow()
    )
    period = Period.last_days(1, today=NOW.date(), timezone=STORE.timezone)
    with new_uow() as uow:
        best = uow.orders.best_sellers(period.start, period.end, top=5)
        [row] = uow.orders.sales_by_product(period.start, period.end)
    assert [(r.sku, r.quantity, r.revenue_minor) for r in best.by_quantity] == [
        ("TEA", Decimal(2), 2 * tea.price_minor)
    ]
    assert (row.sku, row.quantity) == ("TEA", Decimal(2))
    assert kept.status is OrderStatus.PLACED
    with new_uow() as uow:  # outside the period: nothing
        later = uow.orders.best_sellers(period.end, period.end + timedelta(days=1), top=5)
    assert (later.by_quantity, later.by_revenue, later.items_sold) == ([], [], 0)


def test_best_sellers_rank_by_quantity_or_revenue_and_break_ties_alike(
    new_uow: UowFactory,
) -> None:
    cheap = stocked(new_uow(), 50, sku="CHEAP", price_minor=100)
    dear = stocked(new_uow(), 50, sku="DEAR", price_minor=900)
    twin = stocked(new_uow(), 50, sku="TWIN", price_minor=100)
    clock = FixedClock(NOW)
    placed_order(new_uow(), customer(), (cheap, 5), (dear, 2), (twin, 5), clock=clock)
    period = Period.last_days(1, today=NOW.date(), timezone=STORE.timezone)
    with new_uow() as uow:
        best = uow.orders.best_sellers(period.start, period.end, top=2)
    # CHEAP and TWIN tie on quantity and revenue: the lower id (the older item) first.
    assert [r.sku for r in best.by_quantity] == ["CHEAP", "TWIN"]
    assert [r.sku for r in best.by_revenue] == ["DEAR", "CHEAP"]
    assert best.by_revenue[0].revenue_minor == 1800 and best.items_sold == 3


def test_sessions_and_invites_persist(new_uow: UowFactory) -> None:
    clock = FixedClock(NOW)
    boss = staff.create_manager("boss", "correct horse battery", uow=new_uow(), hasher=FAST_HASHER)
    invite = staff.create_invite(boss.id or 0, Role.STAFF, uow=new_uow(), clock=clock)
    ann = staff.sign_up(
        invite.code,
        "ann",
        "Ann",
        "ann's long password",
        telegram_user_id=5,
        uow=new_uow(),
        hasher=FAST_HASHER,
        clock=clock,
    )
    assert staff.current_staff(5, uow=new_uow(), clock=clock) == ann
    with new_uow() as uow:
        assert uow.invites.get_by_code(invite.code) is not None
        assert uow.invites.get_by_code("not-the-code") is None
        assert uow.invites.mark_used(invite.id or 0, ann.id or 0, NOW) is False  # used once


def test_the_outbox_hands_out_due_messages_until_sent(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        note = uow.outbox.add(Notification(42, StatusNews("ABC", OrderStatus.READY), NOW))
        uow.commit()
    with new_uow() as uow:
        assert [encode(n.facts) for n in uow.outbox.due(NOW, limit=10)] == [
            {"order_code": "ABC", "status": "ready"}
        ]
        assert uow.outbox.claim(note.id or 0, "lease-1", NOW, NOW + timedelta(seconds=60))
        assert not uow.outbox.postpone(note.id or 0, "someone-else", NOW, "429")
        assert uow.outbox.postpone(note.id or 0, "lease-1", NOW + timedelta(seconds=30), "429")
        uow.commit()
    with new_uow() as uow:
        assert uow.outbox.due(NOW, limit=10) == []
        later = NOW + timedelta(seconds=30)
        assert len(uow.outbox.due(later, limit=10)) == 1
        assert uow.outbox.claim(note.id or 0, "lease-2", later, later + timedelta(seconds=60))
        assert not uow.outbox.mark_sent(note.id or 0, "lease-1", later)  # an old holder
        assert uow.outbox.mark_sent(note.id or 0, "lease-2", later)
        uow.commit()
    with new_uow() as uow:
        assert uow.outbox.due(NOW + timedelta(days=1), limit=10) == []


def test_on_duty_staff_are_those_recently_active(new_uow: UowFactory) -> None:
    boss = staff.create_manager("boss", "correct horse battery", uow=new_uow(), hasher=FAST_HASHER)
    with new_uow() as uow:
        uow.sessions.open(StaffSession(1, boss.id or 0, NOW, NOW))
        uow.sessions.open(StaffSession(2, boss.id or 0, NOW, NOW - timedelta(days=2)))
        uow.commit()
    with new_uow() as uow:
        assert [
            s.telegram_user_id for s in uow.sessions.on_duty(since=NOW - timedelta(hours=1))
        ] == [1]


def test_the_outbox_keeps_each_chats_messages_in_order(new_uow: UowFactory) -> None:
    with new_uow() as uow:
        ids = [
            uow.outbox.add(Notification(chat, StatusNews("A", OrderStatus.READY), NOW)).id
            for chat in (1, 1, 2)
        ]
        uow.commit()
    with new_uow() as uow:
        assert [n.id for n in uow.outbox.due(NOW, limit=10)] == [ids[0], ids[2]]
        assert uow.outbox.claim(ids[0] or 0, "lease", NOW, NOW + timedelta(minutes=1))
        uow.outbox.postpone(ids[0] or 0, "lease", NOW + timedelta(minutes=1), "429")
        uow.commit()
    with new_uow() as uow:
        assert [n.id for n in uow.outbox.due(NOW, limit=10)] == [ids[2]]


def test_search_in_the_database_matches_every_word_in_any_order(new_uow: UowFactory) -> None:
    stocked(new_uow(), sku="WINE", name="Côtes du Rhône 🍷", category="Drinks")
    found = catalogue.search_products("🍷 COTES drinks", offset=0, limit=10, uow=new_uow())
    assert [p.sku for p in found.items] == ["WINE"]
    assert catalogue.search_products("rhone beer", offset=0, limit=10, uow=new_uow()).total == 0


def test_every_kind_of_question_keeps_its_typed_draft(new_uow: UowFactory) -> None:
    drafts: list[Draft] = [
        LoginDraft("boss"),
        SignupDraft("code-1", "nia", "Nia Rivers", "$2b$04$hash"),
        CancelDraft("K7Q2MZ4P", OrderStatus.READY),
        NewItemDraft(
            name="Apples",
            suggested_sku="APPLES",
            sku="APL",
            category="Fruit",
            unit=Unit.KILOGRAM,
            step=Decimal("0.25"),
            price_minor=349,
            stock=Decimal("12.5"),
            threshold=None,
            photo="photo-1",
            vat_rate=Decimal("5.5"),
        ),
        EditItemDraft("APL"),
        AskDraft(),
        AnswerDraft(42),
        ResetDraft("K7Q2MZ4PK7Q2MZ4P", "nia", "$2b$04$hash"),
        PickDraft("K7Q2MZ4P", 7, Decimal("1.5")),
        PickDraft("K7Q2MZ4P", 8, Decimal(2)),
        DeliveryCodeDraft("K7Q2MZ4P"),
        RatingDraft("K7Q2MZ4P"),
        AnnounceDraft("Strawberries are in", "photo-9"),
    ]
    for user, (kind, draft) in enumerate(zip(DRAFTS, drafts, strict=True)):
        with new_uow() as uow:
            uow.prompts.save(Prompt(user, kind, "step", NOW, draft))
            uow.commit()
        with new_uow() as uow:
            found = uow.prompts.get(user)
        assert found is not None and found.draft == draft


def test_low_items_are_chosen_in_the_database_with_each_items_own_threshold(
    new_uow: UowFactory,
) -> None:
    stocked(new_uow(), 3, sku="A")  # the store's default, 5
    stocked(new_uow(), 3, sku="B", low_stock_threshold=Decimal(2))
    stocked(new_uow(), 10, sku="C", low_stock_threshold=Decimal(12))
    stocked(new_uow(), 6, sku="D")
    stocked(new_uow(), 5, sku="E")  # exactly at the threshold counts
    stocked(new_uow(), 0, sku="F", active=False)  # archived: nobody reorders it
    with new_uow() as uow:
        low = uow.products.low(Decimal(5))
        first_two = uow.products.low(Decimal(5), limit=2)
    assert [p.sku for p in low] == ["A", "E", "C"]  # lowest stock first
    assert [p.sku for p in first_two] == ["A", "E"]


def test_items_that_did_not_sell_are_found_by_walking_the_catalogue_in_name_order(
    new_uow: UowFactory,
) -> None:
    tea, jam = stocked(new_uow(), 5, sku="TEA", name="Tea"), stocked(new_uow(), 5, name="Jam")
    stocked(new_uow(), 5, sku="OIL", name="Oil")
    old = stocked(new_uow(), 5, sku="OLD", name="Old soap")
    apples = [stocked(new_uow(), 1, sku=f"A{n}", name=f"Apple {n}") for n in range(3)]
    clock = FixedClock(NOW)
    placed_order(new_uow(), customer(), (apples[0], 1), (apples[2], 1), (tea, 1), clock=clock)
    placed_order(new_uow(), customer(), (old, 1), clock=clock)
    catalogue.set_active("OLD", False, uow=new_uow())  # sold, then taken off sale
    period = Period.last_days(1, today=NOW.date(), timezone=STORE.timezone)
    with new_uow() as uow:
        unsold = uow.orders.unsold_names(period.start, period.end, limit=10)
        assert unsold == ["Apple 1", "Jam", "Oil"]
        assert uow.orders.unsold_names(period.start, period.end, limit=1) == ["Apple 1"]
        best = uow.orders.best_sellers(period.start, period.end, top=2)
        assert (best.items_sold, best.items_sold_on_sale) == (4, 3)
        assert uow.products.count_active() == 6
    assert jam.id is not None


def test_a_long_periods_sales_leave_cancelled_orders_out_as_a_short_ones_do(
    new_uow: UowFactory,
) -> None:
    tea = stocked(new_uow(), 20, sku="TEA", name="Tea")
    months_ago = FixedClock(NOW - timedelta(days=150))
    placed_order(new_uow(), customer(), (tea, 2), clock=months_ago)
    dropped = placed_order(new_uow(), customer(), (tea, 5), clock=months_ago)
    boss = staff.create_manager("boss", "correct horse battery", uow=new_uow(), hasher=FAST_HASHER)
    orders.move_order(
        boss.id or 0, dropped.code, OrderStatus.CANCELLED, reason="x", store=STORE, uow=new_uow()
    )
    for days in (1, 200, 366):  # read in time order, then in item order
        period = Period.last_days(days, today=NOW.date(), timezone=STORE.timezone)
        with new_uow() as uow:
            best = uow.orders.best_sellers(period.start, period.end, top=5)
            rows = uow.orders.sales_by_product(period.start, period.end)
        sold = [(r.sku, r.quantity) for r in best.by_quantity]
        assert sold == ([] if days == 1 else [("TEA", Decimal(2))])
        assert [(r.sku, r.quantity) for r in rows] == sold


def test_open_orders_are_counted_in_the_database_and_listed_oldest_first(
    new_uow: UowFactory,
) -> None:
    tea = stocked(new_uow(), 20, sku="TEA", name="Tea")
    first = placed_order(new_uow(), customer(), (tea, 1), clock=FixedClock(NOW))
    later = placed_order(new_uow(), customer(), (tea, 1), clock=FixedClock(NOW + timedelta(1)))
    dropped = placed_order(new_uow(), customer(), (tea, 1), clock=FixedClock(NOW))
    boss = staff.create_manager("boss", "correct horse battery", uow=new_uow(), hasher=FAST_HASHER)
    orders.move_order(
        boss.id or 0, dropped.code, OrderStatus.CANCELLED, reason="x", store=STORE, uow=new_uow()
    )
    with new_uow() as uow:
        assert uow.orders.count_open() == 2
        assert [o.code for o in uow.orders.open_orders(limit=5)] == [first.code, later.code]
