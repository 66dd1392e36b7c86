"""Staff accounts: the first manager, invites, sign-up, log-in with lock-out, sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.clock import Clock, utc_now
from bot.domain.errors import (
    AccountLocked,
    AuthenticationFailed,
    InvalidInput,
    InvalidInvite,
    NotAuthorised,
    UsernameTaken,
)
from bot.domain.notifications import Notification
from bot.domain.passwords import PasswordHasher
from bot.domain.ports import StaffSession, UnitOfWork
from bot.domain.services.retry import retry_on_conflict
from bot.domain.staff import (
    CONFIRMATION_LIFETIME,
    INVITE_LIFETIME,
    RESET_LIFETIME,
    Invite,
    Role,
    StaffAccount,
    SwitchedOffNews,
    check_password_rules,
    invite_code_forms,
    lockout_after,
    new_invite_code,
    normalise_username,
)
from bot.domain.text import one_line, said

DEFAULT_IDLE_TIMEOUT = timedelta(hours=12)


def _display_name(text: str, username: str) -> str:
    name = one_line(text)[:80]
    return name or username


def _new_account(
    uow: UnitOfWork,
    username: str,
    display_name: str,
    password: str,
    role: Role,
    hasher: PasswordHasher,
    telegram_user_id: int | None = None,
) -> StaffAccount:
    username = normalise_username(username)
    check_password_rules(password, username)
    if uow.staff.get_by_username(username) is not None:
        raise UsernameTaken(username)
    return uow.staff.add(
        StaffAccount(
            username=username,
            display_name=_display_name(display_name, username),
            password_hash=hasher.hash(password),
            role=role,
            telegram_user_id=telegram_user_id,
        )
    )


@retry_on_conflict
def create_manager(
    username: str, password: str, *, display_name: str = "", uow: UnitOfWork, hasher: PasswordHasher
) -> StaffAccount:
    """The first manager comes from the command line; later staff come through invites."""
    with uow:
        account = _new_account(uow, username, display_name, password, Role.MANAGER, hasher)
        uow.commit()
        return account


@retry_on_conflict
def create_invite(
    manager_id: int, role: Role, *, uow: UnitOfWork, clock: Clock = utc_now
) -> Invite:
    with uow:
        check_manager(uow, manager_id)
        invite = uow.invites.add(
            Invite(new_invite_code(), role, manager_id, clock() + INVITE_LIFETIME)
        )
        uow.commit()
        return invite


@retry_on_conflict
def sign_up(
    code: str,
    username: str,
    display_name: str,
    password: str,
    *,
    telegram_user_id: int,
    uow: UnitOfWork,
    hasher: PasswordHasher,
    clock: Clock = utc_now,
) -> StaffAccount:
    """Redeem an invite: the new account is linked to this Telegram user and logged in."""
    now = clock()
    with uow:
        invite = _invite(uow, code)
        if invite is None or invite.id is None or not _joins(invite, now):
            raise InvalidInvite()
        account = _new_account(
            uow, username, display_name, password, invite.role, hasher, telegram_user_id
        )
        assert account.id is not None
        if not uow.invites.mark_used(invite.id, account.id, now):
            raise InvalidInvite()
        uow.sessions.open(StaffSession(telegram_user_id, account.id, now, now))
        uow.commit()
        return account


def _joins(invite: Invite, now: datetime) -> bool:
    """A usable sign-up invite (a password reset is no way in for a newcomer)."""
    return invite.is_usable(now) and invite.resets is None


def _invite(uow: UnitOfWork, typed: str) -> Invite | None:
    """The invite a typed code names, whatever its case and spaces."""
    for code in invite_code_forms(typed):
        invite = uow.invites.get_by_code(code)
        if invite is not None:
            return invite
    return None


def check_invite(code: str, *, uow: UnitOfWork, clock: Clock = utc_now) -> Role:
    """Tell early whether a code is good, before asking for a username and password."""
    with uow:
        invite = _invite(uow, code)
        if invite is None or not _joins(invite, clock()):
            raise InvalidInvite()
        return invite.role


@retry_on_conflict
def log_in(
    username: str,
    password: str,
    *,
    telegram_user_id: int,
    uow: UnitOfWork,
    hasher: PasswordHasher,
    clock: Clock = utc_now,
) -> StaffAccount:
    """Check the password. Five misses in a row make the Telegram user who typed them wait
    (15 minutes, then longer with every further miss), whatever usernames they tried. Misses
    are counted in one UPDATE each, so wrong passwords sent at the same instant all count."""
    now = clock()
    with uow:
        throttle = uow.throttles.get(telegram_user_id)
        if throttle.is_locked(now):
            assert throttle.locked_until is not None
            raise AccountLocked(_minutes_left(throttle.locked_until - now))
        account = _account_named(uow, username)
        if account is None or not hasher.verify(password, account.password_hash):
            if account is None:
                hasher.dummy_verify(password)
            wait = lockout_after(uow.throttles.count_miss(telegram_user_id))
            if wait is not None:
                uow.throttles.lock(telegram_user_id, now + wait)
            uow.commit()
            if wait is not None:
                raise AccountLocked(_minutes_left(wait))
            raise AuthenticationFailed()
        if not account.active:
            raise NotAuthorised(said("This account has been deactivated. Ask a manager."))
        assert account.id is not None
        account.telegram_user_id = telegram_user_id
        uow.staff.update(account)
        uow.throttles.reset(telegram_user_id)
        uow.sessions.open(StaffSession(telegram_user_id, account.id, now, now))
        uow.commit()
        return account


def _account_named(uow: UnitOfWork, username: str) -> StaffAccount | None:
    try:
        name = normalise_username(username)
    except InvalidInput:
        return None
    return uow.staff.get_by_username(name)


def _minutes_left(delta: timedelta) -> int:
    return max(1, -(-int(delta.total_seconds()) // 60))


@retry_on_conflict
def log_out(telegram_user_id: int, *, uow: UnitOfWork) -> None:
    """The session ends, and with it any question the member was asked."""
    with uow:
        uow.sessions.close(telegram_user_id)
        uow.prompts.delete(telegram_user_id)
        uow.commit()


# How stale "last seen" may get: idle time-outs are hours and "on duty" is 12 hours, so
# recording it once a minute loses nothing and spares a write on nearly every staff update.
TOUCH_EVERY = timedelta(minutes=1)


@retry_on_conflict
def current_staff(
    telegram_user_id: int,
    *,
    uow: UnitOfWork,
    idle_timeout: timedelta = DEFAULT_IDLE_TIMEOUT,
    clock: Clock = utc_now,
) -> StaffAccount | None:
    """The logged-in staff member behind this Telegram user, if the session is still good."""
    with uow:
        found, wrote = logged_in(uow, telegram_user_id, clock(), idle_timeout)
        if wrote:  # most reads write nothing
            uow.commit()
        return found.account if found else None


@dataclass(frozen=True, slots=True)
class Login:
    account: StaffAccount
    session: StaffSession


def logged_in(
    uow: UnitOfWork, telegram_user_id: int, now: datetime, idle_timeout: timedelta
) -> tuple[Login | None, bool]:
    """Inside an open unit of work: the member logged in from this Telegram user, if their
    session is still good, and whether that wrote anything the caller is to commit. A session
    gone idle, or of an account switched off, is closed; a good one is marked seen now (at
    most once a minute)."""
    session = uow.sessions.get(telegram_user_id)
    if session is None:
        return None, False
    account = uow.staff.get(session.staff_id)
    if account is None or not account.active or now - session.last_seen_at > idle_timeout:
        uow.sessions.close(telegram_user_id)
        return None, True
    if now - session.last_seen_at >= TOUCH_EVERY:
        uow.sessions.touch(telegram_user_id, now)
        return Login(account, session), True
    return Login(account, session), False


def switched_off(telegram_user_id: int, *, uow: UnitOfWork) -> bool:
    """Whether this Telegram user's staff accounts were all switched off (so a refusal can
    say so, rather than invite them to log in)."""
    with uow:
        linked = uow.staff.linked_to(telegram_user_id)
    return bool(linked) and not any(a.active for a in linked)


@retry_on_conflict
def set_staff_active(
    manager_id: int, staff_id: int, active: bool, *, uow: UnitOfWork, clock: Clock = utc_now
) -> StaffAccount:
    """Deactivation ends the person's sessions at once, and tells them."""
    with uow:
        check_manager(uow, manager_id)
        if manager_id == staff_id and not active:
            raise InvalidInput(said("You cannot deactivate your own account."))
        account = uow.staff.get(staff_id)
        if account is None:
            raise InvalidInput(said("There is no such staff account."))
        if account.active == active:
            return account  # a double tap: said and done already
        account.active = active
        uow.staff.update(account)
        if not active:
            uow.sessions.close_all_for(staff_id)
            if account.telegram_user_id is not None:
                uow.prompts.delete(account.telegram_user_id)
                news = SwitchedOffNews(account.username)
                uow.outbox.add(Notification(account.telegram_user_id, news, clock()))
        uow.commit()
        return account


