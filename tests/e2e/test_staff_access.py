"""Staff log in, sign up and log out by chat; the guard keeps everyone else out."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import Engine, String, Text, select

from bot.app import ROUTES
from bot.domain.services import staff
from bot.domain.staff import Role
from bot.persistence.models import Base
from tests.support.buttons import sample_button
from tests.support.chat_person import ChatPerson
from tests.support.databases import sqlite_only
from tests.support.factories import FAST_HASHER
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import CUSTOMER_MENU

PASSWORD = "Tr0ub4dor&3-horse"


def person(bot: RunningBot, name: str) -> ChatPerson:
    return ChatPerson(bot.double, bot.double.person(name))


def manager_account(bot: RunningBot, username: str = "boss") -> int:
    account = staff.create_manager(username, PASSWORD, uow=bot.shop.uow(), hasher=FAST_HASHER)
    assert account.id is not None
    return account.id


async def log_in(someone: ChatPerson, username: str = "boss", password: str = PASSWORD) -> None:
    await someone.says("/login")
    await someone.says(username)
    await someone.says(password)


async def test_a_manager_logs_in_and_gets_the_manager_menu_until_logging_out(
    bot: RunningBot,
) -> None:
    manager_account(bot)
    boss = person(bot, "Boss")
    await boss.says("/login")
    assert "Your username?" in boss.screen
    await boss.says("BOSS")
    assert "Your password?" in boss.screen
    password_message = bot.double.send_text(boss.person, PASSWORD)
    await bot.double.settle()
    assert password_message.deleted
    assert "Welcome, Boss! You are logged in as manager." in boss.screen
    assert {"orders", "stock", "report", "invite", "logout"} <= set(
        bot.double.commands_for(boss.person)
    )
    await boss.says("/logout")
    assert "You are logged out." in boss.screen
    assert bot.double.commands_for(boss.person) == CUSTOMER_MENU
    await boss.says("/stock")
    assert "This is for store staff" in boss.screen


async def test_no_message_shows_the_password_and_no_log_record_holds_it(
    bot: RunningBot,
    engine: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    boss_id = manager_account(bot)
    invite = staff.create_invite(boss_id, Role.STAFF, uow=bot.shop.uow())
    newcomer = person(bot, "Nia")
    await newcomer.says(f"/signup {invite.code}")
    await newcomer.says("nia")
    await newcomer.says("Nia")
    await newcomer.says(PASSWORD + "!")
    await log_in(person(bot, "Boss"))
    await log_in(person(bot, "Mallory"), password=PASSWORD + "?")  # a wrong one too
    for chat in bot.double.chats.values():
        assert all(PASSWORD not in m.shown_text for m in chat.visible)
        assert all(m.deleted for m in chat.messages if m.text and PASSWORD in m.text)
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert PASSWORD not in logged
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, String | Text):
                    values = connection.execute(select(column)).scalars().all()
                    assert all(PASSWORD not in str(v) for v in values), f"{table}.{column}"


async def test_five_wrong_passwords_make_that_telegram_user_wait_but_never_lock_the_account(
    bot: RunningBot,
) -> None:
    manager_account(bot)
    manager_account(bot, "deputy")
    mallory = person(bot, "Mallory")
    for _ in range(4):
        await log_in(mallory, password="not the password")
        assert "Wrong username or password. Send /login to try again." in mallory.screen
    await log_in(mallory, password="not the password")
    assert mallory.screen.endswith("Too many wrong passwords. Try again in 15 minutes.")
    await log_in(mallory)  # the right password waits too
    assert "Too many wrong passwords" in mallory.screen
    await log_in(mallory, username="deputy")  # so does another account, from this person
    assert "Too many wrong passwords" in mallory.screen
    boss = person(bot, "Boss")
    await log_in(boss)  # a stranger cannot lock the account's owner out
    assert "Welcome, Boss!" in boss.screen
    deputy = person(bot, "Deputy")
    await log_in(deputy, username="deputy")
    assert "Welcome, Deputy!" in deputy.screen


async def test_signing_up_with_an_invite_checks_the_password_and_uses_the_invite_once(
    bot: RunningBot,
) -> None:
    invite = staff.create_invite(manager_account(bot), Role.STAFF, uow=bot.shop.uow())
    nia = person(bot, "Nia")
    await nia.says("/signup")
    assert "followed by the invite code" in nia.screen
    await nia.says("/signup not-a-code")
    assert "That invite code is not valid" in nia.screen
    await nia.says(f"/signup {invite.code}")
    assert "Invite accepted: you will be staff." in nia.screen
    await nia.says("x")
    assert "A username has 3-32 letters" in nia.screen
    await nia.says(f"/signup {invite.code}")
    await nia.says("Nia.Rivers")
    await nia.says("Nia Rivers")
    await nia.says("short")
    assert "A password needs at least 10 characters. Choose another." in nia.screen
    await nia.says("NIA.RIVERS")
    assert "The password cannot be the username" in nia.screen
    await nia.says(PASSWORD)
    assert "Please type the same password once more" in nia.screen
    await nia.says(PASSWORD + "?")
    assert "The two passwords differ. Choose a password" in nia.screen
    await nia.says(PASSWORD)
    await nia.says(PASSWORD)
    assert "Welcome, Nia Rivers! You are logged in as staff." in nia.screen
    assert all(m.deleted for m in nia.chat.messages if m.text and PASSWORD in m.text)
    assert "orders" in bot.double.commands_for(nia.person)
    assert "report" not in bot.double.commands_for(nia.person)
    other = person(bot, "Other")
    await other.says(f"/signup {invite.code}")
    assert "That invite code is not valid" in other.screen


async def test_cancel_stops_a_login_and_the_next_text_is_a_search_again(bot: RunningBot) -> None:
    manager_account(bot)
    boss = person(bot, "Boss")
    await boss.says("/login")
    await boss.says("/cancel")
    assert "Stopped. Nothing was changed." in boss.screen
    await boss.says("boss")
    assert "Nothing found" in boss.screen


def _matrix() -> list[tuple[str, str, Role]]:
    """Every staff and manager command, also as people mistype or disguise it, and one
    well-formed button of every guarded kind: all derived from the route declarations."""
    commands = [
        ("command", spelling.format(c.name), c.who)
        for c in ROUTES.commands
        if c.who is not None
        for spelling in ("/{} X 1", "/{}.", "/{},", "/{}@shopkeeps_test_bot", "/{}!")
    ]
    commands += [
        ("command", f"/{c.name.upper()}", c.who) for c in ROUTES.commands if c.who is not None
    ]
    buttons = [("button", sample_button(p.kind).pack(), p.who) for p in ROUTES.presses if p.who]
    return commands + buttons


@sqlite_only  # refusals read the session; its reads and writes run on both in tests/integration
async def test_staff_commands_and_buttons_are_refused_to_everyone_not_entitled(
    bot: RunningBot,
) -> None:
    boss_id = manager_account(bot)
    invite = staff.create_invite(boss_id, Role.STAFF, uow=bot.shop.uow())
    clerk_account = staff.sign_up(
        invite.code,
        "clerk",
        "Clerk",
        PASSWORD,
        telegram_user_id=1,
        uow=bot.shop.uow(),
        hasher=FAST_HASHER,
    )
    customer = person(bot, "Customer")
    logged_out = person(bot, "Logged out")
    await log_in(logged_out)
    await logged_out.says("/logout")
    deactivated = person(bot, "Former clerk")
    await log_in(deactivated, username="clerk")
    staff.set_staff_active(boss_id, clerk_account.id or 0, False, uow=bot.shop.uow())
    await bot.double.wait_for(
        lambda: deactivated.has_seen("Your staff account clerk was switched off by a manager"),
        what="the member to hear their account was switched off",
    )
    plain_staff = person(bot, "Staff")
    invite2 = staff.create_invite(boss_id, Role.STAFF, uow=bot.shop.uow())
    await plain_staff.says(f"/signup {invite2.code}")
    await plain_staff.says("plain")
    await plain_staff.says("Plain")
    await plain_staff.says(PASSWORD)
    await plain_staff.says(PASSWORD)
    assert "You are logged in as staff" in plain_staff.screen
    manager = person(bot, "Manager")
    await log_in(manager)
    team = bot.double.group("Shop team")
    await customer.says("/start")
    anchor = {who.person.id: who.last for who in (customer, logged_out, deactivated, plain_staff)}
    matrix = _matrix()
    assert {"report", "lowstock", "staff", "invite", "orders", "restock"} <= {
        text.split()[0][1:].rstrip(".,!").split("@")[0].lower()
        for kind, text, _ in matrix
        if kind == "command"
    }
    for kind, action, need in matrix:
        # A member a manager switched off is told so, not invited to log in.
        refused = [
            (customer, "This is for store staff"),
            (logged_out, "This is for store staff"),
            (deactivated, "switched off by a manager"),
        ]
        if need is Role.MANAGER:
            refused.append((plain_staff, "This is for managers only."))
        # Everyone tries at once (each person's updates are a queue of their own), then each
        # answer is read: one wait for the bot per action rather than one per person.
        if kind == "command":
            for who, _ in refused:
                bot.double.send_text(who.person, action)
            # Even a logged-in manager gets nothing in a group chat: only a pointer to a
            # private one (one spelling per command: Telegram allows a bot 20 messages a
            # minute in a group).
            in_group = action.endswith(" X 1")
            if in_group:
                bot.double.send_text_in(team, manager.person, action)
            await bot.double.settle()
            for who, said in refused:
                assert said in who.screen, (who.person, action)
            if in_group:
                said = bot.double.chats[team.id].last_from_bot.shown_text
                assert said.startswith("I work in private chats only"), action
        else:
            pressed = [
                (who, said, bot.double.press_data(who.person, anchor[who.person.id], action))
                for who, said in refused
            ]
            await bot.double.settle()
            for who, said, query in pressed:
                answer = bot.double.callback_answer(query)
                assert answer is not None, ("the button press went unanswered", action)
                alert = answer.get("text")
                if who is plain_staff:
                    assert alert == said, action
                else:
                    assert alert is not None and said in alert, action
    assert not bot.double.calls_to("sendPhoto"), "a report chart reached someone"
    assert not bot.double.calls_to("sendDocument"), "a report CSV reached someone"


async def test_help_shows_staff_and_managers_their_own_commands_with_examples(
    bot: RunningBot,
) -> None:
    boss_id = manager_account(bot)
    invite = staff.create_invite(boss_id, Role.STAFF, uow=bot.shop.uow())
    clerk = person(bot, "Clerk")
    staff.sign_up(
        invite.code,
        "clerk",
        "Clerk",
        PASSWORD,
        telegram_user_id=clerk.person.id,
        uow=bot.shop.uow(),
        hasher=FAST_HASHER,
    )
    await clerk.says("/help")
    shown = clerk.screen
    assert "Your commands as staff" in shown
    assert "/restock SKU QTY [NOTE], e.g. /restock RICE-1KG 12" in shown
    assert "/orders" in shown and "/logout" in shown
    assert "/report" not in shown and "/invite" not in shown, "manager commands stay hidden"

    boss = person(bot, "Boss")
    await log_in(boss)
    await boss.says("/help")
    assert "Your commands as manager" in boss.screen
    assert (
        "/report [DAYS | today | yesterday | week" in boss.screen
        and "/restock SKU QTY" in boss.screen
    )

    await boss.says("/logout")
    await boss.says("/help")
    assert "How to order" in boss.screen and "/restock" not in boss.screen
