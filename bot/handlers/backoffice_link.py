"""/backoffice: a link into the back office for a desktop browser, good once for five minutes,
sent only in the member's private chat with the bot."""

from __future__ import annotations

from html import escape as esc

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ChatType, ParseMode

from bot.domain import permissions
from bot.domain.services import backoffice
from bot.handlers.context import ShopContext
from bot.handlers.routes import Command, Feature
from bot.handlers.screens import polite, say
from bot.i18n import said

NOT_SET_UP = said(
    "The back office is not set up on this server yet: whoever runs the bot sets "
    "SHOPKEEPS_BACKOFFICE_URL to its web address."
)
PRIVATE_ONLY = said(
    "A back-office link is for your eyes only: send /backoffice to me in a private chat."
)


@polite
async def send_link(update: Update, context: ShopContext) -> str | None:
    """/backoffice: the link, with a button that opens it."""
    t = context.texts(update)
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    if chat.type != ChatType.PRIVATE:
        await say(update, esc(t(PRIVATE_ONLY)))
        return None
    settings = context.shop.settings
    if settings.backoffice_url is None:
        await say(update, esc(t(NOT_SET_UP)))
        return None
    token = await context.run(
        backoffice.issue_link, user.id, idle_timeout=settings.staff_idle_timeout
    )
    link = settings.back_office_link(token)
    assert link is not None
    await chat.send_message(
        esc(
            t(
                "🗂 Your link to the back office. It opens it once, within 5 minutes; "
                "do not share it."
            )
        ),
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(t("Open the back office"), url=link)]]
        ),
    )
    return None


FEATURE = Feature(
    commands=[
        Command(
            "backoffice",
            send_link,
            permissions.TEAM_MEMBER,
            said("Back office in a browser"),
        )
    ]
)
