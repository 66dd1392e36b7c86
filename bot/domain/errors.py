"""Domain errors. Handlers turn each into a polite reply; the message is safe to show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar


class DomainError(Exception):
    """A rule of the store said no; the message is meant for the person who asked."""


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
        hint = f" Did you mean {closest}?" if closest else ""
        super().__init__(f"There is no item {ref}.{hint}")
        self.ref = ref
        self.suggestions = list(suggestions)


class StockChangedMeanwhile(DomainError):
    """A move that was meant for the level someone saw, and the level had moved on."""

    def __init__(self, name: str, level: str) -> None:
        super().__init__(
            f"{name} changed a moment ago (now {level} on hand), so nothing was added. "
            "Send /restock again if more came in."
        )


class UnknownShelfLink(NotFound):
    def __init__(self) -> None:
        super().__init__("That link does not lead to any item. Browse the catalogue: /catalogue")


class UnknownOrder(NotFound):
    def __init__(self, ref: str) -> None:
        super().__init__(f"There is no order {ref}.")
        self.ref = ref


class DuplicateSku(DomainError):
    def __init__(self, sku: str) -> None:
        super().__init__(f"An item with SKU {sku} already exists.")
        self.sku = sku


class ProductArchived(DomainError):
    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is no longer sold.")
        self.name = name


class OutOfStock(DomainError):
    """Not enough on hand; `available` is what there is now."""

    def __init__(self, name: str, requested: Decimal, available: Decimal) -> None:
        super().__init__(f"Only {available.normalize():f} of {name} left.")
        self.name = name
        self.requested = requested
        self.available = available


class StockWouldGoNegative(DomainError):
    def __init__(self, name: str, on_hand: Decimal) -> None:
        super().__init__(
            f"{name} has only {on_hand.normalize():f} on hand; stock cannot go below 0."
        )


class NotInCart(DomainError):
    def __init__(self) -> None:
        super().__init__("That item is no longer in your cart.")


class EmptyCart(DomainError):
    def __init__(self) -> None:
        super().__init__("Your cart is empty.")


class CartChanged(DomainError):
    """Placing an order found the cart out of date; nothing was ordered."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("Some items changed since you added them:\n" + "\n".join(problems))
        self.problems = list(problems)


class InvalidTransition(DomainError):
    def __init__(self, code: str, current: str, wanted: str) -> None:
        super().__init__(f"Order {code} is {current.replace('_', ' ')}; it cannot become {wanted}.")
        self.current = current
        self.wanted = wanted


class TooLateToCancel(DomainError):
    """A customer's cancellation after the store has started on the order."""

    WHERE: ClassVar[dict[str, str]] = {
        "accepted": "is being prepared",
        "ready": "is ready for pickup",
        "out_for_delivery": "is on its way",
        "completed": "was completed",
    }

    def __init__(self, code: str, status: str) -> None:
        if status == "cancelled":
            text = f"Order {code} is already cancelled."
        else:
            where = self.WHERE.get(status, f"is {status.replace('_', ' ')}")
            text = (
                f"Order {code} {where}, so it can no longer be cancelled here; "
                "please contact the store (/info)."
            )
        super().__init__(text)
        self.status = status


class OrderAlreadyMoved(DomainError):
    def __init__(self, code: str, now: str = "", by: str = "") -> None:
        where = f": it is {now.replace('_', ' ')} now" if now else ""
        who = f" ({by})" if by else ""
        super().__init__(f"Order {code} was changed by someone else a moment ago{where}{who}.")


class NotAuthorised(DomainError):
    def __init__(self, message: str = "You are not allowed to do that.") -> None:
        super().__init__(message)


class AuthenticationFailed(DomainError):
    def __init__(self) -> None:
        super().__init__("Wrong username or password.")


class AccountLocked(DomainError):
    def __init__(self, minutes: int) -> None:
        super().__init__(f"Too many wrong passwords. Try again in {minutes} minutes.")
        self.minutes = minutes


class UsernameTaken(DomainError):
    def __init__(self, username: str) -> None:
        super().__init__(f"The username {username} is taken.")


class InvalidInvite(DomainError):
    def __init__(self) -> None:
        super().__init__("That invite code is not valid (wrong, used or expired).")


class ConcurrentUpdate(Exception):
    """The database gave up on a transaction (deadlock, lock wait); running it again is safe."""


class TooManyOpenOrders(DomainError):
    def __init__(self, waiting: int) -> None:
        super().__init__(
            f"You already have {waiting} orders waiting for the store to accept them. "
            "Please wait for those (see /myorders) before placing another."
        )
        self.waiting = waiting
