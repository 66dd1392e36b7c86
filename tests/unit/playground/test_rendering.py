"""What the page receives is markup we wrote ourselves, whatever the text held."""

from __future__ import annotations

from bot.playground.bot_api.model import Invoice
from bot.playground.bot_api.server import ChatMessage, Person
from bot.playground.bot_api.spec import UploadedFile
from bot.playground.rendering import browser_html, message_view

ALICE = Person(1001, "Alice")


def test_telegram_formatting_becomes_the_same_formatting() -> None:
    html = "<b>Bold</b> <strong>strong</strong> <i>it</i> <s>gone</s> <code>SKU-1</code>"
    assert browser_html(html, "HTML") == html.replace("strong>", "b>")


def test_escaped_text_stays_escaped_text() -> None:
    assert browser_html("Fish &amp; chips &lt;script&gt;alert(1)&lt;/script&gt;", "HTML") == (
        "Fish &amp; chips &lt;script&gt;alert(1)&lt;/script&gt;"
    )


def test_plain_text_is_escaped_whole() -> None:
    assert browser_html("<b>not bold</b> & co", None) == "&lt;b&gt;not bold&lt;/b&gt; &amp; co"


def test_links_keep_only_web_addresses() -> None:
    assert browser_html('<a href="https://shop.example/?a=1&amp;b=2">site</a>', "HTML") == (
        '<a href="https://shop.example/?a=1&amp;b=2" target="_blank" '
        'rel="noopener noreferrer">site</a>'
    )
    assert browser_html('<a href="javascript:alert(1)">x</a>', "HTML") == (
        '<a class="dead-link">x</a>'
    )


def test_attributes_other_than_a_links_target_never_reach_the_page() -> None:
    rendered = browser_html('<span class="tg-spoiler" onclick="evil()">secret</span>', "HTML")
    assert rendered == '<span class="spoiler">secret</span>'


def test_an_uploaded_document_is_offered_by_its_file_name() -> None:
    csv = UploadedFile("sales.csv", b"sku\n", "text/csv")
    message = ChatMessage(
        7, ALICE, True, 0, caption="Sales", document=csv, document_id="document-1"
    )
    view = message_view(message, {"document-1": csv})
    assert view["document"] == {"name": "sales.csv", "url": "/files/document-1"}
    assert view["html"] == "Sales"


def test_a_photo_known_only_by_telegram_id_shows_as_a_placeholder() -> None:
    message = ChatMessage(8, ALICE, True, 0, caption="Baguette", photo="AgACAgQAAx")
    assert message_view(message, {})["photo"] is None


def test_a_location_shows_its_coordinates_and_a_map_link() -> None:
    shop = ChatMessage(7, ALICE, True, 0, location={"latitude": 48.8686, "longitude": 2.3314})
    view = message_view(shop, {})
    assert view["location"]["text"] == "48.86860, 2.33140"
    assert view["location"]["map"].startswith("https://www.openstreetmap.org/?mlat=48.8686")


def test_an_invoice_lists_its_price_lines_and_total_in_the_currency() -> None:
    invoice = Invoice(
        "Order K7Q2MZ4P",
        "2 items",
        "order:K7Q2MZ4P",
        "EUR",
        (("Honey × 2 pc", 1300), ("Delivery", 350)),
    )
    view = message_view(ChatMessage(8, ALICE, True, 0, invoice=invoice), {})
    assert view["invoice"]["prices"] == [
        {"label": "Honey × 2 pc", "amount": "13.00 EUR"},
        {"label": "Delivery", "amount": "3.50 EUR"},
    ]
    assert view["invoice"]["total"] == "16.50 EUR"
