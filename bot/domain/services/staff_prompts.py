"""Logging in and signing up by chat, one typed answer at a time.

The talk is kept in the database (a restart loses nothing) but the password never is: it is
checked or hashed the moment it arrives, in the same use case. At sign-up the password is
typed twice; between the two, only its bcrypt hash waits in the question.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.clock import Clock, utc_now
from bot.domain.errors import ConcurrentUpdate, DomainError, InvalidInput, StoreUnavailable
from bot.domain.passwords import PasswordHasher
from bot.domain.ports import UnitOfWork
from bot.domain.prompts import LoginDraft, Prompt, PromptKind, ResetDraft, SignupDraft
from bot.domain.services import prompts, staff, waiting
from bot.domain.staff import Role, StaffAccount, check_password_rules, normalise_username
from bot.domain.text import one_line, said
from bot.domain.waiting import Waiting

log = logging.getLogger(__name__)


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
        super().__init__(said("The two passwords differ"))


@dataclass(frozen=True, slots=True)
class Reply:
    ask: Ask | None = None
    account: StaffAccount | None = None
    waiting: Waiting | None = None  # with the account: what waits for the shop


def begin_login(telegram_user_id: int, *, uow: UnitOfWork, clock: Clock = utc_now) -> Ask:
    prompts.ask(telegram_user_id, PromptKind.LOGIN, Ask.USERNAME, uow=uow, clock=clock)
    return Ask.USERNAME


def begin_signup(
    code: str, telegram_user_id: int, *, uow: UnitOfWork, clock: Clock = utc_now
) -> Role:
    role = staff.check_invite(code, uow=uow, clock=clock)
    draft = SignupDraft(code=code.strip())
    prompts.ask(telegram_user_id, PromptKind.SIGNUP, Ask.USERNAME, draft, uow=uow, clock=clock)
    return role


def begin_reset(
    code: str, telegram_user_id: int, *, uow: UnitOfWork, clock: Clock = utc_now
) -> str:
    """A manager's reset code: ask for the new password; returns the account's username."""
    account = staff.check_password_reset(code, uow=uow, clock=clock)
    draft = ResetDraft(code=code.strip(), username=account.username)
    prompts.ask(
        telegram_user_id,
        PromptKind.RESET,
        Ask.PASSWORD,
        draft,
        secret=True,
        uow=uow,
        clock=clock,
    )
    return account.username


def give_up(telegram_user_id: int, *, uow: UnitOfWork) -> bool:
    return prompts.drop(telegram_user_id, uow=uow)


def answer(
    prompt: Prompt,
    text: str,
    *,
    uow: UnitOfWork,
    hasher: PasswordHasher,
    clock: Clock = utc_now,
) -> Reply:
    """Take the typed answer to the open question (as the conversation router read it);
    returns what to ask next, or the account once done.

    A wrong password or a refused sign-up ends the talk (the person starts again)."""
    draft = prompt.draft
    if not isinstance(draft, LoginDraft | SignupDraft | ResetDraft):
        raise InvalidInput(said("Nothing is waiting for an answer. Send /login to log in."))
    talk = Talk(prompt, draft, uow, clock)
    if isinstance(draft, SignupDraft | ResetDraft) and prompt.step == Ask.PASSWORD:
        return _ask_repeat(talk, draft, text, hasher)
    if prompt.step in (Ask.PASSWORD, Ask.REPEAT):
        return _finish(talk, text, hasher)
    return _next_question(talk, text)


@dataclass(frozen=True)
class Talk:
    """The question being answered, and where its next question goes."""

    prompt: Prompt
    draft: LoginDraft | SignupDraft | ResetDraft
    uow: UnitOfWork
    clock: Clock

    def ask(self, step: Ask) -> Reply:
        prompts.ask(
            self.prompt.telegram_user_id,
            self.prompt.kind,
            step,
            self.draft,
            secret=step.is_secret,
            uow=self.uow,
            clock=self.clock,
        )
        return Reply(ask=step)


def _ask_repeat(
    talk: Talk, draft: SignupDraft | ResetDraft, password: str, hasher: PasswordHasher
) -> Reply:
    """Check the chosen password's rules now, and keep only its hash for the repeat."""
    check_password_rules(password, draft.username)
    draft.password_hash = hasher.hash(password)
    return talk.ask(Ask.REPEAT)


def _next_question(talk: Talk, text: str) -> Reply:
    draft = talk.draft
    if talk.prompt.step == Ask.USERNAME:
        name = text.strip()
        if isinstance(draft, SignupDraft):
            name = normalise_username(name)  # refuse a bad one now, not after the password
        draft.username = name[:64]
        return talk.ask(Ask.DISPLAY_NAME if isinstance(draft, SignupDraft) else Ask.PASSWORD)
    if isinstance(draft, SignupDraft):
        draft.display_name = one_line(text)[:80]
    return talk.ask(Ask.PASSWORD)


def _finish(talk: Talk, password: str, hasher: PasswordHasher) -> Reply:
    draft, uow, clock = talk.draft, talk.uow, talk.clock
    user = talk.prompt.telegram_user_id
    try:
        if isinstance(draft, LoginDraft):
            account = staff.log_in(
                draft.username,
                password,
                telegram_user_id=user,
                uow=uow,
                hasher=hasher,
                clock=clock,
            )
        else:
            if not hasher.verify(password, draft.password_hash):
                draft.password_hash = ""
                talk.ask(Ask.PASSWORD)  # the talk goes back to choosing the password
                raise PasswordsDiffer()
            if isinstance(draft, ResetDraft):
                account = staff.reset_password(
                    draft.code,
                    password,
                    telegram_user_id=user,
                    uow=uow,
                    hasher=hasher,
                    clock=clock,
                )
                give_up(user, uow=uow)
                return Reply(account=account)  # not logged in: they log in with it now
            account = staff.sign_up(
                draft.code,
                draft.username,
                draft.display_name,
                password,
                telegram_user_id=user,
                uow=uow,
                hasher=hasher,
                clock=clock,
            )
    except PasswordsDiffer:
        raise
    except DomainError:
        give_up(user, uow=uow)
        raise
    give_up(user, uow=uow)
    assert account.id is not None
    return Reply(account=account, waiting=_what_waits(account.id, uow, clock))


def _what_waits(staff_id: int, uow: UnitOfWork, clock: Clock) -> Waiting | None:
    """The login summary, read after the login itself is saved: a database that fails now
    costs the summary (they can send /orders and /questions), never the login."""
    try:
        return waiting.at_login(staff_id, uow=uow, clock=clock)
    except (ConcurrentUpdate, StoreUnavailable):
        log.warning("what waits could not be read for a login; the summary is left out")
        return None
