"""Words a customer must not confuse, in every shipped language."""

from __future__ import annotations

import pytest

from bot.handlers.views import CANCEL_ORDER, LEAVE_CHECKOUT
from bot.i18n import SHIPPED, Catalogues


@pytest.mark.parametrize("language", list(SHIPPED))
def test_leaving_checkout_and_cancelling_an_order_are_worded_apart(language: str) -> None:
    t = Catalogues().texts(language)
    assert t(LEAVE_CHECKOUT).casefold() != t(CANCEL_ORDER).casefold()
