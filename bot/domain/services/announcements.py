"""A manager's announcement to the customers who asked for news: written (text, then an
optional photo), aimed (everyone who opted in, buyers of a category, or those not seen for a
while), previewed with the number of people, and sent once through the outbox."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import permissions
from bot.domain.catalogue import category_key
from bot.domain.clock import Clock, utc_now
from bot.domain.errors import DomainError, InvalidInput, NotAuthorised
from bot.domain.news import (
    ABSENT_FOR,
    LATEST_ANNOUNCEMENTS,
    AlreadyAnnounced,
    Announcement,
    AnnouncementCounts,
    AnnouncementNews,
    Audience,
    NobodyToTell,
    UnknownAnnouncement,
    clean_announcement,
)
from bot.domain.notifications import Notification
from bot.domain.permissions import allows
from bot.domain.ports import UnitOfWork
from bot.domain.prompts import AnnounceDraft, PromptKind
from bot.domain.services import prompts
from bot.domain.services.retry import retry_on_conflict
from bot.domain.services.staff import check_staff
from bot.domain.staff import StaffAccount
from bot.domain.text import said


class AnnouncementStep:
    TEXT = "text"
    PHOTO = "photo"
    AUDIENCE = "audience"


class NotWriting(DomainError):
    def __init__(self) -> None:
        super().__init__(said("No announcement is being written; send /announce to start one."))


class UnknownCategory(InvalidInput):
    def __init__(self) -> None:
        super().__init__(said("That category is no longer there; please choose again."))


@dataclass(frozen=True, slots=True)
class Preview:
    """A draft as its customers will see it, and how many they are."""

    announcement: Announcement
    people: int


def _manager(uow: UnitOfWork, staff_id: int) -> StaffAccount:
    account = check_staff(uow, staff_id)
    if not allows(permissions.ANNOUNCEMENTS, account.role):
        raise NotAuthorised(said("This is for managers only."))
    return account


def begin_announcement(telegram_user_id: int, *, uow: UnitOfWork, clock: Clock = utc_now) -> None:
    """/announce: the next typed message is the announcement's text."""
    prompts.ask(telegram_user_id, PromptKind.ANNOUNCE, AnnouncementStep.TEXT, uow=uow, clock=clock)


@retry_on_conflict
def take_text(
    telegram_user_id: int, text: str, *, uow: UnitOfWork, clock: Clock = utc_now
) -> AnnounceDraft:
    """The text, checked; a photo is asked for next."""
    cleaned = clean_announcement(text)
    draft = AnnounceDraft(text=cleaned)
    prompts.ask(
        telegram_user_id,
        PromptKind.ANNOUNCE,
        AnnouncementStep.PHOTO,
        draft,
        uow=uow,
        clock=clock,
    )
    return draft


@retry_on_conflict
def take_photo(
    telegram_user_id: int, photo: str | None, *, uow: UnitOfWork, clock: Clock = utc_now
) -> AnnounceDraft:
    """Its photo (None: none); the audience is asked for next."""
    with uow:
        prompt = uow.prompts.get(telegram_user_id, for_update=True)
        if (
            prompt is None
            or prompt.kind is not PromptKind.ANNOUNCE
            or prompt.step != AnnouncementStep.PHOTO
            or prompt.is_stale(clock())
            or not isinstance(prompt.draft, AnnounceDraft)
        ):
            raise NotWriting()
        draft = AnnounceDraft(prompt.draft.text, photo)
        prompt.draft, prompt.step, prompt.updated_at = draft, AnnouncementStep.AUDIENCE, clock()
        uow.prompts.save(prompt)
        uow.commit()
        return draft


def categories(*, uow: UnitOfWork) -> list[str]:
    """The categories an audience may be narrowed to: the shop's, as listed."""
    with uow.reading():
        return uow.products.categories()


@retry_on_conflict
def preview(
    staff_id: int,
    telegram_user_id: int,
    audience: Audience,
    category: str | None = None,
    *,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> Preview:
    """The written announcement, aimed: kept as a draft the manager confirms (or not), with
    the number of people it would reach now. `category`: a category's key (a button)."""
    now = clock()
    with uow:
        manager = _manager(uow, staff_id)
        prompt = uow.prompts.get(telegram_user_id, for_update=True)
        if (
            prompt is None
            or prompt.kind is not PromptKind.ANNOUNCE
            or prompt.step != AnnouncementStep.AUDIENCE
            or prompt.is_stale(now)
            or not isinstance(prompt.draft, AnnounceDraft)
        ):
            raise NotWriting()
        named = None
        if audience is Audience.CATEGORY:
            found = [c for c in uow.products.categories() if category_key(c) == category]
            if not found:
                raise UnknownCategory()
            named = found[0]
        draft = Announcement(
            prompt.draft.text,
            audience,
            f"staff:{manager.username}",
            now,
            photo=prompt.draft.photo,
            category=named,
        )
        saved = uow.announcements.add(draft)
        people = len(uow.news.audience(audience, named, now - ABSENT_FOR))
        uow.prompts.delete(telegram_user_id)
        uow.commit()
        return Preview(saved, people)


@retry_on_conflict
def send_announcement(
    staff_id: int, announcement_id: int, *, uow: UnitOfWork, clock: Clock = utc_now
) -> Announcement:
    """Confirmed: one message per person in its audience now, queued in this transaction
    (the sender keeps the notification budget). Only the first confirmation sends: a double
    tap or two workers at once find it queued (AlreadyAnnounced)."""
    now = clock()
    with uow:
        _manager(uow, staff_id)
        announcement = uow.announcements.get(announcement_id)
        if announcement is None:
            raise UnknownAnnouncement()
        recipients = uow.news.audience(
            announcement.audience, announcement.category, now - ABSENT_FOR
        )
        if not recipients:
            raise NobodyToTell()
        if not uow.announcements.mark_queued(announcement_id, now):
            fresh = uow.announcements.get(announcement_id)
            raise AlreadyAnnounced(fresh.recipients if fresh else 0)
        uow.announcements.add_recipients(announcement_id, [r.customer_id for r in recipients])
        for recipient in recipients:
            news = AnnouncementNews(
                announcement_id, recipient.customer_id, announcement.text, announcement.photo
            )
            uow.outbox.add(Notification(recipient.telegram_user_id, news, now))
        uow.commit()
        return Announcement(
            announcement.text,
            announcement.audience,
            announcement.created_by,
            announcement.created_at,
            announcement.photo,
            announcement.category,
            now,
            len(recipients),
            announcement_id,
        )


def latest_announcements(
    staff_id: int, *, uow: UnitOfWork, limit: int = LATEST_ANNOUNCEMENTS
) -> list[AnnouncementCounts]:
    """The latest sent, newest first: delivered, blocked, unsubscribed."""
    with uow.reading():
        _manager(uow, staff_id)
        return uow.announcements.latest(limit=limit)
