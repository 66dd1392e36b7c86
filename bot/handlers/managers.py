"""Managers invite staff, switch accounts off and on, and reset a forgotten password. Behind
the guard (managers only)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from html import escape as esc

from telegram import InlineKeyboardMarkup, Message, Update

from bot.deep_links import invite_link, reset_link
from bot.domain import permissions
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.services import staff
from bot.domain.staff import Role, StaffAccount, SwitchedOffNews
from bot.domain.store import Store
from bot.domain.text import said
from bot.handlers.access import signed_in
from bot.handlers.button_kinds import ConfirmDeactivation, StaffList, Switch, SwitchAccount
from bot.handlers.context import ShopContext
from bot.handlers.notification_texts import Rendered, renders
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say, show
from bot.handlers.views import button
from bot.i18n import Texts

RESET_USAGE = said(
    "Usage: /resetpassword USERNAME – a single-use link with which a member who forgot their "
    "password chooses a new one"
)


@renders(SwitchedOffNews)
def switched_off_text(t: Texts, news: SwitchedOffNews, store: Store) -> Rendered:
    """To a staff member a manager deactivated."""
    off = t(
        "Your staff account <b>{username}</b> was switched off by a manager: you are "
        "logged out. You can still order here as a customer.",
        username=esc(news.username),
    )
    return off, None


@polite
async def invite(update: Update, context: ShopContext) -> str | None:
    """/invite staff|manager: a single-use code, valid 48 hours."""
    manager = await signed_in(update, context)
    assert manager.id is not None
    wanted = (context.args or [""])[0].lower()
    if wanted not in (Role.STAFF.value, Role.MANAGER.value):
        raise InvalidInput(said("Usage: /invite staff or /invite manager"))
    made = await context.run(staff.create_invite, manager.id, Role(wanted))
    t = context.texts(update)
    expires = t.moment(made.expires_at.astimezone(context.shop.store.timezone))
    code = esc(made.code)
    invited = (
        t("Invite for a new staff member: <code>{code}</code>", code=code)
        if wanted == Role.STAFF.value
        else t("Invite for a new manager: <code>{code}</code>", code=code)
    )
    how = t(
        "Forward them this link: {link}\nOr they send <code>/signup {code}</code> to this bot. "
        "It works once, until {expires}.",
        link=esc(invite_link(context.bot.username, made.code)),
        code=code,
        expires=expires,
    )
    await say(update, f"{invited}\n{how}")
    return None


@polite
async def reset_password(update: Update, context: ShopContext) -> str | None:
    """/resetpassword USERNAME: a single-use link (valid 24 hours) for a member who forgot
    their password."""
    manager = await signed_in(update, context)
    assert manager.id is not None
    if not context.args:
        raise InvalidInput(RESET_USAGE)
    reset, account = await context.run(
        staff.issue_password_reset, manager.id, " ".join(context.args)
    )
    t = context.texts(update)
    expires = t.moment(reset.expires_at.astimezone(context.shop.store.timezone))
    text = t(
        "Password reset for {name} (<code>{username}</code>). Forward them this link: {link}\n"
        "Or they send <code>/reset {code}</code> to this bot. It works once, until {expires}; "
        "their old password works until they choose a new one.",
        name=esc(account.display_name),
        username=esc(account.username),
        link=esc(reset_link(context.bot.username, reset.code)),
        code=esc(reset.code),
        expires=expires,
    )
    await say(update, f"🔑 {text}")
    return None


def _staff_screen(
    t: Texts, accounts: list[StaffAccount], me: StaffAccount
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t("<b>Staff accounts</b>")]
    rows = []
    for a in accounts:
        state = t("active") if a.active else t("deactivated")
        lines.append(
            f"• {esc(a.display_name)} (<code>{esc(a.username)}</code>), {t.shown(a.role)}, {state}"
        )
        if a.id != me.id and a.id is not None:
            label = (
                t("Deactivate {username}", username=a.username)
                if a.active
                else t("Reactivate {username}", username=a.username)
            )
            rows.append([button(label, SwitchAccount(a.id, Switch.OFF if a.active else Switch.ON))])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


@polite
async def list_staff(update: Update, context: ShopContext) -> str | None:
    """/staff: every account, with a button to switch each off or on."""
    me = await signed_in(update, context)
    assert me.id is not None
    accounts = await context.run(staff.staff_accounts, me.id)
    await say(update, *_staff_screen(context.texts(update), accounts, me))
    return None


@polite
async def switch(update: Update, context: ShopContext) -> str | None:
    """Reactivation is one tap; deactivation asks first (a second tap confirms it)."""
    me = await signed_in(update, context)
    assert me.id is not None
    pressed = SwitchAccount.of(update)
    t = context.texts(update)
    if pressed.to is Switch.OFF:
        accounts = await context.run(staff.staff_accounts, me.id)
        wanted = next((a for a in accounts if a.id == pressed.staff_id and a.active), None)
        if wanted is None or wanted.id is None or wanted.id == me.id:
            await show(update, *_staff_screen(t, accounts, me))
            return t("That account is not active any more.")
        await show(update, *_confirmation(t, wanted, int(time.time())))
        return None
    account = await context.run(staff.set_staff_active, me.id, pressed.staff_id, True)
    return await _switched(update, context, me, account)


def _confirmation(t: Texts, account: StaffAccount, asked: int) -> tuple[str, InlineKeyboardMarkup]:
    assert account.id is not None
    question = t(
        "Deactivate {name} ({username})? They are logged out at once and cannot log in again "
        "until a manager reactivates the account.",
        name=esc(account.display_name),
        username=esc(account.username),
    )
    yes = t("Yes, deactivate {username}", username=account.username)
    keep = t("Keep {username}", username=account.username)
    rows = [
        [button(yes, ConfirmDeactivation(account.id, asked))],
        [button(keep, StaffList())],
    ]
    return question, InlineKeyboardMarkup(rows)


@polite
async def confirm_deactivation(update: Update, context: ShopContext) -> str | None:
    """ "Yes, deactivate": that person's sessions end at once (an old button changes nothing)."""
    me = await signed_in(update, context)
    assert me.id is not None
    pressed = ConfirmDeactivation.of(update)
    t = context.texts(update)
    try:
        if not _still_shown(update):
            raise InvalidInput(OUT_OF_DATE)
        asked = datetime.fromtimestamp(pressed.asked, UTC)
        account = await context.run(staff.confirm_deactivation, me.id, pressed.staff_id, asked)
    except DomainError as refused:
        accounts = await context.run(staff.staff_accounts, me.id)
        await show(update, *_staff_screen(t, accounts, me))
        return t.refusal(refused)
    return await _switched(update, context, me, account)


