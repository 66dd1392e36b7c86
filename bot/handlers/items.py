"""/additem and /edititem: staff add and change items by chat. Behind the guard."""

from __future__ import annotations

from html import escape as esc

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.domain import permissions
from bot.domain.catalogue import Product, category_key
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.prompts import Prompt, PromptKind
from bot.domain.services import catalogue, item_prompts
from bot.domain.services.item_prompts import ItemReply, ItemStep
from bot.domain.store import Store
from bot.domain.text import UnitLabel, said
from bot.handlers.access import signed_in
from bot.handlers.button_kinds import EditItemField, ItemCategory, ItemField, ItemWord
from bot.handlers.context import ShopContext, user_id_of
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import TRY_AGAIN, polite, refused_then, say, show
from bot.handlers.views import button
from bot.i18n import Texts

QUESTIONS = {
    ItemStep.NAME: said("New item. What is it called? (/cancel to stop)"),
    ItemStep.CATEGORY: said("Which category? Tap one, or type a new one."),
    ItemStep.DESCRIPTION: said(
        "A few words for customers: what it is, where it comes from? Optional: tap Skip."
    ),
    ItemStep.UNIT: said(
        "How is it sold? Tap one, or type a unit and its step, like “kg 0.25” for quarter "
        "kilos. Units: pc, kg, g, l, ml, m, pack."
    ),
    ItemStep.PRICE: said("Price per unit, like 2.49?"),
    ItemStep.VAT: said("VAT rate? Type it, like 5,5, or tap the store's default."),
    ItemStep.STOCK: said("How much is in stock now? (0 if none yet)"),
    ItemStep.THRESHOLD: said("Low-stock threshold? A quantity, or tap the store's default."),
    ItemStep.PHOTO: said("Send a photo of the item, or tap Skip."),
}
UNIT_CHOICES = ("pc", "pack", "kg 0.1", "l")
CATEGORY_BUTTONS = 24
FIELDS = [
    (said("Name"), ItemField.NAME),
    (said("Category"), ItemField.CATEGORY),
    (said("Price"), ItemField.PRICE),
    (said("Unit & step"), ItemField.UNIT),
    (said("Threshold"), ItemField.THRESHOLD),
    (said("Description"), ItemField.DESCRIPTION),
    (said("Photo"), ItemField.PHOTO),
]
TYPE_NEW = {
    ItemField.NAME: said("Type the new name."),
    ItemField.CATEGORY: said("Type the new category."),
    ItemField.PHOTO: said("Send the new photo, or type none to remove it."),
    ItemField.DESCRIPTION: said("Type the new description, or none to remove it."),
    ItemField.UNIT: QUESTIONS[ItemStep.UNIT],
    ItemField.THRESHOLD: QUESTIONS[ItemStep.THRESHOLD],
    ItemField.PRICE: QUESTIONS[ItemStep.PRICE],
}


