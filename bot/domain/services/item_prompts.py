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
from bot.domain.prompts import Prompt, PromptKind
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


def _check(
    step: ItemStep, text: str, data: dict[str, str], *, store: Store, uow: UnitOfWork
) -> str:
    """Validate one answer; returns the value to keep (as text)."""
    if step is ItemStep.NAME:
        return clean_name(text)
    if step is ItemStep.SKU:
        sku = data["suggested_sku"] if text.strip().lower() in ("ok", "yes", "") else text
        sku = normalise_sku(sku)
        with uow:
            if uow.products.get_by_sku(sku) is not None:
                raise DuplicateSku(sku)
        return sku
    if step is ItemStep.CATEGORY:
        return clean_category(text)
    if step is ItemStep.UNIT:
        unit, quantum = _unit_and_step(text)
        Product(sku="X", name="x", category="x", unit=unit, step=quantum, price_minor=0)
        return f"{unit.value} {quantum.normalize():f}"
    if step is ItemStep.PRICE:
        return str(store.currency.parse(text))
    if step is ItemStep.THRESHOLD:
        if text.strip().lower() in SKIP_WORDS:
            return ""
        threshold = parse_quantity(text)
        if threshold < 0:
            raise InvalidInput("A low-stock threshold cannot be negative")
        return f"{threshold.normalize():f}"
    if step is ItemStep.STOCK:
        unit, quantum = _unit_and_step(data["unit"])
        stock = parse_quantity(text)
        check_level(
            Product(sku="X", name="x", category="x", unit=unit, step=quantum, price_minor=0),
            stock,
            what="Initial stock",
        )
        return f"{stock.normalize():f}"
    return ""


def _product(data: dict[str, str]) -> tuple[Product, Decimal]:
    unit, quantum = _unit_and_step(data["unit"])
    threshold = Decimal(data["threshold"]) if data.get("threshold") else None
    product = Product(
        sku=data["sku"],
        name=data["name"],
        category=data["category"],
        unit=unit,
        step=quantum,
        price_minor=int(data["price"]),
        low_stock_threshold=threshold,
        photo_file_id=data.get("photo") or None,
    )
    return product, Decimal(data["stock"])


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
    step = ItemStep(prompt.step)
    data = dict(prompt.data)
    if step is ItemStep.PHOTO:
        if photo is None and (text or "").strip().lower() not in SKIP_WORDS:
            raise InvalidInput("Send a photo of the item, or type skip")
        data["photo"] = photo or ""
        product, stock = _product(data)
        created = catalogue.add_product(
            product, initial_stock=stock, actor=actor, store=store, uow=uow, clock=clock
        )
        prompts.drop(prompt.telegram_user_id, uow=uow)
        return ItemReply(product=created)
    if text is None:
        raise InvalidInput("Please type the answer, or /cancel")
    data[step.value] = _check(step, text, data, store=store, uow=uow)
    following = ORDER[ORDER.index(step) + 1]
    if step is ItemStep.NAME:
        data["suggested_sku"] = suggest_sku(data["name"])
    prompts.ask(prompt.telegram_user_id, PromptKind.ADD_ITEM, following, data, uow=uow, clock=clock)
    return ItemReply(ask=following, suggestion=data.get("suggested_sku", ""))


def begin_edit_item(
    telegram_user_id: int, sku: str, field: str, *, uow: UnitOfWork, clock: Clock = utc_now
) -> Product:
    if field not in EDITABLE:
        raise InvalidInput(f"Unknown field {field}")
    product = catalogue.find_product(sku, uow=uow, include_archived=True)
    prompts.ask(
        telegram_user_id, PromptKind.EDIT_ITEM, field, {"sku": product.sku}, uow=uow, clock=clock
    )
    return product


def answer_edit_item(
    prompt: Prompt, text: str | None, photo: str | None, *, store: Store, uow: UnitOfWork
) -> Product:
    """Apply the typed (or sent) new value to the field chosen with /edititem."""
    field, sku = prompt.step, prompt.data["sku"]
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
        value = _check(ItemStep.THRESHOLD, text, {}, store=store, uow=uow)
        changes = {"low_stock_threshold": Decimal(value) if value else None}
    else:
        changes = {field: text}
    product = catalogue.update_product(sku, changes, uow=uow)
    prompts.drop(prompt.telegram_user_id, uow=uow)
    return product
