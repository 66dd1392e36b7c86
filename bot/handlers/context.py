"""A typed context, so handlers reach the shop (unit-of-work factory, store) without casts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.domain.services.customers import CustomerRef
from bot.domain.services.deliveries import Delivery
from bot.domain.staff import StaffAccount
from bot.handlers.browsing import Browsing
from bot.i18n import Texts
from bot.send_budget import Priority
from bot.wiring import Shop

if TYPE_CHECKING:
    from bot.handlers.routes import Routes

T = TypeVar("T")


SHOP_KEY = "shop"
ROUTES_KEY = "routes"
BROWSING_KEY = "browsing"


# ExtBot[Priority]: the send budget takes a reply's or a notification's priority per call.
class ShopContext(
    CallbackContext[ExtBot[Priority], dict[Any, Any], dict[Any, Any], dict[Any, Any]]
):
    """One per update: it also remembers who the staff member behind it is, once looked up."""

    member: StaffAccount | None = None
    member_known: bool = False
    _texts: Texts | None = None  # the person's words, once looked up

    def remember_member(self, account: StaffAccount | None) -> None:
        self.member, self.member_known = account, True

    @property
    def shop(self) -> Shop:
        shop = self.application.bot_data[SHOP_KEY]
        assert isinstance(shop, Shop)
        return shop

    @property
    def browsing(self) -> Browsing:
        """The browse screens this worker keeps (bot.handlers.browsing)."""
        browsing = self.application.bot_data[BROWSING_KEY]
        assert isinstance(browsing, Browsing)
        return browsing

    def catalogue_version(self, update: Update) -> int | None:
        """The catalogue's version as `update`'s record read it (None: not known)."""
        delivery = self.delivery(update)
        return delivery.catalogue if delivery is not None else None

    @property
    def routes(self) -> Routes:
        routes: Routes = self.application.bot_data[ROUTES_KEY]
        return routes

    def texts(self, update: Update) -> Texts:
        """The words of the person behind `update`: the language they chose (read when the
        update was taken), else their Telegram app's, else the store's."""
        if self._texts is None:
            self._texts = self._look_up_texts(update)
        return self._texts

    def delivery(self, update: Update) -> Delivery | None:
        """How `update` was recorded (None: outside the edge, as a scheduled job is)."""
        # Not isinstance() with a Protocol: that walks the protocol's attributes every time.
        delivery_of = getattr(self.application.update_processor, "delivery_of", None)
        found = delivery_of(update.update_id) if delivery_of is not None else None
        return found if isinstance(found, Delivery) else None

    def _look_up_texts(self, update: Update) -> Texts:
        delivery = self.delivery(update)
        chosen = delivery.language if delivery is not None else None
        catalogues = self.shop.catalogues
        user = update.effective_user
        app_language = user.language_code if user else None
        return catalogues.texts(chosen) if chosen else catalogues.for_app(app_language)

    async def run(self, use_case: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Call a use case with a fresh unit of work, off the event loop (it blocks on I/O)."""
        return await self.shop.run(use_case, *args, uow=self.shop.uow(), **kwargs)


def user_id_of(update: Update) -> int:
    user = update.effective_user
    assert user is not None
    return user.id


def customer_of(update: Update) -> CustomerRef:
    user = update.effective_user
    assert user is not None
    return CustomerRef(user.id, user.full_name, user.username)


ShopApplication = Application[
    ExtBot[Priority], ShopContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]
