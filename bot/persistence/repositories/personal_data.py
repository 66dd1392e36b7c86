"""A customer's personal data across the tables: read whole for /mydata, erased for /forgetme.
Repositories never commit."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.domain.notifications import NotificationKind, Unreadable
from bot.domain.orders import Order, OrderStatus
from bot.domain.personal_data import Favourite, SeenCard, Watched
from bot.domain.questions import Question, QuestionAlert
from bot.domain.ratings import RatedComment
from bot.domain.stored_facts import decode
from bot.domain.waiting import UnseenAlert
from bot.persistence.models import (
    AnnouncementRecipientRow,
    AppLanguageRow,
    CartActivityRow,
    CustomerRow,
    FavouriteRow,
    NewsChoiceRow,
    OrderRatingRow,
    OrderRow,
    OutboxRow,
    ProductRow,
    QuestionRow,
    ShownCardRow,
    StockWatchRow,
)
from bot.persistence.repositories.orders import SqlOrderRepository

_OPEN = OrderRow.status.in_([s.value for s in OrderStatus if s.is_open])


class SqlPersonalDataRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def language(self, customer_id: int) -> str | None:
        return self.session.scalar(
            select(CustomerRow.language).where(CustomerRow.id == customer_id)
        )

    def app_language(self, telegram_user_id: int) -> str | None:
        return self.session.scalar(
            select(AppLanguageRow.language).where(
                AppLanguageRow.telegram_user_id == telegram_user_id
            )
        )

    def all_orders(self, customer_id: int) -> list[Order]:
        rows = self.session.scalars(
            select(OrderRow)
            .where(OrderRow.customer_id == customer_id)
            .order_by(OrderRow.placed_at.desc(), OrderRow.id.desc())
        )
        return [SqlOrderRepository._to_domain(row) for row in rows]

    def questions(self, customer_id: int) -> list[Question]:
        rows = self.session.scalars(
            select(QuestionRow)
            .where(QuestionRow.customer_id == customer_id)
            .order_by(QuestionRow.asked_at, QuestionRow.id)
        )
        return [
            Question(
                r.customer_id, r.text, r.asked_at, r.id, r.answer, r.answered_at, r.answered_by
            )
            for r in rows
        ]

    def watches(self, customer_id: int) -> list[Watched]:
        rows = self.session.execute(
            select(ProductRow.sku, ProductRow.name, StockWatchRow.created_at)
            .join(ProductRow, ProductRow.id == StockWatchRow.product_id)
            .where(StockWatchRow.customer_id == customer_id)
            .order_by(StockWatchRow.created_at, ProductRow.id)
        )
        return [Watched(sku, name, since) for sku, name, since in rows]

    def favourites(self, customer_id: int) -> list[Favourite]:
        rows = self.session.execute(
            select(ProductRow.sku, ProductRow.name, FavouriteRow.created_at)
            .join(ProductRow, ProductRow.id == FavouriteRow.product_id)
            .where(FavouriteRow.customer_id == customer_id)
            .order_by(FavouriteRow.created_at, ProductRow.id)
        )
        return [Favourite(sku, name, since) for sku, name, since in rows]

    def ratings(self, customer_id: int) -> list[RatedComment]:
        rows = self.session.execute(
            select(
                OrderRow.code, OrderRatingRow.stars, OrderRatingRow.comment, OrderRatingRow.rated_at
            )
            .join(OrderRow, OrderRow.id == OrderRatingRow.order_id)
            .where(OrderRatingRow.customer_id == customer_id)
            .order_by(OrderRatingRow.rated_at, OrderRatingRow.order_id)
        )
        return [RatedComment(code, stars, comment or "", at) for code, stars, comment, at in rows]

    def card_shown(self, telegram_user_id: int) -> SeenCard | None:
        row = self.session.execute(
            select(ProductRow.sku, ProductRow.name, ShownCardRow.shown_at)
            .join(ProductRow, ProductRow.id == ShownCardRow.product_id)
            .where(ShownCardRow.telegram_user_id == telegram_user_id)
        ).first()
        return None if row is None else SeenCard(row.sku, row.name, row.shown_at)

    def open_order_codes(self, customer_id: int) -> list[str]:
        return list(
            self.session.scalars(
                select(OrderRow.code)
                .where(OrderRow.customer_id == customer_id, _OPEN)
                .order_by(OrderRow.id)
                .with_for_update()
            )
        )

    def erase_customer(self, customer_id: int, telegram_user_id: int) -> bool:
        """A conditional UPDATE: of two erasures at once, exactly one finds the person."""
        result = self.session.execute(
            update(CustomerRow)
            .where(CustomerRow.id == customer_id, CustomerRow.telegram_user_id == telegram_user_id)
            .values(telegram_user_id=None, name="", username=None, phone=None, language=None)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]

    def anonymise_orders(self, customer_id: int) -> list[int]:
        ids = list(
            self.session.scalars(
                select(OrderRow.id).where(OrderRow.customer_id == customer_id).order_by(OrderRow.id)
            )
        )
        if ids:
            self.session.execute(
                update(OrderRow)
                .where(OrderRow.customer_id == customer_id)
                .values(phone="", address=None, note="")
                .execution_options(synchronize_session=False)
            )
        return ids

    def forget_questions(self, customer_id: int) -> list[int]:
        ids = list(
            self.session.scalars(
                select(QuestionRow.id).where(QuestionRow.customer_id == customer_id)
            )
        )
        if ids:
            self.session.execute(delete(QuestionRow).where(QuestionRow.customer_id == customer_id))
        return ids

    def forget_watches(self, customer_id: int) -> int:
        result = self.session.execute(
            delete(StockWatchRow).where(StockWatchRow.customer_id == customer_id)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def forget_ratings(self, customer_id: int) -> int:
        """Their stars and words go with them (the orders stay, without a rating)."""
        result = self.session.execute(
            delete(OrderRatingRow).where(OrderRatingRow.customer_id == customer_id)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def forget_favourites(self, customer_id: int) -> int:
        result = self.session.execute(
            delete(FavouriteRow).where(FavouriteRow.customer_id == customer_id)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def forget_news(self, customer_id: int) -> None:
        for table in (NewsChoiceRow, CartActivityRow, AnnouncementRecipientRow):
            self.session.execute(delete(table).where(table.customer_id == customer_id))

    def forget_app_language(self, telegram_user_id: int) -> None:
        self.session.execute(
            delete(AppLanguageRow).where(AppLanguageRow.telegram_user_id == telegram_user_id)
        )

    def forget_card_shown(self, telegram_user_id: int) -> None:
        self.session.execute(
            delete(ShownCardRow).where(ShownCardRow.telegram_user_id == telegram_user_id)
        )

    def forget_messages_to(self, chat_id: int) -> int:
        result = self.session.execute(delete(OutboxRow).where(OutboxRow.chat_id == chat_id))
        return int(result.rowcount)  # type: ignore[attr-defined]

    def scrub_messages_about(
        self, order_ids: Collection[int], question_ids: Collection[int], keys: Sequence[str]
    ) -> int:
        """The facts are JSON, which SQLite and MariaDB edit differently: the few rows are read
        and written back. A question's alert (to staff, or to managers that nobody saw it) is
        dropped whole: its Answer button would lead nowhere, the question being gone."""
        changed = 0
        if order_ids:
            rows = self.session.scalars(
                select(OutboxRow).where(OutboxRow.order_id.in_(list(order_ids)))
            )
            for row in rows:
                kept = {k: v for k, v in row.payload.items() if k not in keys}
                if kept != row.payload:
                    row.payload = kept
                    changed += 1
        if question_ids:
            wanted = set(question_ids)
            kinds = [NotificationKind.QUESTION.value, NotificationKind.UNSEEN.value]
            alerts = self.session.scalars(select(OutboxRow).where(OutboxRow.kind.in_(kinds)))
            for row in alerts:
                if _question_of(row) in wanted:
                    self.session.delete(row)
                    changed += 1
        self.session.flush()
        return changed


def _question_of(row: OutboxRow) -> int | None:
    """The question an alert is about; an alert whose facts do not read, by the key it keeps
    (no alert about a forgotten question is left behind for want of reading it)."""
    alert = decode(NotificationKind(row.kind), row.payload)
    if isinstance(alert, QuestionAlert | UnseenAlert):
        return alert.question_id or None
    if isinstance(alert, Unreadable):
        kept = alert.stored.get("question_id", "")
        return int(kept) if kept.isdigit() else None
    return None
