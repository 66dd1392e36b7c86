"""What the staff and managers of a French corner shop tripped on, end to end: the real bot,
over HTTP, on SQLite and MariaDB (every one of these writes)."""

from __future__ import annotations

import re
import time
from decimal import Decimal

from bot.domain.catalogue import Unit
from bot.domain.services import staff
from bot.domain.stock import StockReason
from tests.support.chat_person import ChatPerson
from tests.support.factories import FAST_HASHER
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import (
    STAFF_PASSWORD,
    logged_in_manager,
    sell,
    someone,
    stock_of,
)


def french_manager(bot: RunningBot, name: str = "Margot") -> ChatPerson:
    """A manager whose Telegram app speaks French, logged in from their own chat."""
    member = ChatPerson(bot.double, bot.double.person(name, language_code="fr"))
    username = name.lower()
    staff.create_manager(username, STAFF_PASSWORD, uow=bot.shop.uow(), hasher=FAST_HASHER)
    staff.log_in(
        username,
        STAFF_PASSWORD,
        telegram_user_id=member.person.id,
        uow=bot.shop.uow(),
        hasher=FAST_HASHER,
    )
    return member


def last_reason(bot: RunningBot, sku: str) -> tuple[StockReason, str]:
    with bot.shop.uow() as uow:
        product = uow.products.get_by_sku(sku)
        assert product is not None
        [entry] = uow.ledger.recent(product.id or 0, limit=1)
    return entry.reason, entry.note


async def test_items_are_named_with_spaces_in_restock_count_adjust_and_stock(
    bot: RunningBot,
) -> None:
    sell(bot, 4, sku="YOG-GR", name="Greek yoghurt")
    sell(bot, 6, sku="YOG-NAT", name="Natural yoghurt")
    boss = logged_in_manager(bot)

    await boss.says("/restock  greek   YOGHURT 6 crate 2")
    assert "Restocked. Greek yoghurt: +6 pc, now 10 pc on hand." in boss.screen
    assert last_reason(bot, "YOG-GR") == (StockReason.RECEIVED, "crate 2")

    await boss.says("/count Natural Yoghurt 8")
    assert "Counted. Natural yoghurt: +2 pc, now 8 pc on hand." in boss.screen

    await boss.says("/restock greek yoghurt pots")
    assert boss.screen.startswith("Usage: /restock SKU QTY")

    await boss.says("/stock greek yoghurt")
    assert "🟢 YOG-GR Greek yoghurt: 10 pc" in boss.screen
    assert "+6 pc received → 10 pc by boss – crate 2" in boss.screen


async def test_a_name_holding_a_number_takes_the_number_after_it_as_the_quantity(
    bot: RunningBot,
) -> None:
    sell(bot, 10, sku="COCA-33", name="Coca 33 cl")
    sell(bot, 10, sku="RICE", name="Basmati rice")
    boss = logged_in_manager(bot)

    await boss.says("/restock coca 33 cl 24")
    assert "Restocked. Coca 33 cl: +24 pc, now 34 pc on hand." in boss.screen
    await boss.says("/count Coca 33 CL 30 shelf count")
    assert stock_of(bot, "COCA-33") == 30
    await boss.says("/restock basmati rice 12 invoice 4411")  # a number in the note
    assert "Basmati rice: +12 pc, now 22 pc on hand." in boss.screen
    assert last_reason(bot, "RICE") == (StockReason.RECEIVED, "invoice 4411")


