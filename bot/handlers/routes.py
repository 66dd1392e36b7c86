"""Every command and button, declared once: who may use it, its handler, its menu and help line.

The guard, the per-role command menus and /help are derived from these declarations, so a staff
command is added in one place and cannot be left unguarded. Commands are routed by
python-telegram-bot's CommandHandler, which reads the `bot_command` entity (`/report.`,
`/REPORT` and `/report@thisbot` all reach /report), and the guard sits inside that same route:
what the framework routes and what the guard checks can never disagree.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from telegram import BotCommand, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.domain.permissions import allows
from bot.domain.prompts import Prompt, PromptKind
from bot.domain.staff import Role
from bot.handlers.access import refusal, staff_member
from bot.handlers.buttons import ButtonData
from bot.handlers.context import ShopContext
from bot.handlers.screens import PtbCallback, answer, say
from bot.i18n import Texts

# A typed answer to an open question: the feature that asked takes it.
Answer = Callable[[Update, ShopContext, Prompt], Awaitable[None]]


@dataclass(frozen=True)
class Command:
    name: str
    run: PtbCallback
    who: Role | None = None  # None: anyone; STAFF: staff and managers; MANAGER: managers
    menu: str = ""  # its line in the command menu (marked with said); "" keeps it out
    usage: str = ""  # for /help and a refusal: the syntax and an example (marked)
    # The menus it shows in, when not simply those of `who` (/logout: staff and managers).
    menus: tuple[Role | None, ...] | None = None
    # The values its usage line shows in the reader's language (the words it takes, typed).
    words: Callable[[str], Mapping[str, object]] | None = None

    def usage_line(self, t: Texts) -> str:
        if not self.usage:
            return f"/{self.name} – {t(self.menu)}"
        return t(self.usage, **self.words(t.language)) if self.words else t(self.usage)

    def shown_to(self, role: Role | None) -> bool:
        if not self.menu:
            return False
        if self.menus is not None:
            return role in self.menus
        return allows(self.who, role) and (self.who is not None or role is None)


@dataclass(frozen=True)
class Press:
    kind: type[ButtonData]
    run: PtbCallback
    who: Role | None = None
    only: ButtonData | None = None  # one button of the kind (a menu entry), not all of them

    def matches(self, data: object) -> bool:
        pressed = self.kind.unpack(data)
        return pressed is not None and (self.only is None or pressed == self.only)


@dataclass(frozen=True)
class Feature:
    """What one handler module contributes."""

    commands: Sequence[Command] = ()
    presses: Sequence[Press] = ()
    answers: Mapping[PromptKind, Answer] = field(default_factory=dict)
    # Message handlers that are neither commands nor buttons (contacts, typed answers).
    messages: Sequence[BaseHandler[Update, ShopContext, None]] = ()


def guarded(who: Role | None, run: PtbCallback) -> PtbCallback:
    """The one guard: the route runs only for a logged-in member with the role it needs."""
    if who is None:
        return run

    @functools.wraps(run)
    async def checked(update: Update, context: ShopContext) -> None:
        member = await staff_member(update, context)
        if member is not None and allows(who, member.role):
            await run(update, context)
            return
        refused = await refusal(update, context, member, who)
        if update.callback_query is not None:
            await answer(update, refused, alert=True)
        else:
            await say(update, refused)

    return checked


@dataclass(frozen=True)
class Routes:
    features: Sequence[Feature]

    @property
    def commands(self) -> list[Command]:
        return [c for f in self.features for c in f.commands]

    @property
    def presses(self) -> list[Press]:
        return [p for f in self.features for p in f.presses]

    @property
    def answers(self) -> dict[PromptKind, Answer]:
        return {k: a for f in self.features for k, a in f.answers.items()}

    def handlers(self) -> list[BaseHandler[Update, ShopContext, None]]:
        names = [c.name for c in self.commands]
        if len(names) != len(set(names)):
            raise ValueError(f"a command is declared twice: {sorted(names)}")
        # Button presses first: most updates are presses, and each would otherwise be turned
        # down by every command's handler before reaching its own (a press is never a command).
        routes: list[BaseHandler[Update, ShopContext, None]] = [
            CallbackQueryHandler(guarded(p.who, p.run), pattern=p.matches) for p in self.presses
        ]
        routes += [CommandHandler(c.name, guarded(c.who, c.run)) for c in self.commands]
        return routes + [h for f in self.features for h in f.messages]

    def menu(self, role: Role | None, t: Texts) -> list[BotCommand]:
        return [BotCommand(c.name, t(c.menu)) for c in self.commands if c.shown_to(role)]

    def menu_lines(self, role: Role | None, t: Texts) -> list[str]:
        """/help's first part: each entry of this role's command menu, as the menu says it."""
        return [f"/{c.command} – {c.description}" for c in self.menu(role, t)]

    def usage_lines(self, role: Role, t: Texts) -> list[str]:
        """/help's second part: how to type this role's commands, with examples."""
        return [
            c.usage_line(t)
            for c in self.commands
            if c.usage
            and (
                (c.who is not None and allows(c.who, role))
                or (c.who is None and c.menus is not None and role in c.menus)
            )
        ]
