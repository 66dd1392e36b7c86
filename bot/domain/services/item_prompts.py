"""Adding and editing items by chat, one typed answer at a time.

Each answer is checked when it is typed, so a mistake is corrected on the spot; the item is
created only at the end, in one use case. The answers so far live in the prompt row.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

from bot.domain.catalogue import (
    Product,
    Unit,
    category_key,
    clean_category,
    clean_description,
    clean_name,
    near_categories,
    normalise_sku,
    same_category,
    suggest_sku,
)
from bot.domain.clock import Clock, utc_now
from bot.domain.errors import DomainError, DuplicateSku, InvalidInput
from bot.domain.money import Money
from bot.domain.ports import UnitOfWork
from bot.domain.prompts import EditItemDraft, NewItemDraft, Prompt, PromptKind
from bot.domain.quantity import parse_quantity
from bot.domain.services import catalogue, prompts
from bot.domain.services.retry import retry_on_conflict
from bot.domain.services.stock import check_level
from bot.domain.store import Store
from bot.domain.text import Amount, UnitLabel, Words, said
from bot.domain.vat import parse_vat_rate
from bot.domain.vocabulary import RESET_WORDS, Reset

SKIP_WORDS = {"skip", "-", "no", "none", "default"}


class ItemStep(StrEnum):
    NAME = "name"
    SKU = "sku"
    CATEGORY = "category"
    DESCRIPTION = "description"
    UNIT = "unit"
    PRICE = "price"
    VAT = "vat"  # asked only in a store that charges VAT (a default rate above 0)
    STOCK = "stock"
    THRESHOLD = "threshold"
    PHOTO = "photo"


ORDER = list(ItemStep)
EDITABLE = frozenset({"name", "category", "unit", "price", "threshold", "photo", "description"})


# An answer as it was understood, for the handler to show in the asker's language.
Answered = str | Words | Money | Amount | Decimal


@dataclass(frozen=True, slots=True)
class ItemReply:
    """What to ask next (with what the question offers), or the item once it is on sale."""

    ask: ItemStep | None = None
    answered: Answered = ""  # the answer taken, as understood ("Dairy & Eggs", "kg 0.25")
    suggestion: str = ""  # the SKU offered
    categories: tuple[str, ...] = ()  # the store's categories, or the ones near a typed name
    new_category: str = ""  # typed, not a category yet, and near others: confirm it
    unit: str = ""  # the unit chosen, for the price question
    product: Product | None = None


class QuestionPassed(DomainError):
    def __init__(self) -> None:
        super().__init__(said("That question was already answered (or /additem was stopped)."))


def begin_add_item(telegram_user_id: int, *, uow: UnitOfWork, clock: Clock = utc_now) -> ItemStep:
    prompts.ask(telegram_user_id, PromptKind.ADD_ITEM, ItemStep.NAME, uow=uow, clock=clock)
    return ItemStep.NAME


def _unit_and_step(text: str) -> tuple[Unit, Decimal]:
    """'kg 0.25', 'pc', 'l 0.5': the unit, then the smallest quantity sold (1 by default)."""
    parts = text.split()
    if not parts or len(parts) > 2:
        raise InvalidInput(said("Write the unit and, if not 1, the step: like “pc” or “kg 0.25”"))
    unit = Unit.parse(parts[0])
    step = parse_quantity(parts[1]) if len(parts) == 2 else Decimal(1)
    if step <= 0:
        raise InvalidInput(said("The step must be more than 0"))
    return unit, step


def _threshold(text: str) -> Decimal | None:
    """A low-stock threshold; skip or default means the store's."""
    if text.strip().lower() in SKIP_WORDS:
        return None
    threshold = parse_quantity(text)
    if threshold < 0:
        raise InvalidInput(said("A low-stock threshold cannot be negative"))
    return threshold


def _sample(draft: NewItemDraft) -> Product:
    """A throw-away product with the draft's unit, to check quantities against it."""
    assert draft.unit is not None and draft.step is not None
    return Product(sku="X", name="x", category="x", unit=draft.unit, step=draft.step, price_minor=0)


