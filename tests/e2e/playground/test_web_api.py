"""The playground server's HTTP API, in front of the real bot on each test database: what
the page can do, what it reads back, and the polite refusals."""

from __future__ import annotations

import asyncio
import struct
import zlib
from typing import Any

from bot.playground.demo import Persona
from tests.e2e.playground.conftest import RunningPlayground
from tests.support.databases import sqlite_only
from tests.support.page_client import PageClient


def _png() -> bytes:
    """A real 1x1 PNG, so nothing in the path can mistake it for anything else."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


class Someone:
    """One persona driven through the page's API, waiting for the bot like the page does."""

    def __init__(self, playground: RunningPlayground, name: str) -> None:
        self.playground = playground
        self.persona: Persona = playground.persona(name)
        self.client = PageClient(playground.url)

    @property
    def id(self) -> int:
        return self.persona.person.id

    async def chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = (await self.client.state())["chats"][str(self.id)]
        return chat

    async def bot_messages(self) -> list[dict[str, Any]]:
        return [m for m in (await self.chat())["messages"] if m["from_bot"]]

    async def last(self) -> dict[str, Any]:
        return (await self.bot_messages())[-1]

    async def says(self, text: str) -> dict[str, Any]:
        sent = await self.client.act(self.id, "text", {"text": text})
        assert sent.status == 200, sent.body
        await self.playground.bot.double.settle()
        return await self.last()

    async def presses(self, label: str) -> dict[str, Any] | None:
        """Press the button with this label on the newest message that has one; the toast."""
        for message in reversed(await self.bot_messages()):
            for row in message["buttons"]:
                for button in row:
                    if label in button["text"]:
                        pressed = await self.client.act(
                            self.id, "press", {"message_id": message["id"], "data": button["data"]}
                        )
                        assert pressed.status == 200, pressed.body
                        await self.playground.bot.double.settle()
                        answer: dict[str, Any] | None = pressed.json()["answer"]
                        return answer
        raise AssertionError(f"no button {label!r} on screen")

    async def logs_in(self) -> None:
        login = self.persona.login
        assert login is not None
        await self.says("/login")
        await self.says(login.username)
        assert "logged in as" in (await self.says(login.password))["html"]


@sqlite_only
async def test_the_page_its_script_and_its_style_are_served(
    playground: RunningPlayground,
) -> None:
    client = PageClient(playground.url)
    page = await client.get("")
    assert page.status == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert b'<script src="/playground.js"' in page.body
    script = await client.get("playground.js")
    assert script.status == 200 and "javascript" in script.headers["Content-Type"]
    style = await client.get("playground.css")
    assert style.status == 200 and style.headers["Content-Type"].startswith("text/css")
    missing = await client.get("wp-admin/")
    assert missing.status == 404
    assert missing.json() == {"error": "Nothing here."}


@sqlite_only
async def test_four_personas_each_with_an_empty_chat_and_only_staff_with_a_demo_login(
    playground: RunningPlayground,
) -> None:
    state = await PageClient(playground.url).state()
    people = {p["name"]: p for p in state["personas"]}
    assert [(p["name"], p["role"]) for p in state["personas"]] == [
        ("Alice", "customer"),
        ("Bruno", "customer"),
        ("Sam", "staff"),
        ("Maria", "manager"),
    ]
    assert people["Alice"]["login"] is None and people["Bruno"]["login"] is None
    assert people["Sam"]["login"]["username"] == "sam"
    assert people["Maria"]["login"]["username"] == "maria"
    assert len(people["Sam"]["login"]["password"]) >= 10
    assert people["Sam"]["login"]["password"] != people["Maria"]["login"]["password"]
    assert all(chat["messages"] == [] for chat in state["chats"].values())


@sqlite_only
async def test_a_long_poll_answers_as_soon_as_a_chat_changes(
    playground: RunningPlayground,
) -> None:
    alice = Someone(playground, "Alice")
    first = await alice.client.state()
    waiting = asyncio.create_task(alice.client.state(since=first["revision"]))
    await asyncio.sleep(0.3)
    assert not waiting.done()
    await alice.client.act(alice.id, "text", {"text": "/start"})
    changed = await asyncio.wait_for(waiting, timeout=10)
    assert changed["revision"] > first["revision"]
    assert changed["chats"][str(alice.id)]["messages"][0]["html"] == "/start"


