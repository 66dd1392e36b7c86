"""A typed context, so handlers reach the shop (unit-of-work factory, store) without casts."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.wiring import Shop

SHOP_KEY = "shop"


# ExtBot[int]: the AIORateLimiter takes an int of retries per call.
class ShopContext(CallbackContext[ExtBot[int], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def shop(self) -> Shop:
        shop = self.application.bot_data[SHOP_KEY]
        assert isinstance(shop, Shop)
        return shop


ShopApplication = Application[
    ExtBot[int], ShopContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]