def confirm_deactivation(
    manager_id: int, staff_id: int, asked_at: datetime, *, uow: UnitOfWork, clock: Clock = utc_now
) -> StaffAccount:
    """The second tap of "Deactivate": good for CONFIRMATION_LIFETIME after it was asked; an
    older button (or one dated later than now: forged) is refused and changes nothing."""
    age = clock() - asked_at
    if not timedelta(seconds=-5) <= age <= CONFIRMATION_LIFETIME:
        raise InvalidInput(said("This confirmation is out of date. Open /staff and choose again."))
    return set_staff_active(manager_id, staff_id, False, uow=uow, clock=clock)


def check_staff(uow: UnitOfWork, staff_id: int) -> StaffAccount:
    """Inside an open unit of work: the active staff member (any role) with this id, or
    NotAuthorised. Staff use cases call it themselves, whatever guard the caller has."""
    account = uow.staff.get(staff_id)
    if account is None or not account.active:
        raise NotAuthorised()
    return account


def check_manager(uow: UnitOfWork, staff_id: int) -> StaffAccount:
    """Inside an open unit of work: the active manager with this id, or NotAuthorised. Manager
    use cases call it themselves, whatever guard the caller has (defence in depth)."""
    account = uow.staff.get(staff_id)
    if account is None or not account.active or account.role is not Role.MANAGER:
        raise NotAuthorised(said("This is for managers only."))
    return account


