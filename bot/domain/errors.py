"""Domain errors. Handlers turn each into a polite reply in the reader's language: an error
carries its sentence as `Words` (a marked English template and its values)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from bot.domain.text import Words, said


class DomainError(Exception):
    """A rule of the store said no; the words are meant for the person who asked."""

    def __init__(self, message: str = said("That cannot be done."), /, **params: object) -> None:
        self.words = Words(message, params)
        super().__init__(str(self.words))


class InvalidInput(DomainError):
    """What was typed or sent cannot be used."""


class NotFound(DomainError):
    """The thing named does not exist (or is not visible to the asker)."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An item whose words are close to what was typed for a SKU that does not exist."""

    sku: str
    name: str
    stock: Decimal


class UnknownProduct(NotFound):
    def __init__(self, ref: str, suggestions: Sequence[Suggestion] = ()) -> None:
        closest = ", ".join(f"{s.sku} ({s.name})" for s in suggestions)
        if closest:
            super().__init__(
                said("There is no item {ref}. Did you mean {closest}?"), ref=ref, closest=closest
            )
        else:
            super().__init__(said("There is no item {ref}."), ref=ref)
        self.ref = ref
        self.suggestions = list(suggestions)


class AmbiguousItem(UnknownProduct):
    """A name typed for an item that fits several: the SKUs to choose from."""

    def __init__(self, ref: str, suggestions: Sequence[Suggestion]) -> None:
        NotFound.__init__(
            self,
            said("“{ref}” fits several items: {choices}. Send the command again with the SKU."),
            ref=ref,
            choices=", ".join(f"{s.sku} ({s.name})" for s in suggestions),
        )
        self.ref = ref
        self.suggestions = list(suggestions)


class StockChangedMeanwhile(DomainError):
    """A move that was meant for the level someone saw, and the level had moved on."""

    def __init__(self, name: str, level: object) -> None:
        super().__init__(
            said(
                "{name} changed a moment ago (now {level} on hand), so nothing was added. "
                "Send /restock again if more came in."
            ),
            name=name,
            level=level,
        )


class UnknownShelfLink(NotFound):
    def __init__(self) -> None:
        super().__init__(
            said("That link does not lead to any item. Browse the catalogue: /catalogue")
        )


class UnknownOrder(NotFound):
    def __init__(self, ref: str) -> None:
        super().__init__(said("There is no order {ref}."), ref=ref)
        self.ref = ref


class DuplicateSku(DomainError):
    def __init__(self, sku: str) -> None:
        super().__init__(said("An item with SKU {sku} already exists."), sku=sku)
        self.sku = sku


class ProductArchived(DomainError):
    def __init__(self, name: str) -> None:
        super().__init__(said("{name} is no longer sold."), name=name)
        self.name = name


class OutOfStock(DomainError):
    """Not enough on hand; `available` is what there is now."""

    def __init__(self, name: str, requested: Decimal, available: Decimal) -> None:
        if available > 0:
            super().__init__(
                said("Only {available} of {name} left."), available=available, name=name
            )
        else:  # every path to this outcome says it the same way, never "Only 0 left"
            super().__init__(said("{name} is sold out."), name=name)
        self.name = name
        self.requested = requested
        self.available = available


class StockWouldGoNegative(DomainError):
    def __init__(self, name: str, on_hand: Decimal) -> None:
        super().__init__(
            said("{name} has only {on_hand} on hand; stock cannot go below 0."),
            name=name,
            on_hand=on_hand,
        )


class NotInCart(DomainError):
    def __init__(self) -> None:
        super().__init__(said("That item is no longer in your cart."))


class EmptyCart(DomainError):
    def __init__(self) -> None:
        super().__init__(said("Your cart is empty."))


class CartChanged(DomainError):
    """Placing an order found the cart out of date; nothing was ordered."""

    def __init__(self, problems: Sequence[Words]) -> None:
        super().__init__(
            said("Some items changed since you added them:\n{problems}"), problems=tuple(problems)
        )
        self.problems = list(problems)


class InvalidTransition(DomainError):
    def __init__(self, code: str, current: object, wanted: object) -> None:
        super().__init__(
            said("Order {code} is {current}; it cannot become {wanted}."),
            code=code,
            current=current,
            wanted=wanted,
        )
        self.current = current
        self.wanted = wanted


