"""The orders board: open orders in columns by status, each card with the moves the chat's
card offers (bot.domain.order_moves), refreshed in place while it is open. Every move goes
through the chat's use cases, so the customer is told as from the chat, and of two people
moving one order at once, one wins and the other is told why."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from bot.backoffice.access import PREFIX, Route, form_text, member, shop, show, texts
from bot.domain import permissions
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.money import Currency
from bot.domain.order_moves import DELIVERED_PAID, TAKE_BUTTON, move_label, staff_moves
from bot.domain.orders import FulfilmentKind, Order, OrderStatus
from bot.domain.payments import TAKEN_AT_HANDOVER, MoneyTaken, PaymentMethod
from bot.domain.services import orders, waiting
from bot.domain.text import said

BOARD_SIZE = 200  # open orders shown; a small shop has far fewer
COLUMNS = (
    (said("New"), (OrderStatus.PLACED,)),
    (said("Being prepared"), (OrderStatus.ACCEPTED,)),
    (said("Ready or on the way"), (OrderStatus.READY, OrderStatus.OUT_FOR_DELIVERY)),
)
DONE = {
    "moved": said("Order {code} moved; its customer is told."),
    "handed": said("Order {code} handed over; its customer is told."),
}


def payment_state(order: Order) -> str:
    """The order's money, in the chat's words for staff."""
    payment = order.payment
    delivery = order.fulfilment.kind is FulfilmentKind.DELIVERY
    if payment.method is PaymentMethod.ONLINE:
        if payment.is_paid:
            return said("Paid in Telegram")
        return said("Waiting for payment: do not prepare it yet")
    return said("To pay on delivery") if delivery else said("To pay at pickup")


async def board(request: web.Request) -> web.StreamResponse:
    return await _board(request)


async def _board(
    request: web.Request, *, status: int = 200, problem: str = ""
) -> web.StreamResponse:
    run = shop(request)
    found = await run.run(waiting.order_queue, limit=BOARD_SIZE, uow=run.uow())
    t = texts(request)
    done_key, code = request.query.get("done", ""), request.query.get("code", "")[:16]
    done = t(DONE[done_key], code=code) if done_key in DONE else ""
    columns = [(title, [o for o in found if o.status in statuses]) for title, statuses in COLUMNS]
    template = "board.html" if request.query.get("fragment") == "1" else "orders.html"
    return show(
        request,
        template,
        status=status,
        columns=columns,
        problem=problem,
        done=done,
        store=run.store,
        currency=Currency,
        can=staff_moves,
        move_label=move_label,
        delivered_paid=DELIVERED_PAID,
        take_button=TAKE_BUTTON,
        ways=TAKEN_AT_HANDOVER,
        payment_state=payment_state,
        cancelled=OrderStatus.CANCELLED,
        completed=OrderStatus.COMPLETED,
    )


def _status(text: str) -> OrderStatus:
    try:
        return OrderStatus(text)
    except ValueError:
        raise InvalidInput(said("That move is not known; please reload the board.")) from None


def _taken(text: str) -> MoneyTaken | None:
    return MoneyTaken(text) if text in {w.value for w in TAKEN_AT_HANDOVER} else None


async def move(request: web.Request) -> web.StreamResponse:
    """One step on (or cancelled, with its reason), from the status the card showed."""
    code = request.match_info["code"][:16]
    form = await request.post()
    run = shop(request)
    staff_id = member(request).account.id
    assert staff_id is not None
    try:
        wanted = _status(form_text(form, "to", 32))
        seen = _status(form_text(form, "from", 32))
        await run.run(
            orders.move_order,
            staff_id,
            code,
            wanted,
            reason=form_text(form, "reason", 400),
            expected=seen,
            taken=_taken(form_text(form, "taken", 16)),
            store=run.store,
            uow=run.uow(),
        )
    except DomainError as refusal:
        return await _board(request, status=409, problem=texts(request).refusal(refusal))
    raise web.HTTPSeeOther(f"{PREFIX}/orders?done=moved&code={quote(code, safe='')}")


async def hand_over(request: web.Request) -> web.StreamResponse:
    """Completed with the code its customer shows (or gives the courier), and how the money
    was taken where the hand-over takes some."""
    code = request.match_info["code"][:16]
    form = await request.post()
    run = shop(request)
    staff_id = member(request).account.id
    assert staff_id is not None
    try:
        await run.run(
            orders.hand_over_on_card,
            staff_id,
            code,
            form_text(form, "pickup_code", 32),
            taken=_taken(form_text(form, "taken", 16)),
            store=run.store,
            uow=run.uow(),
        )
    except DomainError as refusal:
        return await _board(request, status=409, problem=texts(request).refusal(refusal))
    raise web.HTTPSeeOther(f"{PREFIX}/orders?done=handed&code={quote(code, safe='')}")


ROUTES = [
    Route("GET", "/orders", board, permissions.ORDERS),
    Route("POST", "/orders/{code}/move", move, permissions.ORDERS),
    Route("POST", "/orders/{code}/handover", hand_over, permissions.ORDERS),
]
