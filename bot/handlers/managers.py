"""Managers invite staff and switch accounts off and on. Behind the guard (managers only)."""

from __future__ import annotations

from html import escape as esc

from telegram import InlineKeyboardMarkup, Update

from bot.domain.errors import InvalidInput
from bot.domain.services import staff
from bot.domain.staff import Role, StaffAccount
from bot.handlers.access import signed_in
from bot.handlers.button_kinds import Switch, SwitchAccount
from bot.handlers.context import ShopContext
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say, show
from bot.handlers.views import button


@polite
async def invite(update: Update, context: ShopContext) -> str | None:
    """/invite staff|manager: a single-use code, valid 48 hours."""
    manager = await signed_in(update, context)
    assert manager.id is not None
    wanted = (context.args or [""])[0].lower()
    if wanted not in (Role.STAFF.value, Role.MANAGER.value):
        raise InvalidInput("Usage: /invite staff or /invite manager")
    made = await context.run(staff.create_invite, manager.id, Role(wanted))
    expires = made.expires_at.astimezone(context.shop.store.timezone).strftime("%a %d %b %H:%M")
    await say(
        update,
        f"Invite for a new {'staff member' if wanted == Role.STAFF.value else 'manager'}: "
        f"<code>{esc(made.code)}</code>\n"
        f"They send <code>/signup {esc(made.code)}</code> to this bot. It works "
        f"once, until {expires}.",
    )
    return None


def _staff_screen(
    accounts: list[StaffAccount], me: StaffAccount
) -> tuple[str, InlineKeyboardMarkup]:
    lines = ["<b>Staff accounts</b>"]
    rows = []
    for a in accounts:
        state = "active" if a.active else "deactivated"
        lines.append(
            f"• {esc(a.display_name)} (<code>{esc(a.username)}</code>), {a.role.value}, {state}"
        )
        if a.id != me.id and a.id is not None:
            label = f"Deactivate {a.username}" if a.active else f"Reactivate {a.username}"
            rows.append([button(label, SwitchAccount(a.id, Switch.OFF if a.active else Switch.ON))])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


@polite
async def list_staff(update: Update, context: ShopContext) -> str | None:
    """/staff: every account, with a button to switch each off or on."""
    me = await signed_in(update, context)
    assert me.id is not None
    accounts = await context.run(staff.staff_accounts, me.id)
    await say(update, *_staff_screen(accounts, me))
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
    await show(update, *_staff_screen(accounts, me))
    return f"{account.username} is {'active' if account.active else 'deactivated'}."


FEATURE = Feature(
    commands=[
        Command(
            "invite",
            invite,
            Role.MANAGER,
            "Invite: /invite staff|manager",
            "/invite staff (or manager) – a sign-up code for a newcomer",
        ),
        Command(
            "staff",
            list_staff,
            Role.MANAGER,
            "Staff accounts",
            "/staff – switch accounts off and on",
        ),
    ],
    presses=[Press(SwitchAccount, switch, Role.MANAGER)],
)
