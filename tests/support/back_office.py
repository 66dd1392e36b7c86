"""Acting in the back office over real HTTP, as a browser does, and getting in as staff."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

import aiohttp

from bot.domain.services import staff
from bot.domain.staff import Role
from tests.support.chat_person import ChatPerson
from tests.support.factories import FAST_HASHER
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import STAFF_PASSWORD, someone


def logged_in_staff(bot: RunningBot, name: str = "Sam") -> ChatPerson:
    """A staff member (not a manager) signed up by invite and logged in from their chat."""
    boss = staff.create_manager("owner", STAFF_PASSWORD, uow=bot.shop.uow(), hasher=FAST_HASHER)
    assert boss.id is not None
    invite = staff.create_invite(boss.id, Role.STAFF, uow=bot.shop.uow())
    member = someone(bot, name)
    staff.sign_up(
        invite.code,
        name.lower(),
        name,
        STAFF_PASSWORD,
        telegram_user_id=member.person.id,
        uow=bot.shop.uow(),
        hasher=FAST_HASHER,
    )
    return member


@dataclass
class Browser:
    """A browser on the back office: its own cookies, and the page it shows."""

    bot: RunningBot
    http: aiohttp.ClientSession
    status: int = 0
    page: str = ""

    async def get(self, path: str) -> str:
        async with self.http.get(self.bot.web_url + path) as response:
            self.status, self.page = response.status, await response.text()
        return self.page

    async def post(self, path: str, form: dict[str, str]) -> str:
        async with self.http.post(self.bot.web_url + path, data=form) as response:
            self.status, self.page = response.status, await response.text()
        return self.page

    async def send_files(self, path: str, field: str, files: list[tuple[str, bytes]]) -> str:
        """Post files (name, content) as a form of the page shown does, with its CSRF token,
        each file's name as Chromium sends it: as it is, but for quotes and line breaks
        (aiohttp's own forms would percent-encode "<", which a browser never does)."""
        boundary = f"----shopkeeps{secrets.token_hex(8)}"
        parts = [f'Content-Disposition: form-data; name="csrf"\r\n\r\n{self.csrf}'.encode()]
        for name, body in files:
            shown = name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
            head = (
                f'Content-Disposition: form-data; name="{field}"; filename="{shown}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            )
            parts.append(head.encode() + body)
        data = b"".join(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n" for part in parts)
        data += b"--" + boundary.encode() + b"--\r\n"
        kind = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        async with self.http.post(self.bot.web_url + path, data=data, headers=kind) as response:
            self.status, self.page = response.status, await response.text()
        return self.page

    @property
    def csrf(self) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', self.page)
        assert found, "no form on this page"
        return found.group(1)


async def link_from_chat(member: ChatPerson) -> str:
    """The link /backoffice sends (a manager's chat may get a new-order notice meanwhile)."""
    await member.says("/backoffice")

    def urls() -> list[str]:
        sent = [m for m in member.chat.from_bot if "link to the back office" in m.shown_text]
        keyboard = sent[-1].inline_keyboard or [] if sent else []
        return [str(b["url"]) for row in keyboard for b in row if "url" in b]

    await member.double.wait_for(lambda: bool(urls()), what="the back-office link")
    [url] = urls()
    return url


def link_token(url: str) -> str:
    return url.split("link=", 1)[1]


async def enters(browser: Browser, url: str) -> None:
    """Open the chat's link and press its button, as a person does."""
    path = url.removeprefix(browser.bot.web_url)
    await browser.get(path)
    await browser.post("/backoffice/enter", {"link": link_token(url)})
