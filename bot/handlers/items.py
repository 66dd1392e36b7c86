"""/additem and /edititem: staff add and change items by chat. Behind the guard."""

from __future__ import annotations

from html import escape as esc

from telegram import InlineKeyboardMarkup, Message, Update

from bot.domain.catalogue import Product
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.prompts import Prompt, PromptKind
from bot.domain.quantity import format_quantity
from bot.domain.services import catalogue, item_prompts
from bot.domain.services.item_prompts import ItemStep
from bot.domain.staff import Role
from bot.domain.store import Store
from bot.handlers.access import signed_in
from bot.handlers.button_kinds import EditItemField, ItemField
from bot.handlers.context import ShopContext, user_id_of
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say, sentence
from bot.handlers.views import button

QUESTIONS = {
    ItemStep.NAME: "New item. What is it called? (/cancel to stop)",
    ItemStep.CATEGORY: "Which category? (e.g. Dairy &amp; Eggs)",
    ItemStep.UNIT: (
        "How is it sold? “pc” for pieces, or a unit and its step, like “kg 0.25” "
        "for quarter kilos. Units: pc, kg, g, l, ml, m, pack."
    ),
    ItemStep.PRICE: "Price per unit, like 2.49?",
    ItemStep.STOCK: "How much is in stock now? (0 if none yet)",
    ItemStep.THRESHOLD: "Low-stock threshold? A quantity, or “default” for the store's.",
    ItemStep.PHOTO: "Send a photo of the item, or type skip.",
}
FIELDS = [
    ("Name", ItemField.NAME),
    ("Category", ItemField.CATEGORY),
    ("Price", ItemField.PRICE),
    ("Unit & step", ItemField.UNIT),
    ("Threshold", ItemField.THRESHOLD),
    ("Description", ItemField.DESCRIPTION),
    ("Photo", ItemField.PHOTO),
]


def _summary(product: Product, store: Store) -> str:
    unit = product.unit.value
    threshold = format_quantity(product.threshold(store.default_low_stock_threshold), unit)
    lines = [
        f"<b>{esc(product.name)}</b> (<code>{esc(product.sku)}</code>)",
        f"{esc(product.category)} · {store.currency.format(product.price_minor)} per {unit}"
        f" · sold in steps of {format_quantity(product.step, unit)}",
        f"{format_quantity(product.stock, unit)} in stock · low at {threshold}",
        "photo: yes" if product.photo_file_id else "photo: none",
    ]
    if product.description:
        lines.append(esc(product.description))
    return "\n".join(lines)


def _photo(message: Message) -> str | None:
    return message.photo[-1].file_id if message.photo else None


@polite
async def add_item(update: Update, context: ShopContext) -> str | None:
    """/additem: a few questions, then the item is on sale."""
    await signed_in(update, context)
    await context.run(item_prompts.begin_add_item, user_id_of(update))
    await say(update, QUESTIONS[ItemStep.NAME])
    return None


async def take_item_answer(update: Update, context: ShopContext, prompt: Prompt) -> None:
    """An answer during /additem (text, or the photo at the end)."""
    message = update.effective_message
    if message is None:
        return
    account = await signed_in(update, context)
    store = context.shop.store
    try:
        reply = await context.run(
            item_prompts.answer_add_item,
            prompt,
            message.text,
            _photo(message),
            actor=f"staff:{account.username}",
            store=store,
        )
    except DomainError as refused:
        await say(update, f"{esc(sentence(str(refused)))} Please try again, or /cancel.")
        return
    if reply.product is not None:
        await say(update, "✅ Added and on sale:\n" + _summary(reply.product, store))
    elif reply.ask is ItemStep.SKU:
        await say(
            update,
            f"SKU? Type ok for <code>{esc(reply.suggestion)}</code>, or type "
            "another (letters, digits, '-', '.', '_').",
        )
    elif reply.ask is not None:
        await say(update, QUESTIONS[reply.ask])


@polite
async def edit_item(update: Update, context: ShopContext) -> str | None:
    """/edititem SKU: the item, and a button for each thing that can change."""
    await signed_in(update, context)
    if not context.args:
        raise InvalidInput("Usage: /edititem SKU")
    product = await context.run(catalogue.find_product, context.args[0], include_archived=True)
    rows = [
        [button(label, EditItemField(product.sku, field)) for label, field in FIELDS[i : i + 2]]
        for i in range(0, len(FIELDS), 2)
    ]
    await say(
        update,
        _summary(product, context.shop.store) + "\n\nWhat do you want to change?",
        InlineKeyboardMarkup(rows),
    )
    return None


@polite
async def choose_field(update: Update, context: ShopContext) -> str | None:
    pressed = EditItemField.of(update)
    field = pressed.field
    product = await context.run(
        item_prompts.begin_edit_item, user_id_of(update), pressed.sku, field.value
    )
    hint = {
        ItemField.UNIT: QUESTIONS[ItemStep.UNIT],
        ItemField.THRESHOLD: QUESTIONS[ItemStep.THRESHOLD],
        ItemField.PHOTO: "Send the new photo, or type none to remove it.",
        ItemField.DESCRIPTION: "Type the new description, or none to remove it.",
        ItemField.PRICE: QUESTIONS[ItemStep.PRICE],
    }.get(field, f"Type the new {field.value}.")
    await say(update, f"Changing {esc(product.name)}. {hint} (/cancel to stop)")
    return None


async def take_edit_answer(update: Update, context: ShopContext, prompt: Prompt) -> None:
    message = update.effective_message
    if message is None:
        return
    await signed_in(update, context)
    store = context.shop.store
    try:
        product = await context.run(
            item_prompts.answer_edit_item, prompt, message.text, _photo(message), store=store
        )
    except DomainError as refused:
        await say(update, f"{esc(sentence(str(refused)))} Please try again, or /cancel.")
        return
    await say(update, "✅ Updated:\n" + _summary(product, store))


FEATURE = Feature(
    commands=[
        Command("additem", add_item, Role.STAFF, "Add an item", "/additem – a few questions"),
        Command(
            "edititem",
            edit_item,
            Role.STAFF,
            "Edit an item: /edititem SKU",
            "/edititem SKU – change its name, price, photo…: /edititem RICE-1KG",
        ),
    ],
    presses=[Press(EditItemField, choose_field, Role.STAFF)],
    answers={PromptKind.ADD_ITEM: take_item_answer, PromptKind.EDIT_ITEM: take_edit_answer},
)
