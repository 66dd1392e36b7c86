"""Staff log in, sign up with an invite, and log out, by chat.

Every message that contains a password is deleted as soon as it arrives, before it is even
checked; it is never echoed, logged or stored.
"""

from __future__ import annotations

from html import escape as esc

from telegram import Update

from bot.domain.errors import AccountLocked, DomainError
from bot.domain.prompts import Prompt, PromptKind
from bot.domain.services import staff, staff_prompts
from bot.domain.services.staff_prompts import Ask, PasswordsDiffer
from bot.domain.staff import MIN_PASSWORD, Role
from bot.handlers import waiting
from bot.handlers.access import show_customer_menu, show_menu, staff_member
from bot.handlers.context import ShopContext, user_id_of
from bot.handlers.routes import Command, Feature
from bot.handlers.screens import polite, refused_then, say
from bot.i18n import said

QUESTIONS = {
    Ask.USERNAME: said("Your username?"),
    Ask.DISPLAY_NAME: said("Your name, as your colleagues should see it?"),
    Ask.PASSWORD: said("Your password? (The message will be deleted at once.)"),
    Ask.REPEAT: said("Please type the same password once more. (It will be deleted at once.)"),
}
SIGNUP_USERNAME = said("Choose a username: 3-32 letters, digits, '.', '-' or '_'.")
SIGNUP_PASSWORD = said(
    "Choose a password of at least {n} characters, not your username. (The message will be "
    "deleted at once.)"
)


@polite
async def start_login(update: Update, context: ShopContext) -> str | None:
    """/login asks for the username, then the password."""
    await context.run(staff_prompts.begin_login, user_id_of(update))
    t = context.texts(update)
    await say(
        update, t("Staff login. {question} (/cancel to stop)", question=t(QUESTIONS[Ask.USERNAME]))
    )
    return None


@polite
async def start_signup(update: Update, context: ShopContext) -> str | None:
    """/signup CODE, with the invite code a manager gave (any case, spaces allowed)."""
    t = context.texts(update)
    if not context.args:
        await say(update, t("Send /signup followed by the invite code your manager gave you."))
        return None
    await sign_up_with(update, context, " ".join(context.args))
    return None


async def sign_up_with(update: Update, context: ShopContext, code: str) -> None:
    """The invite is good: ask the newcomer for a username (from /signup or the link)."""
    role = await context.run(staff_prompts.begin_signup, code, user_id_of(update))
    t = context.texts(update)
    accepted = t("Invite accepted: you will be {role}.", role=role)
    await say(update, f"{accepted} {t(SIGNUP_USERNAME)}")


@polite
async def start_reset(update: Update, context: ShopContext) -> str | None:
    """/reset CODE, with the reset code a manager gave (any case, spaces allowed)."""
    t = context.texts(update)
    if not context.args:
        await say(update, t("Send /reset followed by the reset code your manager gave you."))
        return None
    await reset_with(update, context, " ".join(context.args))
    return None


async def reset_with(update: Update, context: ShopContext, code: str) -> None:
    """The reset code is good: ask for the new password (from /reset or the link)."""
    username = await context.run(staff_prompts.begin_reset, code, user_id_of(update))
    t = context.texts(update)
    asked = t(
        "New password for {username}: at least {n} characters, not your username. (The "
        "message will be deleted at once; /cancel to stop.)",
        username=esc(username),
        n=MIN_PASSWORD,
    )
    await say(update, asked)


async def take_reset_answer(update: Update, context: ShopContext, prompt: Prompt) -> None:
    """A typed new password, or its repeat."""
    message = update.effective_message
    if message is None:
        return
    t = context.texts(update)
    if message.text is None:
        await say(update, t("Please type your answer, or /cancel."))
        return
    try:
        reply = await context.run(
            staff_prompts.answer, prompt, message.text, hasher=context.shop.hasher
        )
    except PasswordsDiffer as refused:
        await say(update, refused_then(t, refused, t("Choose the new password again.")))
        return
    except DomainError as refused:
        again = t("Choose another.") if prompt.step == Ask.PASSWORD else ""
        await say(update, refused_then(t, refused, again))
        return
    if reply.account is not None:
        done = t(
            "Your password is changed, {username}. Every session of the account has ended: "
            "send /login to log in with the new password.",
            username=esc(reply.account.username),
        )
        await say(update, done)
    elif reply.ask is not None:
        await say(update, t(QUESTIONS[reply.ask]))


async def take_answer(update: Update, context: ShopContext, prompt: Prompt) -> None:
    """A typed answer to a login or sign-up question."""
    message = update.effective_message
    if message is None:
        return
    t = context.texts(update)
    if message.text is None:
        await say(update, t("Please type your answer, or /cancel."))
        return
    user_id = user_id_of(update)
    signing_up = prompt.kind is PromptKind.SIGNUP
    choose_password = t(SIGNUP_PASSWORD, n=MIN_PASSWORD)
    try:
        reply = await context.run(
            staff_prompts.answer, prompt, message.text, hasher=context.shop.hasher
        )
    except PasswordsDiffer as refused:
        await say(update, refused_then(t, refused, choose_password))
        return
    except AccountLocked as refused:  # it says when: no second "try again"
        context.shop.metrics.logins_refused.inc()
        await say(update, refused_then(t, refused))
        return
    except DomainError as refused:
        if not signing_up:
            context.shop.metrics.logins_refused.inc()
        again = (
            t("Choose another.")
            if signing_up and prompt.step == Ask.PASSWORD
            else t("Send /login to try again.")
            if not signing_up
            else ""
        )
        await say(update, refused_then(t, refused, again))
        return
    if reply.account is not None:
        account = reply.account
        await show_menu(context, user_id, context.routes.menu(account.role, t), t)
        # A manager made from the command line may have only a username for a name.
        person = update.effective_user
        name = (
            person.first_name
            if account.display_name == account.username and person is not None
            else account.display_name
        )
        welcome = t(
            "Welcome, {name}! You are logged in as {role}. Your commands are in the menu; "
            "/logout when you leave.",
            name=esc(name),
            role=account.role,
        )
        # What waits for the shop, in the same message: buttons open it (left out when the
        # database could not say: "nothing waits" would not be true).
        if reply.waiting is None:
            await say(update, welcome)
        else:
            waits, keyboard = waiting.summary(t, reply.waiting)
            await say(update, f"{welcome}\n\n{waits}", keyboard)
    elif reply.ask is not None:
        question = (
            choose_password if signing_up and reply.ask is Ask.PASSWORD else t(QUESTIONS[reply.ask])
        )
        await say(update, question)


@polite
async def log_out(update: Update, context: ShopContext) -> str | None:
    user_id = user_id_of(update)
    account = await staff_member(update, context)
    await context.run(staff.log_out, user_id)
    await show_customer_menu(context, user_id)
    t = context.texts(update)
    await say(update, t("You are logged out.") if account else t("You were not logged in."))
    return None


FEATURE = Feature(
    commands=[
        Command("login", start_login, usage=said("/login – staff log in")),
        Command("signup", start_signup),
        Command("reset", start_reset),
        Command("logout", log_out, menu=said("Log out"), menus=(Role.STAFF, Role.MANAGER)),
    ],
    answers={
        PromptKind.LOGIN: take_answer,
        PromptKind.SIGNUP: take_answer,
        PromptKind.RESET: take_reset_answer,
    },
)