async def test_a_name_that_fits_two_items_asks_which_one_and_moves_nothing(
    bot: RunningBot,
) -> None:
    sell(bot, 4, sku="YOG-GR", name="Greek yoghurt")
    sell(bot, 6, sku="YOG-NAT", name="Natural yoghurt")
    boss = logged_in_manager(bot)

    await boss.says("/adjust yoghurt -1 damaged")
    assert boss.screen == (
        "“yoghurt” fits several items: YOG-GR (Greek yoghurt), YOG-NAT (Natural yoghurt). "
        "Send the command again with the SKU."
    )
    await boss.says("/restock yoghurt 6")
    assert "“yoghurt” fits several items. Restock 6 of which one?" in boss.screen
    offer = boss.last
    assert offer.button_texts == ["YOG-GR · Greek yoghurt", "YOG-NAT · Natural yoghurt"]
    assert (stock_of(bot, "YOG-GR"), stock_of(bot, "YOG-NAT")) == (4, 6)

    await boss.presses("YOG-NAT · Natural yoghurt", on=offer)
    assert "Restocked. Natural yoghurt: +6 pc, now 12 pc on hand." in boss.screen
    assert stock_of(bot, "YOG-GR") == 4


async def test_a_word_that_begins_two_items_names_lists_both_and_moves_neither(
    bot: RunningBot,
) -> None:
    sell(bot, 4, sku="JUICE", name="Apple juice")
    sell(bot, 6, sku="GALA", name="Gala apples")
    boss = logged_in_manager(bot)

    await boss.says("/stock apple")
    assert "Stock for “apple”: 2 items" in boss.screen
    assert "JUICE Apple juice: 4 pc" in boss.screen and "GALA Gala apples: 6 pc" in boss.screen
    await boss.says("/restock apple 6")
    assert "“apple” fits several items. Restock 6 of which one?" in boss.screen
    assert (stock_of(bot, "JUICE"), stock_of(bot, "GALA")) == (4, 6)


async def test_a_french_clerk_adjusts_with_french_reasons_and_decimal_commas(
    bot: RunningBot,
) -> None:
    sell(bot, "3", sku="BANANA", name="Bananes", unit=Unit.KILOGRAM, step=Decimal("0.5"))
    sell(bot, 10, sku="EGGS", name="Œufs")
    margot = french_manager(bot)

    await margot.says("/adjust BANANA -0,5 Pourri")
    assert stock_of(bot, "BANANA") == Decimal("2.5")
    assert last_reason(bot, "BANANA") == (StockReason.DAMAGED, "")
    await margot.says("/adjust banana -0,5 ABIME tombé du rayon")
    assert last_reason(bot, "BANANA") == (StockReason.DAMAGED, "tombé du rayon")
    await margot.says("/adjust EGGS -1 vol")
    await margot.says("/adjust EGGS 2 inventaire")
    assert stock_of(bot, "EGGS") == 11
    assert last_reason(bot, "EGGS")[0] is StockReason.COUNT_CORRECTION

    # An English word is still understood; an unknown one lists the French words.
    await margot.says("/adjust EGGS -1 rotten")
    assert stock_of(bot, "EGGS") == 10
    await margot.says("/adjust EGGS -1 parceque")
    assert "abîmé, perdu, inventaire" in margot.screen
    assert "damaged" not in margot.screen
    await margot.says("/adjust EGGS -1")
    assert "abîmé, perdu, inventaire" in margot.screen
    assert stock_of(bot, "EGGS") == 10


async def test_an_english_clerk_is_shown_the_english_reasons(bot: RunningBot) -> None:
    sell(bot, 10, sku="EGGS", name="Eggs")
    boss = logged_in_manager(bot)
    await boss.says("/adjust EGGS -1 because")
    assert "REASON being one of: damaged, lost, correction; e.g. /adjust EGGS-6 -2 damaged" in (
        boss.screen
    )


def code_in(text: str, command: str) -> str:
    found = re.search(rf"/{command} (\S+)", text)
    assert found is not None, text
    return found.group(1)


def link_in(text: str) -> str:
    found = re.search(r"https://t\.me/(\S+)\?start=(\S+)", text)
    assert found is not None, text
    return found.group(2)


async def sign_up(newcomer: ChatPerson, first: str, username: str) -> None:
    await newcomer.says(first)
    assert "Invite accepted: you will be staff." in newcomer.screen
    await newcomer.says(username)
    await newcomer.says(username.title())
    await newcomer.says(f"{username}'s long password")
    await newcomer.says(f"{username}'s long password")
    assert "logged in as staff" in newcomer.screen


