"""Domain errors. Handlers turn each into a polite reply; the message is safe to show."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal


class DomainError(Exception):
    """A rule of the store said no; the message is meant for the person who asked."""


class InvalidInput(DomainError):
    """What was typed or sent cannot be used."""


class NotFound(DomainError):
    """The thing named does not exist (or is not visible to the asker)."""


class UnknownProduct(NotFound):
    def __init__(self, ref: str) -> None:
        super().__init__(f"There is no item {ref}.")
        self.ref = ref


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


class OrderAlreadyMoved(DomainError):
    def __init__(self, code: str) -> None:
        super().__init__(f"Order {code} was changed by someone else a moment ago.")


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
