"""Getting into the back office: the chat's single-use link, a Mini App's launch, and the web
session either opens. Every way in needs a good chat login (bot.domain.backoffice)."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from bot.domain.backoffice import (
    LINK_LIFETIME,
    WebEntry,
    WebLink,
    WebMember,
    WebSession,
    new_secret,
    secret_hash,
)
from bot.domain.clock import Clock, utc_now
from bot.domain.errors import NotAuthorised
from bot.domain.ports import UnitOfWork
from bot.domain.services.retry import retry_on_conflict
from bot.domain.services.staff import DEFAULT_IDLE_TIMEOUT, TOUCH_EVERY, Login, logged_in
from bot.domain.text import said

LOG_IN_FIRST = said("Please log in to the bot first: send /login in the chat.")
LINK_REFUSED = said(
    "This link has expired or was used already. Send /backoffice in the chat for a new one."
)


def _login(uow: UnitOfWork, telegram_user_id: int, now: datetime, idle: timedelta) -> Login:
    found, _wrote = logged_in(uow, telegram_user_id, now, idle)
    if found is None:
        uow.commit()  # a session found over is closed all the same
        raise NotAuthorised(LOG_IN_FIRST)
    return found


def _open(uow: UnitOfWork, login: Login, now: datetime) -> WebEntry:
    assert login.account.id is not None
    entry = WebEntry(new_secret(), new_secret())
    uow.web.open_session(
        WebSession(
            secret_hash(entry.token),
            login.account.id,
            login.session.telegram_user_id,
            login.session.started_at,
            entry.csrf,
            now,
        )
    )
    return entry


@retry_on_conflict
def issue_link(
    telegram_user_id: int,
    *,
    uow: UnitOfWork,
    idle_timeout: timedelta = DEFAULT_IDLE_TIMEOUT,
    clock: Clock = utc_now,
) -> str:
    """A link's secret for the member logged in from this Telegram user: it opens the back
    office once, within LINK_LIFETIME."""
    now = clock()
    with uow:
        login = _login(uow, telegram_user_id, now, idle_timeout)
        assert login.account.id is not None
        token = new_secret()
        uow.web.add_link(
            WebLink(secret_hash(token), login.account.id, telegram_user_id, now + LINK_LIFETIME)
        )
        uow.commit()
        return token


@retry_on_conflict
def enter_with_link(
    token: str,
    *,
    uow: UnitOfWork,
    idle_timeout: timedelta = DEFAULT_IDLE_TIMEOUT,
    clock: Clock = utc_now,
) -> WebEntry:
    """Spend the link (once, however many open it at the same instant) for a web session of
    the member it was sent to, still logged in as when it was sent."""
    now = clock()
    with uow:
        link = uow.web.use_link(secret_hash(token), now)
        if link is None:
            raise NotAuthorised(LINK_REFUSED)
        login = _login(uow, link.telegram_user_id, now, idle_timeout)
        if login.account.id != link.staff_id:  # logged in since as someone else
            raise NotAuthorised(LINK_REFUSED)
        entry = _open(uow, login, now)
        uow.commit()
        return entry


@retry_on_conflict
def enter_mini_app(
    telegram_user_id: int,
    *,
    language: str | None = None,
    uow: UnitOfWork,
    idle_timeout: timedelta = DEFAULT_IDLE_TIMEOUT,
    clock: Clock = utc_now,
) -> WebEntry:
    """A web session for the member logged in from this Telegram user, whose launch data
    Telegram signed (the web adapter checked the signature and its age). The app's language
    it names is noted as an update's is: the pages speak it unless the member chose one."""
    now = clock()
    with uow:
        if language is not None:
            uow.languages.note_app(telegram_user_id, language)
        entry = _open(uow, _login(uow, telegram_user_id, now, idle_timeout), now)
        uow.commit()
        return entry


@retry_on_conflict
def web_member(
    token: str,
    *,
    uow: UnitOfWork,
    idle_timeout: timedelta = DEFAULT_IDLE_TIMEOUT,
    clock: Clock = utc_now,
) -> WebMember | None:
    """The member behind a web session, if it and the chat login it hangs on are still good.
    Using the back office keeps the chat login from going idle, as using the chat does."""
    now = clock()
    with uow:
        web = uow.web.get_session(secret_hash(token))
        if web is None:
            return None
        found, wrote = logged_in(uow, web.telegram_user_id, now, idle_timeout)
        good = (
            found is not None
            and found.account.id == web.staff_id
            and found.session.started_at == web.staff_started_at
        )
        if not good or found is None:
            uow.web.close_session(web.token_hash)
            uow.commit()
            return None
        if now - web.last_seen_at >= TOUCH_EVERY:
            uow.web.touch_session(web.token_hash, now)
            wrote = True
        language = uow.languages.readers([web.telegram_user_id]).get(web.telegram_user_id)
        if wrote:
            uow.commit()
        return WebMember(found.account, web.csrf, language)


@retry_on_conflict
def leave(token: str, *, uow: UnitOfWork) -> None:
    """The back office's own "Log out": this browser's session ends; the chat stays logged in."""
    with uow:
        uow.web.close_session(secret_hash(token))
        uow.commit()


def csrf_matches(member: WebMember, sent: str | None) -> bool:
    """A form's token against its session's, in constant time."""
    return sent is not None and hmac.compare_digest(member.csrf.encode(), sent.encode())
