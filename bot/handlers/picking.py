"""Staff pick an order before it is ready: weigh a line, replace an item, mark one missing,
then tell the customer in one message. Behind the staff guard; every button carries the line's
quantity as it was seen, so an old card or a second clerk's tap changes nothing unseen."""

from __future__ import annotations

from collections.abc import Callable
from html import escape as esc
from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.domain.errors import DomainError, InvalidInput
from bot.domain.orders import FulfilmentKind, Order, OrderLine
from bot.domain.picking import (
    ChangeKind,
    LineChangedMeanwhile,
    LineNews,
    PickingClosed,
    PickingNews,
    as_seen,
    check_pickable,
    is_weighed,
    line_news,
    ordered_amount,
    paid_in_telegram,
    refund_from_picking,
    to_collect,
)
from bot.domain.prompts import PickDraft, Prompt, PromptKind
from bot.domain.services import orders, picking, prompts
from bot.domain.staff import Role
from bot.domain.store import Store
from bot.domain.text import said
from bot.handlers.access import signed_in
from bot.handlers.button_kinds import (
    MyOrder,
    OrderAction,
    OrderDetails,
    PickAction,
    PickLine,
    PickOrder,
    ReplaceWith,
    TellPicked,
)
from bot.handlers.context import ShopContext, user_id_of
from bot.handlers.notification_texts import Rendered, renders
from bot.handlers.order_queue import card, order_keyboard
from bot.handlers.payment_views import money_in
from bot.handlers.routes import Feature, Press
from bot.handlers.screens import TYPE_AGAIN, polite, refused_then, say, show
from bot.handlers.views import button, unit_price
from bot.i18n import Texts

# A line's change, as the customer and the picking screen say it.
NEWS = {
    ChangeKind.PICKED: said("{name}: {picked} instead of {ordered}"),
    ChangeKind.REPLACED: said("{was} replaced by {name} ({picked})"),
    ChangeKind.MISSING: said("{name} ({ordered}): missing"),
}


def news_line(t: Texts, news: LineNews) -> str:
    return t(
        NEWS[news.kind],
        name=esc(news.name),
        was=esc(news.was),
        picked=t.quantity(news.picked, news.unit),
        ordered=t.quantity(news.ordered, news.unit),
    )


def _line_text(t: Texts, number: int, line: OrderLine, store: Store) -> str:
    news = line_news(line)
    amount = t.quantity(line.quantity, line.unit)
    shown = news_line(t, news) if news else f"{esc(line.name)} — {amount}"
    return f"{number}. {shown} · {t.money(line.line_total_minor, store.currency)}"


def money_lines(t: Texts, order: Order, store: Store) -> list[str]:
    """The picked total and what it means for the money: a refund due, or what to collect."""
    lines = [t("Total {total}", total=t.money(order.total_minor, store.currency))]
    if paid := paid_in_telegram(order):
        lines.append("💳 " + t("Paid in Telegram: {paid}", paid=t.money(paid, store.currency)))
        if refund := refund_from_picking(order):
            due = t.money(refund, store.currency)
            lines.append("↩️ " + t("Refund due to the customer: {amount}", amount=due))
        if extra := to_collect(order):
            more = t.money(extra, store.currency)
            lines.append("💶 " + t("To collect at the hand-over: {amount}", amount=more))
    return lines


def picking_screen(t: Texts, order: Order, store: Store) -> tuple[str, InlineKeyboardMarkup]:
    """Every line with what was picked, and a row of changes per line."""
    text = [t("<b>Picking order {code}</b>", code=order.code)]
    rows = []
    for number, line in enumerate(order.lines, start=1):
        assert line.id is not None
        text.append(_line_text(t, number, line, store))

        def press(action: PickAction, line: OrderLine = line) -> PickLine:
            assert line.id is not None
            return PickLine(order.code, line.id, line.quantity, action, line.product_id)

        row = [button(f"{number} · 🔁 " + t("Replace"), press(PickAction.REPLACE))]
        if is_weighed(line):
            row.insert(0, button(f"{number} · ⚖️ " + t("Weight"), press(PickAction.WEIGH)))
        if line.quantity:
            row.append(button(f"{number} · 🚫 " + t("Missing"), press(PickAction.MISSING)))
        rows.append(row)
    text += ["", *money_lines(t, order, store)]
    if order.changes_untold:
        text.append("📣 " + t("The customer has not been told of these changes yet."))
        rows.append([button("📣 " + t("Tell the customer"), TellPicked(order.code))])
    text.append(
        t("⚖️ sets a weighed line's weight, 🔁 puts another item instead, 🚫 marks it missing.")
    )
    rows.append([button("« " + t("Order"), OrderDetails(order.code))])
    return "\n".join(text), InlineKeyboardMarkup(rows)