def _summary(t: Texts, product: Product, store: Store) -> str:
    unit = product.unit.value
    threshold = t.quantity(product.threshold(store.default_low_stock_threshold), unit)
    sold = t(
        "{price} per {unit} · sold in steps of {step}",
        price=t.money(product.price_minor, store.currency),
        unit=UnitLabel(unit),
        step=t.quantity(product.step, unit),
    )
    if store.default_vat_rate or product.vat_rate:
        rate = store.default_vat_rate if product.vat_rate is None else product.vat_rate
        sold += " · " + t("{rate} % VAT", rate=rate)
    stock = t(
        "{stock} in stock · low at {threshold}",
        stock=t.quantity(product.stock, unit),
        threshold=threshold,
    )
    lines = [
        f"<b>{esc(product.name)}</b> (<code>{esc(product.sku)}</code>)",
        f"{esc(product.category)} · {sold}",
        stock,
        t("photo: yes") if product.photo_file_id else t("photo: none"),
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
    await say(update, context.texts(update)(QUESTIONS[ItemStep.NAME]))
    return None


def _categories(t: Texts, reply: ItemReply) -> tuple[str, list[list[InlineKeyboardButton]]]:
    """The category question: the store's categories, or the ones near a typed new name."""
    if reply.new_category:
        new = reply.new_category
        text = t(
            "There is no category “{name}” yet. Is it one of these? Tap it, or make “{name}” "
            "a new category.",
            name=esc(new),
        )
        offered = [(name, name) for name in reply.categories] + [
            (new, t("✨ New: {name}", name=new))
        ]
    elif len(reply.categories) > CATEGORY_BUTTONS:
        text = t("Which category? Type its name, or a new one (the store has many).")
        offered = []
    elif reply.categories:
        text, offered = t(QUESTIONS[ItemStep.CATEGORY]), [(n, n) for n in reply.categories]
    else:
        text, offered = t("Which category? (e.g. Dairy &amp; Eggs)"), []
    buttons = [button(label[:60], ItemCategory(category_key(name))) for name, label in offered]
    return text, [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def _question(t: Texts, reply: ItemReply, store: Store) -> tuple[str, InlineKeyboardMarkup | None]:
    """The next question, with the answers it offers as buttons."""
    step = reply.ask
    assert step is not None
    text, rows = t(QUESTIONS[step]) if step in QUESTIONS else "", []
    if step is ItemStep.SKU:
        text = t(
            "SKU? Tap to use <code>{sku}</code>, or type another (letters, digits, '-', '.', '_').",
            sku=esc(reply.suggestion),
        )
        rows = [[button(t("✔ Use {sku}", sku=reply.suggestion), ItemWord(step, "ok"))]]
    elif step is ItemStep.CATEGORY:
        text, rows = _categories(t, reply)
    elif step is ItemStep.DESCRIPTION or step is ItemStep.PHOTO:
        rows = [[button(t("Skip"), ItemWord(step, "skip"))]]
    elif step is ItemStep.UNIT:
        rows = [[button(unit, ItemWord(step, unit)) for unit in UNIT_CHOICES]]
    elif step is ItemStep.PRICE:
        text = t("Price per {unit}, like 2.49?", unit=UnitLabel(reply.unit))
    elif step is ItemStep.VAT:
        rows = [[_default(t, step, t("{rate} % VAT", rate=store.default_vat_rate))]]
    elif step is ItemStep.THRESHOLD:
        threshold = t.quantity(store.default_low_stock_threshold, reply.unit)
        rows = [[_default(t, step, threshold)]]
    return text, InlineKeyboardMarkup(rows) if rows else None


def _default(t: Texts, step: ItemStep, default: str) -> InlineKeyboardButton:
    """The one-tap answer that keeps the store's default, which it shows."""
    return button(t("The store's default ({default})", default=default), ItemWord(step, "default"))


async def _take(
    update: Update,
    context: ShopContext,
    step: ItemStep,
    *,
    text: str | None = None,
    photo: str | None = None,
    category: str | None = None,
) -> None:
    account = await signed_in(update, context)
    store, t = context.shop.store, context.texts(update)
    reply = await context.run(
        item_prompts.answer_add_item,
        user_id_of(update),
        step,
        text=text,
        photo=photo,
        category=category,
        actor=f"staff:{account.username}",
        store=store,
    )
    query = update.callback_query
    if query is not None and isinstance(query.message, Message) and reply.answered:
        # The pressed question keeps its answer and loses its buttons: nothing stale to tap.
        answered = esc(str(t.shown(reply.answered)))
        await show(update, f"{query.message.text_html}\n✅ {answered}")
    if reply.product is not None:
        await say(update, t("✅ Added and on sale:") + "\n" + _summary(t, reply.product, store))
    elif reply.ask is not None:
        await say(update, *_question(t, reply, store))


async def take_item_answer(update: Update, context: ShopContext, prompt: Prompt) -> None:
    """A typed answer during /additem (or the photo at the end)."""
    message = update.effective_message
    if message is None:
        return
    try:
        await _take(
            update, context, ItemStep(prompt.step), text=message.text, photo=_photo(message)
        )
    except DomainError as refused:
        t = context.texts(update)
        await say(update, refused_then(t, refused, t(TRY_AGAIN)))


@polite
async def press_word(update: Update, context: ShopContext) -> str | None:
    pressed = ItemWord.of(update)
    await _take(update, context, pressed.step, text=pressed.word)
    return None


@polite
async def press_category(update: Update, context: ShopContext) -> str | None:
    await _take(update, context, ItemStep.CATEGORY, category=ItemCategory.of(update).key)
    return None


@polite
async def edit_item(update: Update, context: ShopContext) -> str | None:
    """/edititem SKU: the item, and a button for each thing that can change."""
    await signed_in(update, context)
    if not context.args:
        raise InvalidInput(said("Usage: /edititem SKU"))
    product = await context.run(catalogue.find_product, context.args[0], include_archived=True)
    t = context.texts(update)
    rows = [
        [button(t(label), EditItemField(product.sku, field)) for label, field in FIELDS[i : i + 2]]
        for i in range(0, len(FIELDS), 2)
    ]
    await say(
        update,
        _summary(t, product, context.shop.store) + "\n\n" + t("What do you want to change?"),
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
    t = context.texts(update)
    changing = t("Changing {name}.", name=esc(product.name))
    await say(update, f"{changing} {t(TYPE_NEW[field])} " + t("(/cancel to stop)"))
    return None


async def take_edit_answer(update: Update, context: ShopContext, prompt: Prompt) -> None:
    message = update.effective_message
    if message is None:
        return
    await signed_in(update, context)
    store, t = context.shop.store, context.texts(update)
    try:
        product = await context.run(
            item_prompts.answer_edit_item, prompt, message.text, _photo(message), store=store
        )
    except DomainError as refused:
        await say(update, refused_then(t, refused, t(TRY_AGAIN)))
        return
    await say(update, t("✅ Updated:") + "\n" + _summary(t, product, store))


FEATURE = Feature(
    commands=[
        Command(
            "additem",
            add_item,
            permissions.CATALOGUE,
            said("Add an item"),
            said("/additem – a few questions"),
        ),
        Command(
            "edititem",
            edit_item,
            permissions.CATALOGUE,
            said("Edit an item: /edititem SKU"),
            said("/edititem SKU – change its name, price, photo…: /edititem RICE-1KG"),
        ),
    ],
    presses=[
        Press(EditItemField, choose_field, permissions.CATALOGUE),
        Press(ItemWord, press_word, permissions.CATALOGUE),
        Press(ItemCategory, press_category, permissions.CATALOGUE),
    ],
    answers={PromptKind.ADD_ITEM: take_item_answer, PromptKind.EDIT_ITEM: take_edit_answer},
)
