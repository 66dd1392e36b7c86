"""The playground's people and its store: demo catalogue, demo accounts, four personas.

The accounts exist only in the playground's own throw-away database, with passwords made up
at every start, so nothing here can open a real store.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from bot.demo_data import demo_rows
from bot.domain.services import catalogue, staff
from bot.domain.staff import Role
from bot.persistence import migrate
from bot.playground.bot_api.server import LocalBotApi, Person
from bot.wiring import Shop

_WORDS = (
    "apple basil cedar daisy ember fjord grape hazel iris juniper kiwi lemon maple nutmeg "
    "olive pepper quince radish sage thyme umber violet walnut yarrow zest"
).split()


@dataclass(frozen=True, slots=True)
class DemoLogin:
    username: str
    password: str


@dataclass(frozen=True, slots=True)
class Persona:
    person: Person
    role: str  # customer, staff or manager: what the page says next to the name
    phone: str  # what the "share contact" button sends
    login: DemoLogin | None = None

    def as_json(self) -> dict[str, object]:
        login = self.login
        return {
            "id": self.person.id,
            "name": self.person.first_name,
            "role": self.role,
            "language": self.person.language_code,
            "phone": self.phone,
            "login": None
            if login is None
            else {"username": login.username, "password": login.password},
        }


def demo_password() -> str:
    """Three words and a number: easy to type on a phone, longer than MIN_PASSWORD."""
    words = "-".join(secrets.choice(_WORDS) for _ in range(3))
    return f"{words}-{secrets.randbelow(90) + 10}"


def set_up_store(shop: Shop, api: LocalBotApi) -> list[Persona]:
    """Schema, demo catalogue, a manager and a staff member (logged out), and the personas."""
    migrate.upgrade(shop.engine, default_vat_rate=shop.store.default_vat_rate)
    catalogue.import_catalogue(demo_rows(), actor="playground", store=shop.store, uow=shop.uow())
    alice = Persona(api.person("Alice", "alice_demo"), "customer", "+33 6 12 34 56 78")
    bruno = Persona(api.person("Bruno", "bruno_demo"), "customer", "+33 6 98 76 54 32")
    sam = Persona(
        api.person("Sam", "sam_demo"),
        "staff",
        "+33 6 11 22 33 44",
        DemoLogin("sam", demo_password()),
    )
    maria = Persona(
        api.person("Maria", "maria_demo"),
        "manager",
        "+33 6 55 66 77 88",
        DemoLogin("maria", demo_password()),
    )
    assert sam.login is not None and maria.login is not None
    manager = staff.create_manager(
        maria.login.username,
        maria.login.password,
        display_name="Maria",
        uow=shop.uow(),
        hasher=shop.hasher,
    )
    assert manager.id is not None
    invite = staff.create_invite(manager.id, Role.STAFF, uow=shop.uow())
    staff.sign_up(
        invite.code,
        sam.login.username,
        "Sam",
        sam.login.password,
        telegram_user_id=sam.person.id,
        uow=shop.uow(),
        hasher=shop.hasher,
    )
    staff.log_out(sam.person.id, uow=shop.uow())  # Sam logs in by chat, as staff do
    return [alice, bruno, sam, maria]
