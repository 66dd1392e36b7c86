"""Long messages are shortened to Telegram's limits with their HTML still whole."""

from __future__ import annotations

from bot.handlers.fit import CAPTION, MESSAGE, fit
from bot.handlers.fit import visible_text as text_we_expect_shown
from bot.playground.bot_api.html_entities import utf16_length, visible_text


def test_a_message_that_fits_is_left_alone() -> None:
    html = "<b>Order A1</b> &amp; <i>more</i>"
    assert fit(html) == html


def test_a_long_message_is_shortened_with_an_ellipsis_and_its_tags_closed() -> None:
    html = "<b>Reason: " + "&lt;é😀" * 3000 + "</b>"
    short = fit(html)
    shown = visible_text(short)  # raises if Telegram could not parse it
    assert utf16_length(shown) <= MESSAGE
    assert shown.endswith("…") and short.endswith("</b>")


def test_a_caption_is_held_to_1024() -> None:
    assert utf16_length(visible_text(fit("x" * 5000, CAPTION))) <= CAPTION


def test_a_message_whose_markup_is_long_but_text_fits_is_left_alone() -> None:
    html = "<b>" + "&amp;" * 1000 + "</b>"  # 5,007 characters of HTML, 1,000 shown
    assert fit(html) == html


def test_the_cut_counts_emoji_as_two_units_like_telegram() -> None:
    shown = visible_text(fit("😀" * 3000))
    assert utf16_length(shown) <= MESSAGE
    assert utf16_length(shown) >= MESSAGE - 2  # nothing more is cut than needed


def test_the_text_we_expect_shown_is_what_the_bot_api_shows() -> None:
    html = '<b>Order K7</b> &amp; <i>co</i>\n&lt;3 <a href="https://x.example">link</a>'
    assert text_we_expect_shown(html) == "Order K7 & co\n<3 link" == visible_text(html)