async def show_picking(update: Update, context: ShopContext, order: Order, *, new: bool) -> None:
    text, keyboard = picking_screen(context.texts(update), order, context.shop.store)
    await (say(update, text, keyboard) if new else show(update, text, keyboard))


@polite
async def open_picking(update: Update, context: ShopContext) -> str | None:
    """The order card's Pick button: the picking screen, in place."""
    code = PickOrder.of(update).code
    order = await context.run(orders.find_order, code)
    check_pickable(order)
    await show_picking(update, context, order, new=False)
    return None


@polite
async def press_line(update: Update, context: ShopContext) -> str | None:
    """⚖️ asks for the weight, 🔁 for the replacement; 🚫 marks the line missing now."""
    account = await signed_in(update, context)
    assert account.id is not None
    pressed = PickLine.of(update)
    store, t = context.shop.store, context.texts(update)
    if pressed.action is PickAction.MISSING:
        order = await _applied(
            update,
            context,
            pressed.code,
            picking.mark_missing,
            account.id,
            pressed.code,
            pressed.line_id,
            pressed.seen,
            seen_item=pressed.seen_item or None,
            store=store,
        )
        await show_picking(update, context, order, new=False)
        return t("Marked missing; its stock is back on the shelf.")
    found = await context.run(picking.line_to_pick, pressed.code, pressed.line_id, store=store)
    line = found.line
    if not as_seen(line, pressed.seen, pressed.seen_item):
        await show_picking(update, context, found.order, new=False)
        raise LineChangedMeanwhile(line.name, pressed.code)
    draft = PickDraft(pressed.code, pressed.line_id, pressed.seen, pressed.seen_item)
    if pressed.action is PickAction.WEIGH:
        if found.low is None or found.high is None:  # an old or forged button: pieces
            raise InvalidInput(
                said("{name} is not weighed: replace it or mark it missing."), name=line.name
            )
        await context.run(prompts.ask, user_id_of(update), PromptKind.PICK_WEIGHT, "w", draft)
        await say(
            update,
            t(
                "How much {name} was picked? It was ordered as {ordered}; {low} to {high} is "
                "allowed. Type it like 1.62, 1,62 kg or 1620 g. (/cancel to leave it)",
                name=esc(line.name),
                ordered=t.quantity(ordered_amount(line), line.unit),
                low=t.quantity(found.low, line.unit),
                high=t.quantity(found.high, line.unit),
            ),
        )
        return None
    await context.run(prompts.ask, user_id_of(update), PromptKind.PICK_REPLACEMENT, "r", draft)
    await say(
        update,
        t(
            "What goes instead of {name} ({ordered})? Type its SKU or its name, as the customer "
            "asked or agreed. (/cancel to leave it)",
            name=esc(line.name),
            ordered=t.quantity(ordered_amount(line), line.unit),
        ),
    )
    return None


async def _applied(
    update: Update,
    context: ShopContext,
    code: str,
    use_case: Callable[..., Order],
    *args: Any,
    **kwargs: Any,
) -> Order:
    """Run a change; when it is refused because the order or line moved, show them as they are
    now before saying why."""
    try:
        return await context.run(use_case, *args, **kwargs)
    except (LineChangedMeanwhile, PickingClosed):
        await _show_now(update, context, code)
        raise


async def _show_now(update: Update, context: ShopContext, code: str) -> None:
    """The order as it is now: its picking screen, or its card once it cannot be picked."""
    order = await context.run(orders.find_order, code)
    try:
        check_pickable(order)
    except DomainError:
        t = context.texts(update)
        await say(update, card(update, context, order), order_keyboard(t, order))
        return
    await show_picking(update, context, order, new=update.callback_query is None)


async def take_weight(update: Update, context: ShopContext, prompt: Prompt) -> None:
    """The typed weight: a refusal keeps the question open; a change refused because the
    order moved closes it."""
    message, t = update.effective_message, context.texts(update)
    draft = prompt.draft
    assert isinstance(draft, PickDraft)
    if message is None or not message.text:
        await say(update, t("Please type the weight, like 1.62 or 1620 g, or /cancel."))
        return
    account = await signed_in(update, context)
    assert account.id is not None
    try:
        order = await context.run(
            picking.pick_weight,
            account.id,
            draft.order_code,
            draft.line_id,
            draft.seen,
            message.text,
            seen_item=draft.seen_item or None,
            store=context.shop.store,
        )
    except InvalidInput as refused:
        await say(update, refused_then(t, refused, t(TYPE_AGAIN)))
        return
    except DomainError as refused:
        await context.run(prompts.drop, user_id_of(update))
        await say(update, esc(t.refusal(refused)))
        await _show_now(update, context, draft.order_code)
        return
    await context.run(prompts.drop, user_id_of(update))
    await show_picking(update, context, order, new=True)


