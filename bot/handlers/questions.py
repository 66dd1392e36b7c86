"""💬 Ask the shop: a customer writes, the staff on duty get it with an Answer button, and
the answer reaches the customer's chat."""

from __future__ import annotations

from html import escape as esc

from telegram import InlineKeyboardMarkup, Update

from bot.domain.prompts import AnswerDraft, AskDraft, Prompt, PromptKind
from bot.domain.questions import MAX_QUESTION, AnswerNews, QuestionAlert
from bot.domain.services import prompts, questions
from bot.domain.staff import Role
from bot.domain.store import Store
from bot.domain.waiting import WaitingKind
from bot.handlers.access import signed_in
from bot.handlers.button_kinds import AnswerQuestion, AskShop
from bot.handlers.context import ShopContext, customer_of, user_id_of
from bot.handlers.notification_texts import Rendered, renders
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say
from bot.handlers.typed import take_typed
from bot.handlers.views import button
from bot.handlers.waiting import honest_notice
from bot.i18n import Texts, said

ASK = said(
    "💬 What would you like to ask the shop? Type your message (at most {limit} characters); "
    "the answer will come here. /cancel to stop."
)
TYPE_AS_TEXT = {
    "question": said("Please type your question as text, or /cancel."),
    "answer": said("Please type your answer as text, or /cancel."),
}


def ask_button(t: Texts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(t("💬 Ask the shop"), AskShop())]])


@renders(QuestionAlert)
def question_text(t: Texts, alert: QuestionAlert, store: Store) -> Rendered:
    """To staff: a customer's question, with its Answer button."""
    name = esc(alert.name or t("A customer"))
    asks = t("<b>{name}</b> asks:", name=name)
    answer = AnswerQuestion(alert.question_id)
    return (
        f"💬 {asks}\n{esc(alert.text)}",
        InlineKeyboardMarkup([[button(t("✍️ Answer"), answer)]]),
    )


@renders(AnswerNews)
def answer_text(t: Texts, news: AnswerNews, store: Store) -> Rendered:
    """To the customer: the shop's answer, under what they asked."""
    answers = t("<b>The shop answers</b> ({by}):", by=esc(news.by))
    asked = t("<i>You asked: {question}</i>", question=esc(news.question))
    return f"💬 {answers}\n{esc(news.answer)}\n\n{asked}", ask_button(t)


@polite
async def begin_question(update: Update, context: ShopContext) -> str | None:
    """/ask or the 💬 button: the next typed message goes to the shop."""
    await context.run(prompts.ask, user_id_of(update), PromptKind.ASK_SHOP, "question", AskDraft())
    await say(update, context.texts(update)(ASK, limit=MAX_QUESTION))
    return None


async def take_question(update: Update, context: ShopContext, prompt: Prompt) -> None:
    async def send(text: str) -> object:
        return await context.run(questions.ask_shop, customer_of(update), text)

    if await take_typed(update, context, TYPE_AS_TEXT["question"], send):
        # Honestly: when the shop will see it (closed, nobody logged in, or now).
        await say(update, await honest_notice(context, context.texts(update), WaitingKind.QUESTION))


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
    t = context.texts(update)
    ask = t(
        "Type your answer to “{question}” (the customer will read it; /cancel to stop).",
        question=esc(question.text[:200]),
    )
    await say(update, f"✍️ {ask}")
    return None


async def take_answer(update: Update, context: ShopContext, prompt: Prompt) -> None:
    account = await signed_in(update, context)
    assert account.id is not None and isinstance(prompt.draft, AnswerDraft)
    staff_id, question_id = account.id, prompt.draft.question_id

    async def send(text: str) -> object:
        return await context.run(questions.answer_question, staff_id, question_id, text)

    if await take_typed(update, context, TYPE_AS_TEXT["answer"], send):
        t = context.texts(update)
        await say(update, "✅ " + t("Answer sent to the customer."))


FEATURE = Feature(
    commands=[Command("ask", begin_question, menu=said("Ask the shop a question"))],
    presses=[
        Press(AskShop, begin_question),
        Press(AnswerQuestion, begin_answer, Role.STAFF),
    ],
    answers={PromptKind.ASK_SHOP: take_question, PromptKind.ANSWER: take_answer},
)
