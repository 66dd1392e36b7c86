"""A cancellation's reason is kept as a code when the store gives it, as typed when staff do."""

from __future__ import annotations

import pytest

from bot.domain.orders import CANCEL_REASONS, CancelReason, cancel_reason, reason_shown
from bot.domain.text import Words
from bot.i18n import Catalogues


@pytest.mark.parametrize("code", list(CancelReason))
def test_the_stores_own_reasons_are_codes_shown_as_marked_words(code: CancelReason) -> None:
    assert cancel_reason(code.value) is code
    assert reason_shown(code.value) == Words(CANCEL_REASONS[code])


@pytest.mark.parametrize("code", list(CancelReason))
def test_a_reason_kept_in_english_by_older_versions_reads_as_its_code(code: CancelReason) -> None:
    assert cancel_reason(CANCEL_REASONS[code]) is code


@pytest.mark.parametrize("typed", ["Out of tea, sorry", "cancelled by the customer!", ""])
def test_a_reason_a_staff_member_typed_is_shown_as_typed(typed: str) -> None:
    assert cancel_reason(typed) is None
    assert reason_shown(typed) == typed


def test_every_shipped_language_words_the_stores_reasons_in_its_own_way() -> None:
    catalogues = Catalogues()
    for language in ("fr", "de", "es", "ru", "uk"):
        t = catalogues.texts(language)
        for code, english in CANCEL_REASONS.items():
            assert t.shown(reason_shown(code.value)) != english, (language, code)
    assert Catalogues().texts("fr").shown(reason_shown("cancelled_by_customer")) == (
        "annulée par le client"
    )