OUT_OF_DATE = said("This confirmation is out of date. Open /staff and choose again.")


def _still_shown(update: Update) -> bool:
    """Whether the pressed button is on its message as Telegram has it now: a confirmation
    the screen has moved on from (or data no screen showed) confirms nothing."""
    query = update.callback_query
    message = query.message if query is not None else None
    markup = message.reply_markup if isinstance(message, Message) else None
    if query is None or markup is None:
        return False
    return any(b.callback_data == query.data for row in markup.inline_keyboard for b in row)


@polite
async def keep_account(update: Update, context: ShopContext) -> str | None:
    """ "Keep": back to the accounts, nothing changed."""
    me = await signed_in(update, context)
    assert me.id is not None
    accounts = await context.run(staff.staff_accounts, me.id)
    await show(update, *_staff_screen(context.texts(update), accounts, me))
    return None


async def _switched(
    update: Update, context: ShopContext, me: StaffAccount, account: StaffAccount
) -> str:
    assert me.id is not None
    accounts = await context.run(staff.staff_accounts, me.id)
    t = context.texts(update)
    await show(update, *_staff_screen(t, accounts, me))
    if account.active:
        return t("{username} is active.", username=account.username)
    return t("{username} is deactivated.", username=account.username)


FEATURE = Feature(
    commands=[
        Command(
            "invite",
            invite,
            permissions.TEAM,
            said("Invite: /invite staff|manager"),
            said("/invite staff (or manager) – a sign-up code for a newcomer"),
        ),
        Command(
            "staff",
            list_staff,
            permissions.TEAM,
            said("Staff accounts"),
            said("/staff – switch accounts off and on"),
        ),
        Command(
            "resetpassword",
            reset_password,
            permissions.TEAM,
            said("Password reset: /resetpassword USERNAME"),
            RESET_USAGE,
        ),
    ],
    presses=[
        Press(SwitchAccount, switch, permissions.TEAM),
        Press(ConfirmDeactivation, confirm_deactivation, permissions.TEAM),
        Press(StaffList, keep_account, permissions.TEAM),
    ],
)
