"""/announce and /announcements for managers: news to the customers who asked for it.

/announce asks for the text, then a photo (or none), then who it is for; the manager sees
the message as customers will and how many people it reaches, and confirms. The messages
go through the outbox, within the notification budget (bot.domain.services.announcements).
"""

from __future__ import annotations

from datetime import datetime
from html import escape as esc

from telegram import Message, Update
from telegram.constants import ParseMode

from bot.domain import permissions
from bot.domain.catalogue import category_key
from bot.domain.errors import DomainError
from bot.domain.news import MAX_ANNOUNCEMENT, Announcement, AnnouncementCounts, Audience
from bot.domain.prompts import Prompt, PromptKind
from bot.domain.services import announcements
from bot.domain.services.announcements import AnnouncementStep
from bot.domain.store import Store
from bot.handlers.access import signed_in
from bot.handlers.button_kinds import (
    AnnounceAudience,
    AnnounceNoPhoto,
    DropAnnouncement,
    SendAnnouncement,
)
from bot.handlers.context import ShopContext, user_id_of
from bot.handlers.fit import CAPTION, fit
from bot.handlers.news import announcement_message
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import TRY_AGAIN, polite, refused_then, say, show
from bot.handlers.views import Keyboard, button, clip
from bot.i18n import Texts, said

CATEGORY_BUTTONS = 30  # more than one screen holds: the first ones, in the list's order
QUOTED = 60  # how much of an announcement /announcements repeats

AUDIENCES = {
    Audience.EVERYONE: said("Everyone who asked for news"),
    Audience.CATEGORY: said("Those who bought from a category"),
    Audience.ABSENT: said("Those not seen for 30 days"),
}


def audience_label(t: Texts, announcement: Announcement) -> str:
    if announcement.audience is Audience.CATEGORY:
        return t("buyers of {category}", category=esc(announcement.category or ""))
    if announcement.audience is Audience.ABSENT:
        return t("not seen for 30 days")
    return t("everyone who asked for news")


def audience_question(t: Texts) -> tuple[str, Keyboard]:
    rows = [[button(t(label), AnnounceAudience(audience))] for audience, label in AUDIENCES.items()]
    return "👥 " + t("Who is it for? Only customers who asked for news get it."), Keyboard(rows)


