"""Managers invite staff and switch accounts off and on. Behind the guard (managers only)."""

from __future__ import annotations

from html import escape as esc

from telegram import InlineKeyboardMarkup, Update

from bot.domain.errors import InvalidInput
from bot.domain.services import staff
from bot.domain.staff import Role, StaffAccount
from bot.domain.text import said
from bot.handlers.access import signed_in
from bot.handlers.button_kinds import Switch, SwitchAccount
from bot.handlers.context import ShopContext
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say, show
from bot.handlers.views import button
from bot.i18n import Texts


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
        "They send <code>/signup {code}</code> to this bot. It works once, until {expires}.",
        code=code,
        expires=expires,
    )
    await say(update, f"{invited}\n{how}")
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
    """Deactivation ends that person's sessions at once."""
    me = await signed_in(update, context)
    assert me.id is not None
    pressed = SwitchAccount.of(update)
    account = await context.run(
        staff.set_staff_active, me.id, pressed.staff_id, pressed.to is Switch.ON
    )
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
            Role.MANAGER,
            said("Invite: /invite staff|manager"),
            said("/invite staff (or manager) – a sign-up code for a newcomer"),
        ),
        Command(
            "staff",
            list_staff,
            Role.MANAGER,
            said("Staff accounts"),
            said("/staff – switch accounts off and on"),
        ),
    ],
    presses=[Press(SwitchAccount, switch, Role.MANAGER)],
)
