"""Checkout, step by step. Each step is saved, so a customer can stop and come back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.cart import CartLine
from bot.domain.checkout import CheckoutDraft, CheckoutStep
from bot.domain.clock import Clock, utc_now
from bot.domain.customers import normalise_phone, own_phone
from bot.domain.delivery import BelowDeliveryMinimum, DeliveryRefused
from bot.domain.errors import DomainError, EmptyCart, InvalidInput
from bot.domain.orders import Fulfilment, FulfilmentKind, Order, clean_note
from bot.domain.payments import PaymentMethod
from bot.domain.ports import UnitOfWork
from bot.domain.promo_codes import (
    OrderPromo,
    PromoNoLongerApplies,
    PromoRefused,
    UnknownPromoCode,
)
from bot.domain.services.cart import CartView, load_cart
from bot.domain.services.customers import CustomerRef, identify
from bot.domain.services.orders import CheckoutDetails, check_open_orders, place_order_in
from bot.domain.services.promo_codes import applying
from bot.domain.services.retry import retry_on_conflict
from bot.domain.store import Store
from bot.domain.text import said


class NotInCheckout(DomainError):
    def __init__(self) -> None:
        super().__init__(said("You are not checking out right now. Open your /cart to start."))


class AlreadyPlaced(DomainError):
    def __init__(self) -> None:
        super().__init__(
            said("This order was already placed (or checkout was left): see /myorders.")
        )


class StaleStep(DomainError):
    def __init__(self) -> None:
        super().__init__(said("That question was already answered. Please use the latest message."))


class SlotGone(DomainError):
    def __init__(self) -> None:
        super().__init__(said("That pickup time is no longer available; please pick another."))


class WindowGone(DomainError):
    def __init__(self) -> None:
        super().__init__(said("That delivery time is no longer available; please pick another."))


@dataclass(frozen=True, slots=True)
class CheckoutView:
    draft: CheckoutDraft
    cart: CartView
    delivery_fee_minor: int
    # What the customer gave last time, offered as one-tap answers.
    saved_phone: str | None = None
    saved_address: str | None = None
    promo: OrderPromo | None = None  # the promo code given, applying to this cart
    # A promo code given earlier that no longer applies (the cart changed, it ended): taken
    # off the checkout, and why.
    promo_dropped: PromoNoLongerApplies | None = None
    promo_offered: bool = False  # some code applies now or later: the summary offers a field

    @property
    def discount_minor(self) -> int:
        return 0 if self.promo is None else self.promo.off(self.cart.total_minor)

    @property
    def total_minor(self) -> int:
        fee = self.delivery_fee_minor if self.draft.kind is FulfilmentKind.DELIVERY else 0
        return self.cart.total_minor - self.discount_minor + fee


def _shown_prices(uow: UnitOfWork, draft: CheckoutDraft, cart: CartView) -> None:
    """The summary shows the cart at today's prices (an offer's while it runs): those become
    the prices Confirm is checked against, so a price that changes after the summary (an
    offer ending at 20:00) is said at Confirm, and one the summary already showed is not."""
    if draft.step is not CheckoutStep.CONFIRM:
        return
    kept = {line.product_id: line for line in uow.carts.lines(draft.customer_id)}
    for item in cart.items:
        assert item.product.id is not None
        line = kept.get(item.product.id)
        if line is not None and line.seen_price_minor != item.product.price_now_minor:
            uow.carts.put(
                draft.customer_id,
                CartLine(item.product.id, line.quantity, item.product.price_now_minor),
            )


def _promo(
    uow: UnitOfWork, draft: CheckoutDraft, cart: CartView, store: Store, at: datetime
) -> tuple[OrderPromo | None, PromoNoLongerApplies | None]:
    """The draft's promo code if it still applies to the cart; one that no longer does is
    taken off the draft (saved), with the reason."""
    if draft.promo_code is None:
        return None, None
    try:
        promo = applying(
            uow, draft.promo_code, draft.customer_id, cart.total_minor, store.currency, at
        )
    except (PromoRefused, UnknownPromoCode) as refused:
        draft.promo_code = None
        uow.checkouts.save(draft)
        return None, PromoNoLongerApplies(refused)
    return promo.for_order(), None


def _view(
    uow: UnitOfWork, draft: CheckoutDraft, store: Store, at: datetime | None = None
) -> CheckoutView:
    saved_phone = saved_address = None
    if draft.step is CheckoutStep.PHONE:
        customer = uow.customers.get(draft.customer_id)
        saved_phone = customer.phone if customer else None
    elif draft.step is CheckoutStep.ADDRESS:
        # The one given already (a basket then too small for it), else last time's.
        saved_address = draft.address or uow.orders.last_address(draft.customer_id)
    cart = load_cart(uow, draft.customer_id)
    _shown_prices(uow, draft, cart)
    now = at or utc_now()
    promo, dropped = _promo(uow, draft, cart, store, now)
    offered = draft.step is CheckoutStep.CONFIRM and bool(uow.promo_codes.not_over(now, limit=1))
    return CheckoutView(
        draft,
        cart,
        store.deliveries.shown_fee(draft.address, cart.total_minor),
        saved_phone,
        saved_address,
        promo,
        dropped,
        offered,
    )


def _draft(
    uow: UnitOfWork, customer: CustomerRef, *asked: CheckoutStep
) -> tuple[int, CheckoutDraft]:
    """The draft, if it is at one of the steps this answer belongs to: a button left over
    from an earlier step (or an earlier checkout) is refused, never applied."""
    who = identify(uow, customer)
    assert who.id is not None
    draft = uow.checkouts.get(who.id)
    if draft is None:
        raise NotInCheckout()
    if draft.step not in asked:
        raise StaleStep()
    return who.id, draft


def _save(
    uow: UnitOfWork, draft: CheckoutDraft, step: CheckoutStep, at: datetime, store: Store
) -> CheckoutView:
    draft.step = step
    draft.updated_at = at
    uow.checkouts.save(draft)
    view = _view(uow, draft, store, at)
    uow.commit()
    return view


@retry_on_conflict
def start_checkout(
    customer: CustomerRef, *, store: Store, uow: UnitOfWork, clock: Clock = utc_now
) -> CheckoutView:
    """Begin, or resume where the customer left off (details already given are kept)."""
    with uow:
        who = identify(uow, customer)
        assert who.id is not None
        if load_cart(uow, who.id).is_empty:
            raise EmptyCart()
        check_open_orders(uow, who.id, store)
        draft = uow.checkouts.get(who.id) or CheckoutDraft(who.id, CheckoutStep.FULFILMENT, clock())
        if (
            draft.kind is FulfilmentKind.PICKUP
            and draft.pickup_slot is not None
            and not store.slots.is_offered(draft.pickup_slot, clock())
        ):
            draft.pickup_slot = None
        if draft.delivery_from is not None and not _window_offered(
            draft.delivery_from, store, clock()
        ):
            draft.delivery_from = None
        return _save(uow, draft, _resume(draft, store), clock(), store)


def _window_offered(start: datetime, store: Store, now: datetime) -> bool:
    windows = store.windows
    return windows is not None and windows.is_offered(start, now)


def _resume(draft: CheckoutDraft, store: Store) -> CheckoutStep:
    """The first step still missing an answer: where a returning customer picks up. An
    address kept while its basket was too small is asked again (one tap)."""
    if draft.kind is None:
        return CheckoutStep.FULFILMENT
    if draft.kind is FulfilmentKind.PICKUP and draft.pickup_slot is None:
        return CheckoutStep.SLOT
    if draft.kind is FulfilmentKind.DELIVERY:
        if draft.address is None or draft.step is CheckoutStep.ADDRESS:
            return CheckoutStep.ADDRESS
        if store.windows is not None and draft.delivery_from is None:
            return CheckoutStep.WINDOW
    if draft.phone is None:
        return CheckoutStep.PHONE
    if draft.step in (CheckoutStep.CONFIRM, CheckoutStep.PROMO):
        return draft.step
    return CheckoutStep.NOTE


def current_checkout(
    customer: CustomerRef, *, store: Store, uow: UnitOfWork
) -> CheckoutView | None:
    with uow:
        who = uow.customers.get_by_telegram_id(customer.telegram_user_id)
        if who is None or who.id is None:
            return None
        draft = uow.checkouts.get(who.id)
        if draft is None:
            return None
        view = _view(uow, draft, store)
        uow.commit()  # the prices the summary shows, if they moved (_shown_prices)
        return view


@retry_on_conflict
def choose_fulfilment(
    customer: CustomerRef,
    kind: FulfilmentKind,
    *,
    store: Store,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> CheckoutView:
    with uow:
        # Delivery is also offered where no pickup time is left, and pickup where delivery
        # is refused (outside the zones, a basket too small) or has no time left.
        _, draft = _draft(
            uow,
            customer,
            CheckoutStep.FULFILMENT,
            CheckoutStep.SLOT,
            CheckoutStep.ADDRESS,
            CheckoutStep.WINDOW,
        )
        draft.kind = kind
        if kind is FulfilmentKind.PICKUP:
            draft.address, draft.delivery_from = None, None
            return _save(uow, draft, CheckoutStep.SLOT, clock(), store)
        draft.pickup_slot = None
        return _save(uow, draft, CheckoutStep.ADDRESS, clock(), store)


@retry_on_conflict
def choose_slot(
    customer: CustomerRef, slot: datetime, *, store: Store, uow: UnitOfWork, clock: Clock = utc_now
) -> CheckoutView:
    with uow:
        _, draft = _draft(uow, customer, CheckoutStep.SLOT)
        if draft.kind is not FulfilmentKind.PICKUP:
            raise InvalidInput(said("Choose pickup first to pick a time."))
        if not store.slots.is_offered(slot, clock()):
            raise SlotGone()
        draft.pickup_slot = slot
        return _save(uow, draft, _after_details(draft), clock(), store)


def _after_details(draft: CheckoutDraft) -> CheckoutStep:
    return CheckoutStep.PHONE if draft.phone is None else CheckoutStep.NOTE


@retry_on_conflict
def give_address(
    customer: CustomerRef, text: str, *, store: Store, uow: UnitOfWork, clock: Clock = utc_now
) -> CheckoutView:
    """Refused before the summary if no delivery zone covers it; kept (to be tapped again)
    but refused if the cart is below its zone's minimum basket."""
    with uow:
        _, draft = _draft(uow, customer, CheckoutStep.ADDRESS)
        if draft.kind is not FulfilmentKind.DELIVERY:
            raise InvalidInput(said("Choose delivery first to give an address."))
        address = Fulfilment.delivery(text, store.delivery_fee_minor).address
        assert address is not None
        store.deliveries.check_address(address)
        draft.address = address
        try:
            store.deliveries.quote(address, load_cart(uow, draft.customer_id).total_minor)
        except BelowDeliveryMinimum:
            _save(uow, draft, CheckoutStep.ADDRESS, clock(), store)
            raise
        if store.windows is not None and draft.delivery_from is None:
            return _save(uow, draft, CheckoutStep.WINDOW, clock(), store)
        return _save(uow, draft, _after_details(draft), clock(), store)