def _category(typed: str, draft: NewItemDraft, existing: list[str]) -> ItemReply | None:
    """Take a typed category: an existing one whatever its case; a new one at once unless it
    is near existing ones ("Dairy" beside "Dairy & Eggs"), then only when confirmed (typed
    again, or its button). A reply means: ask again, offering those."""
    name = clean_category(typed)
    chosen = same_category(name, existing)
    if chosen is None and name.casefold() != draft.new_category.casefold():
        near = near_categories(name, existing)
        if near:
            draft.new_category = name
            return ItemReply(ask=ItemStep.CATEGORY, categories=tuple(near), new_category=name)
    draft.category = chosen or name
    return None


def _chosen_category(key: str, draft: NewItemDraft, existing: list[str]) -> None:
    found = next((c for c in [*existing, draft.new_category] if c and category_key(c) == key), None)
    if found is None:
        raise InvalidInput(said("That category has no items on sale any more; type its name"))
    draft.category = found


def _take(
    step: ItemStep, text: str, draft: NewItemDraft, *, store: Store, uow: UnitOfWork
) -> Answered:
    """Check one answer and keep it in the draft, typed; the answer as understood."""
    if step is ItemStep.NAME:
        draft.name = clean_name(text)
        draft.suggested_sku = suggest_sku(draft.name)
        return draft.name
    if step is ItemStep.SKU:
        sku = normalise_sku(
            draft.suggested_sku if text.strip().lower() in ("ok", "yes", "") else text
        )
        if uow.products.get_by_sku(sku) is not None:
            raise DuplicateSku(sku)
        draft.sku = sku
        return sku
    if step is ItemStep.DESCRIPTION:
        skipped = text.strip().lower() in SKIP_WORDS
        draft.description = "" if skipped else clean_description(text)
        return draft.description or Words(said("No description"))
    if step is ItemStep.UNIT:
        draft.unit, draft.step = _unit_and_step(text)
        _sample(draft)  # refuses a step the unit cannot have (half a piece)
        return (
            Amount(draft.step, draft.unit.value) if draft.step != 1 else UnitLabel(draft.unit.value)
        )
    if step is ItemStep.PRICE:
        draft.price_minor = store.currency.parse(text)
        return Money(draft.price_minor, store.currency)
    if step is ItemStep.VAT:
        # "default" in any shipped language (as /setvat takes it), never "no" or "none": a
        # manager who types those may mean no VAT, which is a rate (0).
        if RESET_WORDS.meaning_of(text) is Reset.DEFAULT:
            draft.vat_rate = None
            return Words(said("The store's default"))
        draft.vat_rate = parse_vat_rate(text)
        return Words(said("{rate} % VAT"), {"rate": draft.vat_rate})
    if step is ItemStep.THRESHOLD:
        draft.threshold = _threshold(text)
        return Words(said("The store's default")) if draft.threshold is None else draft.threshold
    if step is ItemStep.STOCK:
        stock = parse_quantity(text)
        check_level(_sample(draft), stock, negative=said("Initial stock cannot be negative"))
        draft.stock = stock
        return stock
    raise InvalidInput(said("Please answer the question asked, or /cancel"))


def _product(draft: NewItemDraft) -> tuple[Product, Decimal]:
    sample = _sample(draft)
    assert draft.price_minor is not None and draft.stock is not None
    product = Product(
        sku=draft.sku,
        name=draft.name,
        category=draft.category,
        unit=sample.unit,
        step=sample.step,
        price_minor=draft.price_minor,
        low_stock_threshold=draft.threshold,
        photo_file_id=draft.photo,
        description=draft.description,
        vat_rate=draft.vat_rate,
    )
    return product, draft.stock


