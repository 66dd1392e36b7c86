"""Logging in and signing up by chat, one typed answer at a time.

The talk is kept in the database (a restart loses nothing) but the password never is: it is
checked or hashed the moment it arrives, in the same use case.
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
    if prompt.step == Ask.PASSWORD:
        return _finish(prompt, text, uow=uow, hasher=hasher, clock=clock)
    return _next_question(prompt, text, uow=uow, clock=clock)


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
    prompts.ask(
        prompt.telegram_user_id, prompt.kind, prompt.step, prompt.data, uow=uow, clock=clock
    )
    return Reply(ask=Ask(prompt.step))


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
            check_password_rules(password, prompt.data.get("username", ""))
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
    except InvalidInput:
        if prompt.kind is not PromptKind.SIGNUP:
            give_up(user, uow=uow)
        raise  # at sign-up a weak password keeps the talk open for a better one
    except DomainError:
        give_up(user, uow=uow)
        raise
    give_up(user, uow=uow)
    return Reply(account=account)
