"""Item photos from the back office: many at once, matched by the SKU in each file name, then
shown on the item's card in the chat (Telegram fetches them from the bot's web server); a
file that is not a photo, or names no item, is told apart (both databases: it writes)."""

from __future__ import annotations

import io

import aiohttp
from PIL import Image

from bot.domain.services import catalogue
from tests.support.back_office import Browser, enters, link_from_chat, logged_in_staff
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import sell, someone


def photo(colour: str, *, kind: str = "PNG", exif_gps: bool = False) -> bytes:
    image = Image.new("RGB", (40, 30), colour)
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x8825] = {2: (48.0, 51.0, 24.0)}  # GPSInfo: where it was taken
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, kind)
    return out.getvalue()


async def send_photos(browser: Browser, files: list[tuple[str, bytes]]) -> str:
    await browser.get("/backoffice/files")
    return await browser.send_files("/backoffice/files/photos", "photos", files)


async def test_photos_matched_by_sku_show_on_the_items_card_in_the_chat(
    bot: RunningBot, browser: Browser
) -> None:
    sell(bot, sku="BAGUETTE", name="Baguette", category="Bakery")
    sell(bot, sku="RYE-1", name="Rye bread", category="Bakery")
    await enters(browser, await link_from_chat(logged_in_staff(bot)))
    red, blue = photo("red"), photo("blue", kind="JPEG", exif_gps=True)
    page = await send_photos(
        browser,
        [("baguette.png", red), ("RYE-1.jpeg", blue), ("CROISSANT.png", red), ("RYE-1.txt", b"hi")],
    )
    assert browser.status == 400  # not every file found its item
    assert "There is no item CROISSANT" in page
    assert "is not a photo" in page
    baguette = catalogue.find_product("BAGUETTE", uow=bot.shop.uow())
    rye = catalogue.find_product("RYE-1", uow=bot.shop.uow())
    assert baguette.photo_file_id and baguette.photo_file_id.startswith(bot.web_url)
    assert rye.photo_file_id and rye.photo_file_id != baguette.photo_file_id
    async with browser.http.get(rye.photo_file_id) as served:  # public: Telegram fetches it
        body = await served.read()
    assert served.status == 200 and served.headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(body)).getexif().get(0x8825) is None  # no GPS kept
    ann = someone(bot, "Ann")
    await ann.says("/start p_BAGUETTE")
    card = ann.last
    assert card.photo is not None and "Baguette" in card.shown_text
    fetched = Image.open(io.BytesIO(bot.double.files[card.photo].content))
    shown = fetched.getpixel((5, 5))
    assert isinstance(shown, tuple) and shown[0] > 240 and max(shown[1:]) < 15  # red (JPEG)
    # Telegram's file id is kept: the next card does not fetch it again.
    kept = catalogue.find_product("BAGUETTE", uow=bot.shop.uow())
    assert kept.photo_file_id == card.photo and kept.photo_address == baguette.photo_file_id


async def test_one_photo_on_an_items_page(bot: RunningBot, browser: Browser) -> None:
    sell(bot, sku="BAGUETTE", name="Baguette", category="Bakery")
    await enters(browser, await link_from_chat(logged_in_staff(bot)))
    await browser.get("/backoffice/items/BAGUETTE")
    form = aiohttp.FormData()
    form.add_field("csrf", browser.csrf)
    form.add_field("photo", photo("green"), filename="whatever.png")
    async with browser.http.post(
        browser.bot.web_url + "/backoffice/items/BAGUETTE/photo", data=form
    ) as response:
        page = await response.text()
    assert response.status == 200 and "Photo saved" in page
    assert '<img src="/backoffice/photos/' in page
    await browser.get("/backoffice/photos/" + "0" * 64 + ".jpg")
    assert browser.status == 404
    await browser.get("/backoffice/photos/..%2F..%2Fetc%2Fpasswd.jpg")
    assert browser.status == 404
