"""💬 Ask the shop: a customer writes, the staff on duty get it with an Answer button, and
the answer reaches the customer's chat."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape as esc

from telegram import InlineKeyboardMarkup, Update

from bot.domain.errors import DomainError, InvalidInput
from bot.domain.notifications import Notification, NotificationKind
from bot.domain.prompts import AnswerDraft, AskDraft, Prompt, PromptKind
from bot.domain.questions import MAX_QUESTION
from bot.domain.services import prompts, questions
from bot.domain.staff import Role
from bot.handlers.access import signed_in
from bot.handlers.button_kinds import AnswerQuestion, AskShop
from bot.handlers.context import ShopContext, customer_of, user_id_of
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say, sentence
from bot.handlers.views import button
from bot.i18n import said

ASK = (
    "💬 What would you like to ask the shop? Type your message "
    f"(at most {MAX_QUESTION} characters); the answer will come here. /cancel to stop."
)


def ask_button() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button("💬 Ask the shop", AskShop())]])


def render(notification: Notification) -> tuple[str, InlineKeyboardMarkup | None]:
    facts = notification.payload
    if notification.kind is NotificationKind.QUESTION:
        return (
            f"💬 <b>{esc(facts.get('name', 'A customer'))}</b> asks:\n{esc(facts.get('text', ''))}",
            InlineKeyboardMarkup(
                [[button("✍️ Answer", AnswerQuestion(int(facts.get("question_id", "0"))))]]
            ),
        )
    return (
        f"💬 <b>The shop answers</b> ({esc(facts.get('by', ''))}):\n{esc(facts.get('answer', ''))}"
        f"\n\n<i>You asked: {esc(facts.get('question', ''))}</i>",
        ask_button(),
    )


@polite
async def begin_question(update: Update, context: ShopContext) -> str | None:
    """/ask or the 💬 button: the next typed message goes to the shop."""
    await context.run(prompts.ask, user_id_of(update), PromptKind.ASK_SHOP, "question", AskDraft())
    await say(update, ASK)
    return None


async def _send_typed(
    update: Update, context: ShopContext, what: str, send: Callable[[str], Awaitable[object]]
) -> bool:
    """Hand typed text to `send`; the open question stays open when it is refused as input
    (empty, too long), and is closed otherwise. True once sent."""
    message = update.effective_message
    if message is None or not message.text:
        await say(update, f"Please type your {what} as text, or /cancel.")
        return False
    try:
        await send(message.text)
    except InvalidInput as refused:
        await say(update, f"{esc(sentence(str(refused)))} Please type it again, or /cancel.")
        return False
    except DomainError as refused:  # answered by someone else meanwhile
        await context.run(prompts.drop, user_id_of(update))
        await say(update, esc(str(refused)))
        return False
    await context.run(prompts.drop, user_id_of(update))
    return True


async def take_question(update: Update, context: ShopContext, prompt: Prompt) -> None:
    async def send(text: str) -> object:
        return await context.run(questions.ask_shop, customer_of(update), text)

    if await _send_typed(update, context, "question", send):
        await say(update, "✉️ Sent to the shop. You will get the answer in this chat.")


@polite
async def begin_answer(update: Update, context: ShopContext) -> str | None:
    """A question's ✍️ Answer button: the next typed message is the answer."""
    account = await signed_in(update, context)
    assert account.id is not None
    question_id = AnswerQuestion.of(update).question_id
    question = await context.run(questions.open_question, account.id, question_id)
    await context.run(
        prompts.ask, user_id_of(update), PromptKind.ANSWER, "answer", AnswerDraft(question_id)
    )
    await say(
        update,
        f"✍️ Type your answer to “{esc(question.text[:200])}” (the customer will read it; "
        "/cancel to stop).",
    )
    return None


async def take_answer(update: Update, context: ShopContext, prompt: Prompt) -> None:
    account = await signed_in(update, context)
    assert account.id is not None and isinstance(prompt.draft, AnswerDraft)
    staff_id, question_id = account.id, prompt.draft.question_id

    async def send(text: str) -> object:
        return await context.run(questions.answer_question, staff_id, question_id, text)

    if await _send_typed(update, context, "answer", send):
        await say(update, "✅ Answer sent to the customer.")


FEATURE = Feature(
    commands=[Command("ask", begin_question, menu=said("Ask the shop a question"))],
    presses=[
        Press(AskShop, begin_question),
        Press(AnswerQuestion, begin_answer, Role.STAFF),
    ],
    answers={PromptKind.ASK_SHOP: take_question, PromptKind.ANSWER: take_answer},
)