async def take_replacement(update: Update, context: ShopContext, prompt: Prompt) -> None:
    """The typed SKU or name: the items it fits, one button each (the question stays open
    for another try)."""
    message, t = update.effective_message, context.texts(update)
    draft = prompt.draft
    assert isinstance(draft, PickDraft)
    if message is None or not message.text or not message.text.strip():
        await say(update, t("Please type the SKU or the name of the item, or /cancel."))
        return
    typed = message.text.strip()[:60]
    found = await context.run(picking.replacements, typed)
    store = context.shop.store
    if not found:
        await say(
            update,
            t("No item on sale fits “{typed}”.", typed=esc(typed)) + " " + t(TYPE_AGAIN),
        )
        return
    rows = [
        [
            button(
                f"{p.name[:32]} ({p.sku}) · {unit_price(t, p, store, html=False)}",
                ReplaceWith(
                    draft.order_code, draft.line_id, draft.seen, p.id or 0, draft.seen_item
                ),
            )
        ]
        for p in found
    ]
    await say(
        update,
        t("Which one goes instead? Tap it, or type another SKU or name."),
        InlineKeyboardMarkup(rows),
    )


@polite
async def press_replacement(update: Update, context: ShopContext) -> str | None:
    """A found item's button: it replaces the line, at its own price."""
    account = await signed_in(update, context)
    assert account.id is not None
    pressed = ReplaceWith.of(update)
    order = await _applied(
        update,
        context,
        pressed.code,
        picking.replace_item,
        account.id,
        pressed.code,
        pressed.line_id,
        pressed.seen,
        pressed.product_id,
        seen_item=pressed.seen_item,
        store=context.shop.store,
    )
    await context.run(prompts.drop, user_id_of(update))
    await show_picking(update, context, order, new=False)
    t = context.texts(update)
    return t("Replaced.")


@polite
async def press_tell(update: Update, context: ShopContext) -> str | None:
    """📣: one message to the customer with every change and the new total."""
    account = await signed_in(update, context)
    assert account.id is not None
    code = TellPicked.of(update).code
    order = await context.run(picking.tell_customer, account.id, code)
    t = context.texts(update)
    try:
        check_pickable(order)
    except DomainError:
        return t("The customer is told.")  # ready already: nothing left to change on screen
    await show_picking(update, context, order, new=False)
    return t("The customer is told.")


@renders(PickingNews)
def picking_text(t: Texts, news: PickingNews, store: Store) -> Rendered:
    """The customer's message: what was picked otherwise, the new total, and the money."""
    code = esc(news.order_code)
    lines = ["🧺 " + t("Your order <b>{code}</b> was picked with these changes:", code=code)]
    lines += [f"• {news_line(t, change)}" for change in news.changes]
    total = money_in(t, news.total_minor, news.currency)
    was = money_in(t, news.placed_total_minor, news.currency)
    lines.append(
        "<b>" + t("New total: {total}", total=total) + "</b> " + t("(was {was})", was=was)
        if was and was != total
        else "<b>" + t("Total: {total}", total=total) + "</b>"
    )
    delivery = news.fulfilment is FulfilmentKind.DELIVERY
    if news.paid:
        if news.refund_minor:
            refund = money_in(t, news.refund_minor, news.currency)
            lines.append("↩️ " + t("{amount} will be refunded to you.", amount=refund))
        if news.collect_minor:
            more = money_in(t, news.collect_minor, news.currency)
            lines.append(
                "💶 "
                + (
                    t("{amount} more is to pay on delivery.", amount=more)
                    if delivery
                    else t("{amount} more is to pay at pickup.", amount=more)
                )
            )
    else:
        lines.append(
            "💶 "
            + (
                t("To pay on delivery: {amount}.", amount=total)
                if delivery
                else t("To pay at pickup: {amount}.", amount=total)
            )
        )
    view = MyOrder(OrderAction.VIEW, news.order_code)
    return "\n".join(lines), InlineKeyboardMarkup([[button(t("View order"), view)]])


FEATURE = Feature(
    presses=[
        Press(PickOrder, open_picking, Role.STAFF),
        Press(PickLine, press_line, Role.STAFF),
        Press(ReplaceWith, press_replacement, Role.STAFF),
        Press(TellPicked, press_tell, Role.STAFF),
    ],
    answers={PromptKind.PICK_WEIGHT: take_weight, PromptKind.PICK_REPLACEMENT: take_replacement},
)