async def test_pressing_a_button_edits_its_message_in_place_and_returns_the_toast(
    playground: RunningPlayground,
) -> None:
    alice = Someone(playground, "Alice")
    welcome = await alice.says("/start")
    assert "Welcome to" in welcome["html"] and not welcome["edited"]
    await alice.presses("Catalogue")
    catalogue = await alice.last()
    assert catalogue["id"] == welcome["id"] and catalogue["edited"]
    assert "<b>Catalogue</b>" in catalogue["html"]
    await alice.presses("Bakery")
    await alice.presses("Baguette")
    toast = await alice.presses("to cart")
    assert toast == {"text": "Added 1 pc of Baguette to your cart.", "alert": False}


@sqlite_only
async def test_buttons_that_are_not_on_screen_cannot_be_pressed(
    playground: RunningPlayground,
) -> None:
    alice = Someone(playground, "Alice")
    welcome = await alice.says("/start")
    forged = await alice.client.act(alice.id, "press", {"message_id": welcome["id"], "data": "x"})
    assert (forged.status, forged.json()) == (409, {"error": "That button is no longer there."})
    gone = await alice.client.act(alice.id, "press", {"message_id": 999, "data": "menu:cat"})
    assert (gone.status, gone.json()) == (409, {"error": "That message is gone."})
    vague = await alice.client.act(alice.id, "press", {"data": "menu:cat"})
    assert vague.status == 400
    bruno = Someone(playground, "Bruno")  # Alice's message is not on Bruno's screen
    other = await bruno.client.act(bruno.id, "press", {"message_id": welcome["id"], "data": "x"})
    assert other.status == 409


@sqlite_only
async def test_wrong_requests_get_a_clear_error_and_change_nothing(
    playground: RunningPlayground,
) -> None:
    alice = Someone(playground, "Alice")
    client = alice.client
    before = await client.state()
    refusals = [
        (await client.act(alice.id, "text", {"text": "   "}), 400, "Type a message first."),
        (
            await client.act(alice.id, "text", {"text": "x" * 4097}),
            400,
            "A message holds at most 4096 characters.",
        ),
        (await client.act(4242, "text", {"text": "hi"}), 404, "No such persona."),
        (await client.act(alice.id, "dance"), 404, "No action 'dance'."),
        (
            await client.post(f"api/personas/{alice.id}/text", raw=b"{not json"),
            400,
            "The body must be JSON.",
        ),
        (await client.get("api/state?since=soon"), 400, "since must be a revision number."),
        (await client.get("files/nope"), 404, "No such file."),
    ]
    for response, status, error in refusals:
        assert (response.status, response.json()) == (status, {"error": error})
    after = await client.state()
    assert after["chats"] == before["chats"]


async def test_the_share_contact_button_sends_the_personas_own_phone_at_checkout(
    playground: RunningPlayground,
) -> None:
    alice = Someone(playground, "Alice")
    await alice.says("/start p_BAGUETTE")
    await alice.presses("to cart")
    await alice.says("/checkout")
    await alice.presses("Pickup")
    await alice.presses(":")  # the first pickup slot
    keyboard = (await alice.chat())["reply_keyboard"]
    assert keyboard["rows"] == [[{"text": "📱 Share my phone number", "request_contact": True}]]
    assert keyboard["one_time"] is True
    shared = await alice.client.act(alice.id, "contact")
    assert shared.status == 200
    await playground.bot.double.settle()
    chat = await alice.chat()
    mine = [m for m in chat["messages"] if not m["from_bot"]]
    assert mine[-1]["contact"] == "+33 6 12 34 56 78"
    assert any("we will call +33 6 12 34 56 78" in m["html"] for m in chat["messages"])
    assert chat["reply_keyboard"] is None  # the bot took the keyboard away


async def test_a_password_message_disappears_and_the_staff_menu_appears(
    playground: RunningPlayground,
) -> None:
    sam, alice = Someone(playground, "Sam"), Someone(playground, "Alice")
    await alice.says("/start")
    await sam.logs_in()
    assert sam.persona.login is not None
    chat = await sam.chat()
    assert all(sam.persona.login.password not in m["html"] for m in chat["messages"])
    assert [m["html"] for m in chat["messages"] if not m["from_bot"]] == ["/login", "sam"]
    staff_menu = {c["command"] for c in chat["commands"]}
    assert {"orders", "stock", "restock", "logout"} <= staff_menu
    customer_menu = {c["command"] for c in (await alice.chat())["commands"]}
    assert "orders" not in customer_menu and "catalogue" in customer_menu