@retry_on_conflict
def choose_window(
    customer: CustomerRef, start: datetime, *, store: Store, uow: UnitOfWork, clock: Clock = utc_now
) -> CheckoutView:
    """A delivery time window, by its start, among those the store offers now."""
    with uow:
        _, draft = _draft(uow, customer, CheckoutStep.WINDOW)
        if draft.kind is not FulfilmentKind.DELIVERY:
            raise InvalidInput(said("Choose delivery first to pick a delivery time."))
        if not _window_offered(start, store, clock()):
            raise WindowGone()
        draft.delivery_from = start
        return _save(uow, draft, _after_details(draft), clock(), store)


@retry_on_conflict
def use_saved_address(
    customer: CustomerRef, *, store: Store, uow: UnitOfWork, clock: Clock = utc_now
) -> CheckoutView:
    """The one-tap answer: deliver to the address given already (its basket was too small
    then), else where the last delivery went."""
    with uow:
        who_id, draft = _draft(uow, customer, CheckoutStep.ADDRESS)
        saved = draft.address or uow.orders.last_address(who_id)
    if saved is None:
        raise StaleStep()
    return give_address(customer, saved, store=store, uow=uow, clock=clock)


@retry_on_conflict
def give_phone(
    customer: CustomerRef,
    text: str,
    *,
    store: Store,
    uow: UnitOfWork,
    clock: Clock = utc_now,
    own_contact: bool = False,
) -> CheckoutView:
    """A typed number is checked against the numbering plan; `own_contact`: the customer
    shared their own contact card, whose number Telegram vouches for."""
    with uow:
        _, draft = _draft(uow, customer, CheckoutStep.PHONE)
        draft.phone = own_phone(text) if own_contact else normalise_phone(text, store.country)
        return _save(uow, draft, CheckoutStep.NOTE, clock(), store)


