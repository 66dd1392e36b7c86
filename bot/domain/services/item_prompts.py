"""Adding and editing items by chat, one typed answer at a time.

Each answer is checked when it is typed, so a mistake is corrected on the spot; the item is
created only at the end, in one use case. The answers so far live in the prompt row.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from bot.domain.catalogue import (
    Product,
    Unit,
    clean_category,
    clean_name,
    normalise_sku,
    suggest_sku,
)
from bot.domain.clock import Clock, utc_now
from bot.domain.errors import DuplicateSku, InvalidInput
from bot.domain.ports import UnitOfWork
from bot.domain.prompts import EditItemDraft, NewItemDraft, Prompt, PromptKind
from bot.domain.quantity import parse_quantity
from bot.domain.services import catalogue, prompts
from bot.domain.services.stock import check_level
from bot.domain.store import Store

SKIP_WORDS = {"skip", "-", "no", "none", "default"}


class ItemStep(StrEnum):
    NAME = "name"
    SKU = "sku"
    CATEGORY = "category"
    UNIT = "unit"
    PRICE = "price"
    STOCK = "stock"
    THRESHOLD = "threshold"
    PHOTO = "photo"


ORDER = list(ItemStep)
EDITABLE = frozenset({"name", "category", "unit", "price", "threshold", "photo", "description"})


@dataclass(frozen=True, slots=True)
class ItemReply:
    ask: ItemStep | None = None
    suggestion: str = ""
    product: Product | None = None


def begin_add_item(telegram_user_id: int, *, uow: UnitOfWork, clock: Clock = utc_now) -> ItemStep:
    prompts.ask(telegram_user_id, PromptKind.ADD_ITEM, ItemStep.NAME, uow=uow, clock=clock)
    return ItemStep.NAME


def _unit_and_step(text: str) -> tuple[Unit, Decimal]:
    """'kg 0.25', 'pc', 'l 0.5': the unit, then the smallest quantity sold (1 by default)."""
    parts = text.split()
    if not parts or len(parts) > 2:
        raise InvalidInput("Write the unit and, if not 1, the step: like “pc” or “kg 0.25”")
    unit = Unit.parse(parts[0])
    step = parse_quantity(parts[1]) if len(parts) == 2 else Decimal(1)
    if step <= 0:
        raise InvalidInput("The step must be more than 0")
    return unit, step


def _threshold(text: str) -> Decimal | None:
    """A low-stock threshold; skip or default means the store's."""
    if text.strip().lower() in SKIP_WORDS:
        return None
    threshold = parse_quantity(text)
    if threshold < 0:
        raise InvalidInput("A low-stock threshold cannot be negative")
    return threshold


def _sample(draft: NewItemDraft) -> Product:
    """A throw-away product with the draft's unit, to check quantities against it."""
    assert draft.unit is not None and draft.step is not None
    return Product(sku="X", name="x", category="x", unit=draft.unit, step=draft.step, price_minor=0)


def _take(step: ItemStep, text: str, draft: NewItemDraft, *, store: Store, uow: UnitOfWork) -> None:
    """Check one answer and keep it in the draft, typed."""
    if step is ItemStep.NAME:
        draft.name = clean_name(text)
        draft.suggested_sku = suggest_sku(draft.name)
    elif step is ItemStep.SKU:
        sku = normalise_sku(
            draft.suggested_sku if text.strip().lower() in ("ok", "yes", "") else text
        )
        with uow:
            if uow.products.get_by_sku(sku) is not None:
                raise DuplicateSku(sku)
        draft.sku = sku
    elif step is ItemStep.CATEGORY:
        draft.category = clean_category(text)
    elif step is ItemStep.UNIT:
        draft.unit, draft.step = _unit_and_step(text)
        _sample(draft)  # refuses a step the unit cannot have (half a piece)
    elif step is ItemStep.PRICE:
        draft.price_minor = store.currency.parse(text)
    elif step is ItemStep.THRESHOLD:
        draft.threshold = _threshold(text)
    elif step is ItemStep.STOCK:
        stock = parse_quantity(text)
        check_level(_sample(draft), stock, what="Initial stock")
        draft.stock = stock


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
    )
    return product, draft.stock


def answer_add_item(
    prompt: Prompt,
    text: str | None,
    photo: str | None,
    *,
    actor: str,
    store: Store,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> ItemReply:
    """Take the answer to the current question; create the item after the last one."""
    step, draft = ItemStep(prompt.step), prompt.draft
    assert isinstance(draft, NewItemDraft)
    if step is ItemStep.PHOTO:
        if photo is None and (text or "").strip().lower() not in SKIP_WORDS:
            raise InvalidInput("Send a photo of the item, or type skip")
        draft.photo = photo
        product, stock = _product(draft)
        created = catalogue.add_product(
            product, initial_stock=stock, actor=actor, store=store, uow=uow, clock=clock
        )
        prompts.drop(prompt.telegram_user_id, uow=uow)
        return ItemReply(product=created)
    if text is None:
        raise InvalidInput("Please type the answer, or /cancel")
    _take(step, text, draft, store=store, uow=uow)
    following = ORDER[ORDER.index(step) + 1]
    prompts.ask(
        prompt.telegram_user_id, PromptKind.ADD_ITEM, following, draft, uow=uow, clock=clock
    )
    return ItemReply(ask=following, suggestion=draft.suggested_sku)


def begin_edit_item(
    telegram_user_id: int, sku: str, field: str, *, uow: UnitOfWork, clock: Clock = utc_now
) -> Product:
    if field not in EDITABLE:
        raise InvalidInput(f"Unknown field {field}")
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
            raise InvalidInput("Send the new photo, or type none to remove it")
        changes = {"photo_file_id": photo}
    elif text is None:
        raise InvalidInput("Please type the new value, or /cancel")
    elif field == "description":
        changes = {"description": "" if text.strip().lower() in SKIP_WORDS else text}
    elif field == "unit":
        unit, quantum = _unit_and_step(text)
        changes = {"unit": unit, "step": quantum}
    elif field == "price":
        changes = {"price_minor": store.currency.parse(text)}
    elif field == "threshold":
        changes = {"low_stock_threshold": _threshold(text)}
    else:
        changes = {field: text}
    product = catalogue.update_product(sku, changes, uow=uow)
    prompts.drop(prompt.telegram_user_id, uow=uow)
    return product
