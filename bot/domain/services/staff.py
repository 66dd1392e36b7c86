"""Staff accounts: the first manager, invites, sign-up, log-in with lock-out, sessions."""

from __future__ import annotations

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
from bot.domain.passwords import PasswordHasher
from bot.domain.ports import StaffSession, UnitOfWork
from bot.domain.prompts import LoginThrottle
from bot.domain.services.retry import retry_on_conflict
from bot.domain.staff import (
    INVITE_LIFETIME,
    LOCKOUT,
    MAX_FAILED_ATTEMPTS,
    Invite,
    Role,
    StaffAccount,
    check_password_rules,
    new_invite_code,
    normalise_username,
)

DEFAULT_IDLE_TIMEOUT = timedelta(hours=12)


def _display_name(text: str, username: str) -> str:
    name = " ".join(text.split())[:80]
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
        manager = uow.staff.get(manager_id)
        if manager is None or not manager.active or manager.role is not Role.MANAGER:
            raise NotAuthorised("Only managers can invite staff.")
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
        invite = uow.invites.get_by_code(code.strip())
        if invite is None or invite.id is None or not invite.is_usable(now):
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


def check_invite(code: str, *, uow: UnitOfWork, clock: Clock = utc_now) -> Role:
    """Tell early whether a code is good, before asking for a username and password."""
    with uow:
        invite = uow.invites.get_by_code(code.strip())
        if invite is None or not invite.is_usable(clock()):
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
    """Check the password. Five misses in a row lock the account, and separately the
    Telegram user who typed them (whatever usernames they tried), for 15 minutes."""
    now = clock()
    with uow:
        throttle = uow.throttles.get(telegram_user_id)
        if throttle.is_locked(now):
            assert throttle.locked_until is not None
            raise AccountLocked(_minutes_left(throttle.locked_until - now))
        account = _account_named(uow, username)
        if account is not None and account.is_locked(now):
            assert account.locked_until is not None
            raise AccountLocked(_minutes_left(account.locked_until - now))
        if account is None or not hasher.verify(password, account.password_hash):
            if account is None:
                hasher.dummy_verify(password)
            locked = _count_miss(uow, throttle, account, now)
            uow.commit()
            if locked:
                raise AccountLocked(_minutes_left(LOCKOUT))
            raise AuthenticationFailed()
        if not account.active:
            raise NotAuthorised("This account has been deactivated. Ask a manager.")
        assert account.id is not None
        account.failed_attempts, account.locked_until = 0, None
        account.telegram_user_id = telegram_user_id
        uow.staff.update(account)
        uow.throttles.save(LoginThrottle(telegram_user_id))
        uow.sessions.open(StaffSession(telegram_user_id, account.id, now, now))
        uow.commit()
        return account


def _account_named(uow: UnitOfWork, username: str) -> StaffAccount | None:
    try:
        name = normalise_username(username)
    except InvalidInput:
        return None
    return uow.staff.get_by_username(name)


def _count_miss(
    uow: UnitOfWork, throttle: LoginThrottle, account: StaffAccount | None, now: datetime
) -> bool:
    """Count a wrong password against the person and the account; True if one is now locked."""
    locked = False
    throttle.failed_attempts += 1
    if throttle.failed_attempts >= MAX_FAILED_ATTEMPTS:
        throttle.failed_attempts, throttle.locked_until = 0, now + LOCKOUT
        locked = True
    uow.throttles.save(throttle)
    if account is not None:
        account.failed_attempts += 1
        if account.failed_attempts >= MAX_FAILED_ATTEMPTS:
            account.failed_attempts, account.locked_until = 0, now + LOCKOUT
            locked = True
        uow.staff.update(account)
    return locked


def _minutes_left(delta: timedelta) -> int:
    return max(1, -(-int(delta.total_seconds()) // 60))


@retry_on_conflict
def log_out(telegram_user_id: int, *, uow: UnitOfWork) -> None:
    with uow:
        uow.sessions.close(telegram_user_id)
        uow.commit()


@retry_on_conflict
def current_staff(
    telegram_user_id: int,
    *,
    uow: UnitOfWork,
    idle_timeout: timedelta = DEFAULT_IDLE_TIMEOUT,
    clock: Clock = utc_now,
) -> StaffAccount | None:
    """The logged-in staff member behind this Telegram user, if the session is still good."""
    now = clock()
    with uow:
        session = uow.sessions.get(telegram_user_id)
        if session is None:
            return None
        account = uow.staff.get(session.staff_id)
        if account is None or not account.active or now - session.last_seen_at > idle_timeout:
            uow.sessions.close(telegram_user_id)
            uow.commit()
            return None
        uow.sessions.touch(telegram_user_id, now)
        uow.commit()
        return account


@retry_on_conflict
def set_staff_active(
    manager_id: int, staff_id: int, active: bool, *, uow: UnitOfWork
) -> StaffAccount:
    """Deactivation ends the person's sessions at once."""
    with uow:
        manager = uow.staff.get(manager_id)
        if manager is None or not manager.active or manager.role is not Role.MANAGER:
            raise NotAuthorised("Only managers can change staff accounts.")
        if manager_id == staff_id and not active:
            raise InvalidInput("You cannot deactivate your own account.")
        account = uow.staff.get(staff_id)
        if account is None:
            raise InvalidInput("There is no such staff account.")
        account.active = active
        uow.staff.update(account)
        if not active:
            uow.sessions.close_all_for(staff_id)
        uow.commit()
        return account


def staff_accounts(*, uow: UnitOfWork) -> list[StaffAccount]:
    with uow:
        return uow.staff.all()