def categories_question(t: Texts, categories: list[str]) -> tuple[str, Keyboard | None]:
    if not categories:
        return t("The shop has no categories yet."), None
    buttons = [
        button(clip(name, 30), AnnounceAudience(Audience.CATEGORY, category_key(name)))
        for name in categories[:CATEGORY_BUTTONS]
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return "🏷 " + t("Those who bought from which category?"), Keyboard(rows)


def counts_line(t: Texts, counts: AnnouncementCounts) -> str:
    parts = [
        "✅ " + t("{n} delivered", n=counts.delivered),
        "🚫 " + t("{n} blocked the bot", n=counts.blocked),
        "🔕 " + t("{n} unsubscribed", n=counts.unsubscribed),
    ]
    if counts.waiting:
        parts.append("⏳ " + t("{n} waiting", n=counts.waiting))
    if counts.failed:
        parts.append("⚠️ " + t("{n} could not be reached", n=counts.failed))
    return " · ".join(parts)


def announcements_screen(t: Texts, shown: list[AnnouncementCounts], store: Store) -> str:
    if not shown:
        return "📣 " + t("No announcement was sent yet. /announce writes one.")
    lines = ["📣 <b>" + t("Latest announcements") + "</b>"]
    for n, counts in enumerate(shown, start=1):
        announcement = counts.announcement
        sent_at: datetime = announcement.queued_at or announcement.created_at
        when = t.moment(sent_at.astimezone(store.timezone))
        quote = esc(clip(" ".join(announcement.text.split()), QUOTED))
        photo = " 🖼" if announcement.photo else ""
        people = t.plural("{n} person", "{n} people", announcement.recipients)
        lines += [
            "",
            f"{n}. <b>{when}</b>, {audience_label(t, announcement)} ({people}){photo}",
            f"“{quote}”",
            counts_line(t, counts),
        ]
    return "\n".join(lines)


@polite
async def begin(update: Update, context: ShopContext) -> str | None:
    """/announce: its text is asked for first."""
    await signed_in(update, context)
    await context.run(announcements.begin_announcement, user_id_of(update))
    t = context.texts(update)
    ask = t(
        "Write the announcement as customers will read it (at most {limit} characters). "
        "A photo comes next. /cancel to stop.",
        limit=MAX_ANNOUNCEMENT,
    )
    await say(update, "📣 " + ask)
    return None


async def _ask_photo(update: Update, context: ShopContext) -> None:
    t = context.texts(update)
    no_photo = Keyboard([[button(t("No photo"), AnnounceNoPhoto())]])
    await say(update, "🖼 " + t("Send a photo to go with it, or tap No photo."), no_photo)


async def take_answer(update: Update, context: ShopContext, prompt: Prompt) -> None:
    """What the manager sent while writing: the text, then the photo."""
    message, t = update.effective_message, context.texts(update)
    if message is None:
        return
    user = user_id_of(update)
    photo = message.photo[-1].file_id if message.photo else None
    no_photo = Keyboard([[button(t("No photo"), AnnounceNoPhoto())]])
    try:
        if prompt.step == AnnouncementStep.TEXT:
            typed = message.text or message.caption
            if typed is None:
                await say(update, t("Please type the announcement's text, or /cancel."))
                return
            await context.run(announcements.take_text, user, typed)
            if photo is None:
                await _ask_photo(update, context)
                return
            await context.run(announcements.take_photo, user, photo)  # text and photo at once
        elif prompt.step == AnnouncementStep.PHOTO:
            if photo is None:
                await say(update, t("Please send a photo, or tap No photo (or /cancel)."), no_photo)
                return
            await context.run(announcements.take_photo, user, photo)
        else:
            await say(update, t("Please tap who it is for, above (or /cancel)."))
            return
    except DomainError as refused:
        await say(update, refused_then(t, refused, t(TRY_AGAIN)))
        return
    await say(update, *audience_question(t))


@polite
async def no_photo(update: Update, context: ShopContext) -> str | None:
    await signed_in(update, context)
    await context.run(announcements.take_photo, user_id_of(update), None)
    t = context.texts(update)
    await show(update, "🖼 " + t("No photo."))
    await say(update, *audience_question(t))
    return None


@polite
async def choose_audience(update: Update, context: ShopContext) -> str | None:
    """Who it is for: the categories first if by category; then the preview and the count."""
    account = await signed_in(update, context)
    assert account.id is not None
    pressed = AnnounceAudience.of(update)
    t, store = context.texts(update), context.shop.store
    if pressed.audience is Audience.CATEGORY and not pressed.key:
        found = await context.run(announcements.categories)
        await show(update, *categories_question(t, found))
        return None
    shown = await context.run(
        announcements.preview,
        account.id,
        user_id_of(update),
        pressed.audience,
        pressed.key or None,
    )
    draft = shown.announcement
    assert draft.id is not None
    await show(update, "👥 " + audience_label(t, draft))
    await _show_as_customers_will(update, t, store, draft)
    people = t.plural(
        "It goes to {n} person who asked for news.",
        "It goes to {n} people who asked for news.",
        shown.people,
    )
    rows = [[button("✖ " + t("Don't send"), DropAnnouncement(draft.id))]]
    if shown.people:
        send = "📣 " + t.plural("Send to {n} person", "Send to {n} people", shown.people)
        rows.insert(0, [button(send, SendAnnouncement(draft.id))])
    else:
        people = t("Nobody in this audience has asked for news yet.")
    await say(
        update, "👆 " + t("This is how customers will see it.") + " " + people, Keyboard(rows)
    )
    return None


async def _show_as_customers_will(
    update: Update, t: Texts, store: Store, draft: Announcement
) -> Message:
    assert draft.id is not None and update.effective_chat is not None
    text, keyboard = announcement_message(t, store, draft.text, draft.id)
    if draft.photo:
        return await update.effective_chat.send_photo(
            draft.photo,
            caption=fit(text, CAPTION),
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
        )
    return await say(update, text, keyboard)


@polite
async def send(update: Update, context: ShopContext) -> str | None:
    """Confirmed: queued once for everyone in its audience now."""
    account = await signed_in(update, context)
    assert account.id is not None
    pressed = SendAnnouncement.of(update)
    sent = await context.run(announcements.send_announcement, account.id, pressed.announcement_id)
    t = context.texts(update)
    told = t.plural(
        "Sent to {n} person. /announcements shows how it went.",
        "Sent to {n} people. /announcements shows how it went.",
        sent.recipients,
    )
    await show(update, "✅ " + told)
    return t("Announcement sent.")


@polite
async def drop(update: Update, context: ShopContext) -> str | None:
    await signed_in(update, context)
    DropAnnouncement.of(update)
    t = context.texts(update)
    await show(update, "✖ " + t("Not sent. /announce writes another."))
    return None


@polite
async def list_announcements(update: Update, context: ShopContext) -> str | None:
    """/announcements: the latest few, with what became of each."""
    account = await signed_in(update, context)
    assert account.id is not None
    shown = await context.run(announcements.latest_announcements, account.id)
    await say(update, announcements_screen(context.texts(update), shown, context.shop.store))
    return None


FEATURE = Feature(
    commands=[
        Command(
            "announce",
            begin,
            permissions.ANNOUNCEMENTS,
            said("Send news to the customers who asked for it"),
        ),
        Command(
            "announcements",
            list_announcements,
            permissions.ANNOUNCEMENTS,
            said("Announcements sent, and how they went"),
        ),
    ],
    presses=[
        Press(AnnounceNoPhoto, no_photo, permissions.ANNOUNCEMENTS),
        Press(AnnounceAudience, choose_audience, permissions.ANNOUNCEMENTS),
        Press(SendAnnouncement, send, permissions.ANNOUNCEMENTS),
        Press(DropAnnouncement, drop, permissions.ANNOUNCEMENTS),
    ],
    answers={PromptKind.ANNOUNCE: take_answer},
)