@retry_on_conflict
def answer_add_item(
    telegram_user_id: int,
    step: ItemStep,
    *,
    text: str | None = None,
    photo: str | None = None,
    category: str | None = None,
    actor: str,
    store: Store,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> ItemReply:
    """Take the answer to `step` (typed, a photo, or a button: `category` is a category's key)
    and ask the next question; after the last, the item goes on sale. One transaction: the
    question is locked while it is answered, so a double tap answers it once."""
    now = clock()
    with uow:
        prompt = uow.prompts.get(telegram_user_id, for_update=True)
        if (
            prompt is None
            or prompt.kind is not PromptKind.ADD_ITEM
            or prompt.step != step
            or prompt.is_stale(now)
        ):
            raise QuestionPassed()
        draft = prompt.draft
        assert isinstance(draft, NewItemDraft)
        reply = _answer(step, draft, text, photo, category, store=store, uow=uow)
        if reply.ask is None:
            draft.photo = photo
            product, stock = _product(draft)
            created = catalogue.add_product_in(
                uow, product, initial_stock=stock, actor=actor, store=store, at=now
            )
            uow.prompts.delete(telegram_user_id)
            reply = replace(reply, product=created)
        else:
            uow.prompts.save(Prompt(telegram_user_id, PromptKind.ADD_ITEM, reply.ask, now, draft))
        uow.commit()
        return reply


def _answer(
    step: ItemStep,
    draft: NewItemDraft,
    text: str | None,
    photo: str | None,
    category: str | None,
    *,
    store: Store,
    uow: UnitOfWork,
) -> ItemReply:
    """The answer checked and kept; the question that follows (none after the photo)."""
    if step is ItemStep.PHOTO:
        if photo is None and (text or "").strip().lower() not in SKIP_WORDS:
            raise InvalidInput(said("Send a photo of the item, or type skip"))
        return ItemReply(answered=Words(said("Photo") if photo else said("No photo")))
    if step is ItemStep.CATEGORY and category is not None:
        _chosen_category(category, draft, uow.products.categories())
    elif text is None:
        raise InvalidInput(said("Please type the answer, or /cancel"))
    elif step is ItemStep.CATEGORY:
        if again := _category(text, draft, uow.products.categories()):
            return again
    else:
        answered = _take(step, text, draft, store=store, uow=uow)
    if step is ItemStep.CATEGORY:
        answered = draft.category
    following = ORDER[ORDER.index(step) + 1]
    if following is ItemStep.VAT and not store.default_vat_rate:
        following = ORDER[ORDER.index(following) + 1]  # no VAT charged: nothing to ask
    return ItemReply(
        ask=following,
        answered=answered,
        suggestion=draft.suggested_sku,
        categories=tuple(uow.products.categories()) if following is ItemStep.CATEGORY else (),
        unit=draft.unit.value if draft.unit else "",
    )


def begin_edit_item(
    telegram_user_id: int, sku: str, field: str, *, uow: UnitOfWork, clock: Clock = utc_now
) -> Product:
    if field not in EDITABLE:
        raise InvalidInput(said("Unknown field {field}"), field=field)
    product = catalogue.find_product(sku, uow=uow, include_archived=True)
    draft = EditItemDraft(sku=product.sku)
    prompts.ask(telegram_user_id, PromptKind.EDIT_ITEM, field, draft, uow=uow, clock=clock)
    return product


def answer_edit_item(
    prompt: Prompt, text: str | None, photo: str | None, *, store: Store, uow: UnitOfWork
) -> Product:
    """Apply the typed (or sent) new value to the field chosen with /edititem."""
    assert isinstance(prompt.draft, EditItemDraft)
    field, sku = prompt.step, prompt.draft.sku
    changes: dict[str, Any]
    if field == "photo":
        if photo is None and (text or "").strip().lower() not in SKIP_WORDS:
            raise InvalidInput(said("Send the new photo, or type none to remove it"))
        changes = {"photo_file_id": photo, "photo_address": None}
    elif text is None:
        raise InvalidInput(said("Please type the new value, or /cancel"))
    elif field == "description":
        changes = {"description": "" if text.strip().lower() in SKIP_WORDS else text}
    elif field == "unit":
        unit, quantum = _unit_and_step(text)
        changes = {"unit": unit, "step": quantum}
    elif field == "price":
        changes = {"price_minor": store.currency.parse(text)}
    elif field == "threshold":
        changes = {"low_stock_threshold": _threshold(text)}
    elif field == "category":
        with uow:  # "dairy & eggs" is the existing "Dairy & Eggs", not a second category
            existing = uow.products.categories()
        changes = {"category": same_category(clean_category(text), existing) or text}
    else:
        changes = {field: text}
    product = catalogue.update_product(sku, changes, uow=uow)
    prompts.drop(prompt.telegram_user_id, uow=uow)
    return product