def staff_accounts(requested_by: int, *, uow: UnitOfWork) -> list[StaffAccount]:
    with uow:
        check_manager(uow, requested_by)
        return uow.staff.all()


# ----------------------------------------------------------------------------- password resets

BAD_RESET = said(
    "This reset code is not valid (used, expired or mistyped). Ask a manager for a new one."
)


@retry_on_conflict
def issue_password_reset(
    manager_id: int, username: str, *, uow: UnitOfWork, clock: Clock = utc_now
) -> tuple[Invite, StaffAccount]:
    """A single-use code, good for RESET_LIFETIME, with which the member sets a new password."""
    with uow:
        check_manager(uow, manager_id)
        account = _account_named(uow, username)
        if account is None or account.id is None:
            raise InvalidInput(said("There is no staff account {username}."), username=username)
        if not account.active:
            raise InvalidInput(
                said("{username} is deactivated: reactivate the account in /staff first."),
                username=account.username,
            )
        reset = Invite(
            new_invite_code(), account.role, manager_id, clock() + RESET_LIFETIME, resets=account.id
        )
        reset = uow.invites.add(reset)
        uow.commit()
        return reset, account


def check_password_reset(code: str, *, uow: UnitOfWork, clock: Clock = utc_now) -> StaffAccount:
    """The account a reset code is for, before asking for the new password."""
    with uow:
        return _reset_account(uow, _invite(uow, code), clock())[1]


def _reset_account(
    uow: UnitOfWork, reset: Invite | None, now: datetime
) -> tuple[Invite, StaffAccount]:
    if reset is None or reset.resets is None or not reset.is_usable(now):
        raise InvalidInput(BAD_RESET)
    account = uow.staff.get(reset.resets)
    if account is None or not account.active:
        raise NotAuthorised(said("This account has been deactivated. Ask a manager."))
    return reset, account


@retry_on_conflict
def reset_password(
    code: str,
    password: str,
    *,
    telegram_user_id: int | None = None,
    uow: UnitOfWork,
    hasher: PasswordHasher,
    clock: Clock = utc_now,
) -> StaffAccount:
    """The new password (bcrypt-hashed); the code is spent in a conditional UPDATE, so two
    uses at the same instant set one password, and every session of the account ends. The
    Telegram user who used the code (`telegram_user_id`) is no longer held back by the wrong
    passwords that made them ask for it: they log in with the new one now."""
    now = clock()
    with uow:
        reset, account = _reset_account(uow, _invite(uow, code), now)
        assert reset.id is not None and account.id is not None
        check_password_rules(password, account.username)
        if not uow.invites.mark_used(reset.id, account.id, now):
            raise InvalidInput(BAD_RESET)
        account.password_hash = hasher.hash(password)
        uow.staff.update(account)
        uow.sessions.close_all_for(account.id)
        if telegram_user_id is not None:
            uow.throttles.reset(telegram_user_id)
        uow.commit()
        return account