@retry_on_conflict
def give_note(
    customer: CustomerRef, text: str, *, store: Store, uow: UnitOfWork, clock: Clock = utc_now
) -> CheckoutView:
    """The note is optional: an empty text skips it."""
    with uow:
        _, draft = _draft(uow, customer, CheckoutStep.NOTE)
        draft.note = clean_note(text)
        return _save(uow, draft, CheckoutStep.CONFIRM, clock(), store)


@retry_on_conflict
def confirm_checkout(
    customer: CustomerRef,
    payment: PaymentMethod = PaymentMethod.ON_HANDOVER,
    *,
    store: Store,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> Order:
    """Place the order from the saved details, in the same transaction that ends checkout.

    The draft is read under a row lock and deleted with the order: a second Confirm (a double
    tap, a redelivery, another worker) waits for the first, then finds no draft."""
    at = clock()
    with uow:
        who = identify(uow, customer)
        assert who.id is not None
        draft = uow.checkouts.get(who.id, for_update=True)
        if draft is None:
            raise AlreadyPlaced()
        # Only once every answer is in (a promo code asked for is not needed to confirm).
        if _resume(draft, store) not in (CheckoutStep.CONFIRM, CheckoutStep.PROMO):
            raise InvalidInput(said("Some details are still missing; answer the question above."))
        if draft.kind is FulfilmentKind.PICKUP:
            assert draft.pickup_slot is not None
            if not store.slots.is_offered(draft.pickup_slot, at):
                draft.pickup_slot = None
                _save(uow, draft, CheckoutStep.SLOT, at, store)
                raise SlotGone()
        fee = 0
        if draft.kind is FulfilmentKind.DELIVERY:
            fee = _delivery_fee(uow, draft, store, at)
        assert draft.phone is not None
        details = CheckoutDetails(
            draft.fulfilment(fee, store.delivery_window),
            draft.phone,
            draft.note,
            payment,
            draft.promo_code,
        )
        try:
            order = place_order_in(uow, who, details, store=store, at=at)
        except (PromoRefused, UnknownPromoCode) as refused:
            # Nothing of the order was written yet (the code is redeemed first): the code
            # comes off the checkout, and the customer reads why before confirming again.
            draft.promo_code = None
            _save(uow, draft, CheckoutStep.CONFIRM, at, store)
            raise PromoNoLongerApplies(refused) from refused
        if not uow.checkouts.delete(who.id):
            raise AlreadyPlaced()  # rolls the order back
        uow.commit()
        return order


def _delivery_fee(uow: UnitOfWork, draft: CheckoutDraft, store: Store, at: datetime) -> int:
    """The fee for the cart as it is now; a window gone, an address no longer delivered or a
    cart now below the minimum sends the customer back to that question (saved, then raised)."""
    assert draft.address is not None
    if store.windows is not None and (
        draft.delivery_from is None or not store.windows.is_offered(draft.delivery_from, at)
    ):
        draft.delivery_from = None
        _save(uow, draft, CheckoutStep.WINDOW, at, store)
        raise WindowGone()
    try:
        return store.deliveries.quote(
            draft.address, load_cart(uow, draft.customer_id).total_minor
        ).fee_minor
    except DeliveryRefused:
        _save(uow, draft, CheckoutStep.ADDRESS, at, store)
        raise


@retry_on_conflict
def ask_promo_code(
    customer: CustomerRef, *, store: Store, uow: UnitOfWork, clock: Clock = utc_now
) -> CheckoutView:
    """The summary's "Promo code" button: the next text typed is the code."""
    with uow:
        _, draft = _draft(uow, customer, CheckoutStep.CONFIRM)
        return _save(uow, draft, CheckoutStep.PROMO, clock(), store)


@retry_on_conflict
def give_promo_code(
    customer: CustomerRef, text: str, *, store: Store, uow: UnitOfWork, clock: Clock = utc_now
) -> CheckoutView:
    """A code typed at the promo question (or at the summary): kept if it applies to this
    cart now, else refused with why, the question still open. One code per order: a new
    one replaces the one given before."""
    at = clock()
    with uow:
        who_id, draft = _draft(uow, customer, CheckoutStep.PROMO, CheckoutStep.CONFIRM)
        items_minor = load_cart(uow, who_id).total_minor
        promo = applying(uow, text[:64], who_id, items_minor, store.currency, at)
        draft.promo_code = promo.code
        return _save(uow, draft, CheckoutStep.CONFIRM, at, store)


@retry_on_conflict
def drop_promo_code(
    customer: CustomerRef,
    pressed_at: CheckoutStep,
    *,
    store: Store,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> CheckoutView:
    """Back to the summary without a promo code: the question's "No code" (`pressed_at`
    PROMO) or the summary's "Remove promo code" (CONFIRM). A button left from the other step
    (the question's, once a code was given) is stale: it removes nothing."""
    with uow:
        _, draft = _draft(uow, customer, pressed_at)
        draft.promo_code = None
        return _save(uow, draft, CheckoutStep.CONFIRM, clock(), store)


@retry_on_conflict
def cancel_checkout(customer: CustomerRef, *, uow: UnitOfWork) -> bool:
    """Leave checkout; the cart stays as it is. False if there was nothing to leave."""
    with uow:
        who = uow.customers.get_by_telegram_id(customer.telegram_user_id)
        if who is None or who.id is None or uow.checkouts.get(who.id) is None:
            return False
        uow.checkouts.delete(who.id)
        uow.commit()
        return True


@retry_on_conflict
def restart_checkout(
    customer: CustomerRef, *, store: Store, uow: UnitOfWork, clock: Clock = utc_now
) -> CheckoutView:
    """Change details: back to the first question, keeping the phone number given."""
    with uow:
        _, draft = _draft(uow, customer, CheckoutStep.CONFIRM)
        draft.kind, draft.pickup_slot, draft.address = None, None, None
        draft.delivery_from = None
        return _save(uow, draft, CheckoutStep.FULFILMENT, clock(), store)