async def test_an_invite_code_typed_in_lower_case_with_spaces_signs_up(bot: RunningBot) -> None:
    boss = logged_in_manager(bot)
    await boss.says("/invite staff")
    code = code_in(boss.screen, "signup")
    spaced = " ".join(code[i : i + 4] for i in range(0, len(code), 4)).lower()
    await sign_up(someone(bot, "Cleo"), f"/signup  {spaced} ", "cleo")


async def test_the_invite_link_a_manager_forwards_opens_the_sign_up(bot: RunningBot) -> None:
    boss = logged_in_manager(bot)
    await boss.says("/invite staff")
    assert "Forward them this link: https://t.me/" in boss.screen
    payload = link_in(boss.screen)
    assert payload == "i_" + code_in(boss.screen, "signup")
    await sign_up(someone(bot, "Dan"), f"/start {payload}", "dan")
    # The link works once.
    late = someone(bot, "Eve")
    await late.says(f"/start {payload}")
    assert "Invite accepted" not in late.screen


async def test_deactivation_asks_first_and_keep_changes_nothing(bot: RunningBot) -> None:
    boss = logged_in_manager(bot)
    await boss.says("/invite staff")
    cleo = someone(bot, "Cleo")
    await sign_up(cleo, f"/signup {code_in(boss.screen, 'signup')}", "cleo")

    await boss.says("/staff")
    listing = boss.last
    await boss.presses("Deactivate cleo", on=listing)
    assert "Deactivate Cleo (cleo)? They are logged out at once" in boss.screen
    assert listing.button_texts == ["Yes, deactivate cleo", "Keep cleo"]
    await boss.presses("Keep cleo", on=listing)
    assert "Cleo (cleo), staff, active" in boss.screen
    await cleo.says("/stock")
    assert "Your staff account was switched off" not in cleo.screen

    await boss.presses("Deactivate cleo", on=listing)
    confirm = next(b for b in listing.buttons if b["text"] == "Yes, deactivate cleo")
    await boss.presses("Yes, deactivate cleo", on=listing)
    assert "Cleo (cleo), staff, deactivated" in boss.screen
    # Cleo is told from the outbox; the /stock after it is answered on its own.
    await bot.double.wait_for(
        lambda: cleo.has_seen("Your staff account cleo was switched off"), what="Cleo's notice"
    )
    await cleo.says("/stock")
    assert "Your staff account was switched off by a manager" in cleo.screen

    # The old confirmation again, once Cleo is back: it changes nothing.
    await boss.presses("Reactivate cleo", on=listing)
    alert = await boss.presses_data(confirm["callback_data"], on=listing)
    assert alert is not None and "This confirmation is out of date" in alert
    assert "Cleo (cleo), staff, active" in boss.screen


async def test_a_stale_or_forged_confirmation_is_refused(bot: RunningBot) -> None:
    boss = logged_in_manager(bot)
    await boss.says("/invite staff")
    await sign_up(someone(bot, "Cleo"), f"/signup {code_in(boss.screen, 'signup')}", "cleo")
    cleo_id = staff_id_by_name(bot, "cleo")
    await boss.says("/staff")
    listing = boss.last
    an_hour_ago = int(time.time()) - 3600
    tomorrow = int(time.time()) + 86400
    for asked in (an_hour_ago, tomorrow):
        alert = await boss.presses_data(f"sac:{cleo_id}:{asked}", on=listing)
        assert alert is not None and "out of date" in alert
    assert "Cleo (cleo), staff, active" in boss.screen
    boss_id = staff_id_by_name(bot, "boss")
    alert = await boss.presses_data(f"sac:{boss_id}:{int(time.time())}", on=listing)
    assert alert is not None and "out of date" in alert
    assert "(boss), manager, active" in boss.screen


def staff_id_by_name(bot: RunningBot, username: str) -> int:
    with bot.shop.uow() as uow:
        account = uow.staff.get_by_username(username)
    assert account is not None and account.id is not None
    return account.id


