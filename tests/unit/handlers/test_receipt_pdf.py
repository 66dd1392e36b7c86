"""The receipt's PDF is drawn with Pillow, with or without Debian's DejaVu fonts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.handlers import receipt_pdf
from bot.handlers.receipt_pdf import Row

ROWS = [
    Row("Чек к заказу ABCD2345", bold=True),
    Row("Яблоки Гала", "4,94 €", item=True),
    Row("1,5 кг × 3,29 €", detail=True),
    Row("Итого:", "4,94 €", bold=True),
]


@pytest.fixture
def fresh_fonts() -> Iterator[None]:
    receipt_pdf._font.cache_clear()
    yield
    receipt_pdf._font.cache_clear()


def test_a_receipt_is_one_pdf_page_as_long_as_its_rows(fresh_fonts: None) -> None:
    short, long = receipt_pdf.receipt_pdf(ROWS[:1]), receipt_pdf.receipt_pdf(ROWS * 10)
    assert short.startswith(b"%PDF") and long.startswith(b"%PDF")
    assert short.count(b"/Type /Page\n") == long.count(b"/Type /Page\n") == 1
    assert len(long) > len(short)


def test_without_dejavu_a_receipt_is_still_drawn_and_the_missing_font_is_logged(
    fresh_fonts: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(receipt_pdf, "FONT_FOLDERS", ())
    assert receipt_pdf.receipt_pdf(ROWS).startswith(b"%PDF")
    assert "install fonts-dejavu-core" in caplog.text
