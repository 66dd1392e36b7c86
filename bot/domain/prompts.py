"""A question the bot asked one person and waits for them to answer by typing.

Login, sign-up, a cancellation reason, a new item: multi-step talks kept in the database,
so a restart or a second bot process picks them up. Passwords are never kept here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from bot.domain.catalogue import Unit
from bot.domain.orders import OrderStatus

PROMPT_LIFETIME = timedelta(minutes=15)


class PromptKind(StrEnum):
    LOGIN = "login"
    SIGNUP = "signup"
    CANCEL_REASON = "cancel_reason"
    ADD_ITEM = "add_item"
    EDIT_ITEM = "edit_item"
    ASK_SHOP = "ask_shop"  # a customer's question to the shop
    ANSWER = "answer"  # staff answering one
    RESET = "reset"  # a member setting a new password with a manager's reset code
    PICK_WEIGHT = "pick_weight"  # a weighed line's picked weight (bot.handlers.picking)
    PICK_REPLACEMENT = "pick_replacement"  # the item to put instead of a line's
    DELIVERY_CODE = "delivery_code"  # a courier typing the code the customer gives them
    RATING_COMMENT = "rating_comment"  # a customer's words on an order they rated
    ANNOUNCE = "announce"  # a manager writing an announcement (bot.handlers.announcements)


@dataclass
class LoginDraft:
    username: str = ""


@dataclass
class SignupDraft:
    code: str = ""
    username: str = ""
    display_name: str = ""
    password_hash: str = ""  # the first entry's hash, until it is typed again


@dataclass
class ResetDraft:
    code: str = ""
    username: str = ""
    password_hash: str = ""  # the first entry's hash, until it is typed again


@dataclass
class CancelDraft:
    order_code: str = ""
    seen: OrderStatus = OrderStatus.PLACED  # the status the staff member pressed Cancel on


@dataclass
class NewItemDraft:
    """The answers to /additem so far, each already checked."""

    name: str = ""
    suggested_sku: str = ""
    sku: str = ""
    category: str = ""
    new_category: str = ""  # typed, near existing ones, waiting to be confirmed
    description: str = ""
    unit: Unit | None = None
    step: Decimal | None = None
    price_minor: int | None = None
    stock: Decimal | None = None
    threshold: Decimal | None = None  # None: the store's default
    photo: str | None = None
    vat_rate: Decimal | None = None  # None: the store's default


@dataclass
class EditItemDraft:
    sku: str = ""


@dataclass
class AskDraft:
    """Nothing to keep: the typed text is the question."""


@dataclass
class AnswerDraft:
    question_id: int = 0


@dataclass
class PickDraft:
    """The line being weighed or replaced, and its quantity and item when the button was
    pressed (`seen_item` 0: asked before the item was kept with it)."""

    order_code: str = ""
    line_id: int = 0
    seen: Decimal = Decimal(0)
    seen_item: int = 0


@dataclass
class DeliveryCodeDraft:
    """The delivery whose code the courier is asked for."""

    order_code: str = ""


@dataclass
class RatingDraft:
    """The order whose rating the typed comment is for."""

    order_code: str = ""


@dataclass
class AnnounceDraft:
    """An announcement being written: its text, then its photo (a Telegram file id)."""

    text: str = ""
    photo: str | None = None


Draft = (
    LoginDraft
    | SignupDraft
    | CancelDraft
    | NewItemDraft
    | EditItemDraft
    | AskDraft
    | AnswerDraft
    | PickDraft
    | ResetDraft
    | DeliveryCodeDraft
    | RatingDraft
    | AnnounceDraft
)
DRAFTS: dict[PromptKind, type[Draft]] = {
    PromptKind.LOGIN: LoginDraft,
    PromptKind.SIGNUP: SignupDraft,
    PromptKind.CANCEL_REASON: CancelDraft,
    PromptKind.ADD_ITEM: NewItemDraft,
    PromptKind.EDIT_ITEM: EditItemDraft,
    PromptKind.ASK_SHOP: AskDraft,
    PromptKind.ANSWER: AnswerDraft,
    PromptKind.RESET: ResetDraft,
    PromptKind.PICK_WEIGHT: PickDraft,
    PromptKind.PICK_REPLACEMENT: PickDraft,
    PromptKind.DELIVERY_CODE: DeliveryCodeDraft,
    PromptKind.RATING_COMMENT: RatingDraft,
    PromptKind.ANNOUNCE: AnnounceDraft,
}


@dataclass(slots=True)
class Prompt:
    telegram_user_id: int
    kind: PromptKind
    step: str
    updated_at: datetime
    draft: Draft

    def is_stale(self, now: datetime) -> bool:
        return now - self.updated_at > PROMPT_LIFETIME


@dataclass(slots=True)
class LoginThrottle:
    """Wrong passwords typed in a row from one Telegram account, whatever username they tried:
    it covers every pair (account, Telegram user) of that person."""

    telegram_user_id: int
    failed_attempts: int = 0
    locked_until: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until