class TooLateToCancel(DomainError):
    """A customer's cancellation after the store has started on the order."""

    WHERE: ClassVar[dict[str, str]] = {
        "accepted": said(
            "Order {code} is being prepared, so it can no longer be cancelled here; "
            "please contact the store (/info)."
        ),
        "ready": said(
            "Order {code} is ready for pickup, so it can no longer be cancelled here; "
            "please contact the store (/info)."
        ),
        "out_for_delivery": said(
            "Order {code} is on its way, so it can no longer be cancelled here; "
            "please contact the store (/info)."
        ),
        "completed": said(
            "Order {code} was completed, so it can no longer be cancelled here; "
            "please contact the store (/info)."
        ),
        "cancelled": said("Order {code} is already cancelled."),
    }

    def __init__(self, code: str, status: str) -> None:
        super().__init__(self.WHERE.get(status, self.WHERE["accepted"]), code=code)
        self.status = status


class OrderAlreadyMoved(DomainError):
    def __init__(self, code: str, now: object = None, by: object = "") -> None:
        if now and by:
            message = said(
                "Order {code} was changed by someone else a moment ago: it is {now} now ({by})."
            )
        elif now:
            message = said(
                "Order {code} was changed by someone else a moment ago: it is {now} now."
            )
        else:
            message = said("Order {code} was changed by someone else a moment ago.")
        super().__init__(message, code=code, now=now, by=by)


class NotAuthorised(DomainError):
    def __init__(
        self, message: str = said("You are not allowed to do that."), /, **params: object
    ) -> None:
        super().__init__(message, **params)


class AuthenticationFailed(DomainError):
    def __init__(self) -> None:
        super().__init__(said("Wrong username or password."))


class AccountLocked(DomainError):
    def __init__(self, minutes: int) -> None:
        super().__init__(
            said("Too many wrong passwords. Try again in {minutes} minutes."), minutes=minutes
        )
        self.minutes = minutes


class UsernameTaken(DomainError):
    def __init__(self, username: str) -> None:
        super().__init__(said("The username {username} is taken."), username=username)


class InvalidInvite(DomainError):
    def __init__(self) -> None:
        super().__init__(said("That invite code is not valid (wrong, used or expired)."))


class UpdateTakenOver(Exception):
    """Another worker took this update over (this one had gone quiet): its work was not
    committed here and nothing is said; the other worker answers."""


class ConcurrentUpdate(Exception):
    """The database gave up on a transaction (deadlock, lock wait, a connection lost before
    the commit); running it again is safe."""


class ConnectionLost(ConcurrentUpdate):
    """The connection broke before the commit: the transaction died with it, so running the
    use case again is safe; if it keeps breaking, the person is told (StoreUnavailable)."""


CANNOT_SAVE_NOW = said(
    "We can't take that right now: the shop's system cannot save anything at the moment. "
    "Please try again in a minute."
)


class StoreUnavailable(DomainError):
    """The database cannot take what this needs right now (disk full, read-only, unreachable):
    the person is told in a sentence, never left without an answer; nothing was saved, and the
    bot recovers by itself when the database is back. `lasting`: not a blip worth retrying at
    once (a full disk, a read-only server)."""

    def __init__(self, *, lasting: bool = False) -> None:
        super().__init__(CANNOT_SAVE_NOW)
        self.lasting = lasting


class OutcomeUnknown(DomainError):
    """The connection to the database was lost while it committed, and whether the work was
    saved cannot be told: running it again could apply it twice, so the person is asked to
    look first."""

    def __init__(self) -> None:
        super().__init__(
            said(
                "We lost contact with our database just as it was saving that, so we cannot "
                "tell whether it went through. Please check (your cart or /orders) before "
                "trying again."
            )
        )


class TooManyOpenOrders(DomainError):
    def __init__(self, waiting: int) -> None:
        super().__init__(
            said(
                "You already have {waiting} orders waiting for the store to accept them. "
                "Please wait for those (see /myorders) before placing another."
            ),
            waiting=waiting,
        )
        self.waiting = waiting


class TooMuchForOneOrder(DomainError):
    """More of one item than one order may hold (bot.domain.cart.most_per_order): said the
    same way wherever a quantity is set, and the line is set to the most instead."""

    def __init__(self, name: str, most: object) -> None:
        super().__init__(
            said("You can take at most {most} of {name} per order."), most=most, name=name
        )
        self.name = name
        self.most = most