async def test_a_member_who_forgot_their_password_sets_a_new_one_with_a_reset_link(
    bot: RunningBot,
) -> None:
    boss = logged_in_manager(bot)
    await boss.says("/invite staff")
    cleo = someone(bot, "Cleo")
    await sign_up(cleo, f"/signup {code_in(boss.screen, 'signup')}", "cleo")

    await boss.says("/resetpassword")
    assert "Usage: /resetpassword USERNAME" in boss.screen
    await boss.says("/resetpassword nobody")
    assert "There is no staff account nobody." in boss.screen
    await boss.says("/resetpassword CLEO")
    assert "Password reset for Cleo (cleo). Forward them this link: https://t.me/" in boss.screen
    payload = link_in(boss.screen)
    assert payload.startswith("r_")

    await cleo.says(f"/start {payload}")
    assert "New password for cleo" in cleo.screen
    await cleo.says("short")
    assert "A password needs at least 10 characters" in cleo.screen
    await cleo.says("cleo's new password")
    await cleo.says("cleo's other password")
    assert "The two passwords differ" in cleo.screen
    await cleo.says("cleo's new password")
    await cleo.says("cleo's new password")
    assert "Your password is changed, cleo." in cleo.screen
    typed = [m for m in cleo.chat.messages if not m.from_bot and "password" in (m.text or "")]
    assert len(typed) == 6 and all(m.deleted for m in typed)  # sign-up 2, reset 4
    await cleo.says("/stock")
    assert "This is for store staff" in cleo.screen  # the session ended

    await cleo.says("/login")
    await cleo.says("cleo")
    await cleo.says("cleo's long password")
    assert "Welcome" not in cleo.screen
    await cleo.says("/login")
    await cleo.says("cleo")
    await cleo.says("cleo's new password")
    assert "Welcome, Cleo!" in cleo.screen

    # The link is spent.
    await cleo.says(f"/start {payload}")
    assert "This reset code is not valid" in cleo.screen


def section(text: str, title: str) -> list[str]:
    """The lines of one part of a /help message (parts are split by an empty line)."""
    part = next(p for p in text.split("\n\n") if p.startswith(title))
    return part.splitlines()[1:]


async def test_help_says_what_each_menu_button_does_then_the_commands(bot: RunningBot) -> None:
    ann = someone(bot, "Ann")
    await ann.says("/help")
    assert ann.screen.startswith("How to order")
    buttons = section(ann.screen, "The menu buttons")
    assert [line.split(" – ")[0] for line in buttons] == ann.last.button_texts
    commands = section(ann.screen, "Commands")
    assert commands[0] == "/start – Main menu"
    assert "/forgetme – Erase your personal data" in commands
    assert all(line.startswith("/") for line in commands)


async def test_staff_help_lists_the_menu_then_how_to_type_each_command(bot: RunningBot) -> None:
    boss = logged_in_manager(bot)
    await boss.says("/help")
    menu = section(boss.screen, "Your commands as manager")
    assert "/restock – Goods in: /restock SKU QTY [NOTE]" in menu
    assert "/resetpassword – Password reset: /resetpassword USERNAME" in menu
    assert menu[-1] == "/logout – Log out"
    typed = section(boss.screen, "How to type them")
    assert any(
        line.startswith("Usage: /restock SKU QTY [NOTE], e.g. /restock RICE-1KG 12")
        and "/restock greek yoghurt 6" in line
        for line in typed
    )
    assert typed[-1].startswith("Usage: /resetpassword USERNAME"), "nothing cut off"
    assert any("REASON being one of: damaged, lost, correction" in line for line in typed)
    assert not set(menu) & set(typed)


async def test_a_french_clerks_help_gives_the_reasons_in_french(bot: RunningBot) -> None:
    margot = french_manager(bot)
    await margot.says("/help")
    assert "abîmé, perdu, inventaire" in margot.screen