async def test_a_photo_sent_by_staff_becomes_the_item_photo_customers_see(
    playground: RunningPlayground,
) -> None:
    sam, alice = Someone(playground, "Sam"), Someone(playground, "Alice")
    await sam.logs_in()
    await sam.says("/edititem BAGUETTE")
    await sam.presses("Photo")
    picture = _png()
    sent = await sam.client.post(
        f"api/personas/{sam.id}/photo?name=baguette.png", raw=picture, content_type="image/png"
    )
    assert sent.status == 200, sent.body
    await playground.bot.double.settle()
    assert "photo: yes" in (await sam.last())["html"]

    card = await alice.says("/start p_BAGUETTE")
    assert card["photo"] is not None and "Baguette" in card["html"]
    shown = await alice.client.get(card["photo"])
    assert (shown.status, shown.headers["Content-Type"], shown.body) == (
        200,
        "image/png",
        picture,
    )


@sqlite_only
async def test_only_pictures_can_be_sent_as_photos(playground: RunningPlayground) -> None:
    alice = Someone(playground, "Alice")
    refused = await alice.client.post(
        f"api/personas/{alice.id}/photo", raw=b"MZ\x90\x00", content_type="application/x-dosexec"
    )
    assert (refused.status, refused.json()) == (415, {"error": "Send a JPEG, PNG, GIF or WebP."})
    empty = await alice.client.post(
        f"api/personas/{alice.id}/photo", raw=b"", content_type="image/png"
    )
    assert empty.status == 400


@sqlite_only
async def test_the_managers_report_chart_shows_and_its_csv_downloads(
    playground: RunningPlayground,
) -> None:
    maria = Someone(playground, "Maria")
    await maria.logs_in()
    await maria.says("/report 7")
    chart = next(m for m in await maria.bot_messages() if m.get("photo"))
    await maria.presses("Item sales (CSV)")
    csv = next(m for m in await maria.bot_messages() if m.get("document"))
    assert csv["document"]["name"].endswith(".csv")
    assert "Item sales" in csv["html"] and "(CSV)" in csv["html"]
    picture = await maria.client.get(chart["photo"])
    assert picture.headers["Content-Type"] == "image/png"
    assert picture.body.startswith(b"\x89PNG")
    download = await maria.client.get(csv["document"]["url"])
    assert download.status == 200
    assert download.headers["Content-Type"].startswith("text/csv")
    disposition = download.headers["Content-Disposition"]
    assert disposition == f"attachment; filename*=UTF-8''{csv['document']['name']}"
    assert download.body.decode().splitlines()[0].lower().startswith("sku")


@sqlite_only
async def test_each_persona_can_switch_their_apps_language_and_the_bot_follows(
    playground: RunningPlayground,
) -> None:
    alice, bruno = Someone(playground, "Alice"), Someone(playground, "Bruno")
    state = await alice.client.state()
    assert state["languages"]["de"] == "Deutsch" and state["languages"]["pt"] == "Português"
    assert {p["name"]: p["language"] for p in state["personas"]}["Alice"] == "en"
    switched = await alice.client.act(alice.id, "language", {"language": "de"})
    assert (switched.status, switched.json()) == (200, {"language": "de"})
    assert "Willkommen" in (await alice.says("/start"))["html"]
    assert (await alice.chat())["commands"][0]["description"] == "Hauptmenü"
    assert "Welcome" in (await bruno.says("/start"))["html"]  # only Alice's app changed
    await alice.client.act(alice.id, "language", {"language": "pt"})  # not shipped
    assert "Welcome" in (await alice.says("/start"))["html"]  # the store's language
    refused = await alice.client.act(alice.id, "language", {"language": "klingon"})
    assert refused.status == 400 and refused.json()["error"].startswith("Pick one of en, de")
    personas = {p["name"]: p for p in (await alice.client.state())["personas"]}
    assert personas["Alice"]["language"] == "pt"
