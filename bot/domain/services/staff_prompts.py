"""Logging in and signing up by chat, one typed answer at a time.

The talk is kept in the database (a restart loses nothing) but the password never is: it is
checked or hashed the moment it arrives, in the same use case. At sign-up the password is
typed twice; between the two, only its bcrypt hash waits in the question.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.clock import Clock, utc_now
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.passwords import PasswordHasher
from bot.domain.ports import UnitOfWork
from bot.domain.prompts import Prompt, PromptKind
from bot.domain.services import prompts, staff
from bot.domain.staff import Role, StaffAccount, check_password_rules, normalise_username


class Ask(StrEnum):
    """The next thing the person is asked to type."""

    USERNAME = "username"
    DISPLAY_NAME = "display_name"
    PASSWORD = "password"  # noqa: S105 - the name of a question, not a secret
    REPEAT = "repeat"  # the sign-up password once more

    @property
    def is_secret(self) -> bool:
        return self in (Ask.PASSWORD, Ask.REPEAT)


class PasswordsDiffer(InvalidInput):
    def __init__(self) -> None:
        super().__init__("The two passwords differ")


@dataclass(frozen=True, slots=True)
class Reply:
    ask: Ask | None = None
    account: StaffAccount | None = None


def begin_login(telegram_user_id: int, *, uow: UnitOfWork, clock: Clock = utc_now) -> Ask:
    prompts.ask(telegram_user_id, PromptKind.LOGIN, Ask.USERNAME, uow=uow, clock=clock)
    return Ask.USERNAME


def begin_signup(
    code: str, telegram_user_id: int, *, uow: UnitOfWork, clock: Clock = utc_now
) -> Role:
    role = staff.check_invite(code, uow=uow, clock=clock)
    prompts.ask(
        telegram_user_id,
        PromptKind.SIGNUP,
        Ask.USERNAME,
        {"code": code.strip()},
        uow=uow,
        clock=clock,
    )
    return role


def give_up(telegram_user_id: int, *, uow: UnitOfWork) -> bool:
    return prompts.drop(telegram_user_id, uow=uow)


def answer(
    telegram_user_id: int,
    text: str,
    *,
    uow: UnitOfWork,
    hasher: PasswordHasher,
    clock: Clock = utc_now,
) -> Reply:
    """Take the typed answer; returns what to ask next, or the account once done.

    A wrong password or a refused sign-up ends the talk (the person starts again)."""
    prompt = prompts.current(telegram_user_id, uow=uow, clock=clock)
    if prompt is None or prompt.kind not in (PromptKind.LOGIN, PromptKind.SIGNUP):
        raise InvalidInput("Nothing is waiting for an answer. Send /login to log in.")
    if prompt.kind is PromptKind.SIGNUP and prompt.step == Ask.PASSWORD:
        return _ask_repeat(prompt, text, uow=uow, hasher=hasher, clock=clock)
    if prompt.step in (Ask.PASSWORD, Ask.REPEAT):
        return _finish(prompt, text, uow=uow, hasher=hasher, clock=clock)
    return _next_question(prompt, text, uow=uow, clock=clock)


def _ask_repeat(
    prompt: Prompt, password: str, *, uow: UnitOfWork, hasher: PasswordHasher, clock: Clock
) -> Reply:
    """Check the chosen password's rules now, and keep only its hash for the repeat."""
    check_password_rules(password, prompt.data.get("username", ""))
    prompt.data["password_hash"] = hasher.hash(password)
    prompts.ask(
        prompt.telegram_user_id,
        prompt.kind,
        Ask.REPEAT,
        prompt.data,
        secret=True,
        uow=uow,
        clock=clock,
    )
    return Reply(ask=Ask.REPEAT)


def _next_question(prompt: Prompt, text: str, *, uow: UnitOfWork, clock: Clock) -> Reply:
    if prompt.step == Ask.USERNAME:
        name = text.strip()
        if prompt.kind is PromptKind.SIGNUP:
            name = normalise_username(name)  # refuse a bad one now, not after the password
        prompt.data["username"] = name[:64]
        prompt.step = Ask.DISPLAY_NAME if prompt.kind is PromptKind.SIGNUP else Ask.PASSWORD
    else:
        prompt.data["display_name"] = " ".join(text.split())[:80]
        prompt.step = Ask.PASSWORD
    ask = Ask(prompt.step)
    prompts.ask(
        prompt.telegram_user_id,
        prompt.kind,
        ask,
        prompt.data,
        secret=ask.is_secret,
        uow=uow,
        clock=clock,
    )
    return Reply(ask=ask)


def _choose_again(prompt: Prompt, *, uow: UnitOfWork, clock: Clock) -> None:
    prompt.data.pop("password_hash", None)
    prompts.ask(
        prompt.telegram_user_id,
        prompt.kind,
        Ask.PASSWORD,
        prompt.data,
        secret=True,
        uow=uow,
        clock=clock,
    )


def _finish(
    prompt: Prompt, password: str, *, uow: UnitOfWork, hasher: PasswordHasher, clock: Clock
) -> Reply:
    user = prompt.telegram_user_id
    try:
        if prompt.kind is PromptKind.LOGIN:
            account = staff.log_in(
                prompt.data.get("username", ""),
                password,
                telegram_user_id=user,
                uow=uow,
                hasher=hasher,
                clock=clock,
            )
        else:
            if not hasher.verify(password, prompt.data.get("password_hash", "")):
                _choose_again(prompt, uow=uow, clock=clock)
                raise PasswordsDiffer()
            account = staff.sign_up(
                prompt.data["code"],
                prompt.data["username"],
                prompt.data.get("display_name", ""),
                password,
                telegram_user_id=user,
                uow=uow,
                hasher=hasher,
                clock=clock,
            )
    except PasswordsDiffer:
        raise  # the talk goes back to choosing the password
    except DomainError:
        give_up(user, uow=uow)
        raise
    give_up(user, uow=uow)
    return Reply(account=account)
