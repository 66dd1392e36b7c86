"""What the books must always say, whatever happened: stock on hand is the sum of its ledger."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from bot.persistence.models import LedgerRow, ProductRow


def stock_matches_ledger(engine: Engine) -> None:
    with engine.connect() as connection:
        for product_id, stock in connection.execute(select(ProductRow.id, ProductRow.stock)):
            moved = connection.execute(
                select(func.coalesce(func.sum(LedgerRow.change), 0)).where(
                    LedgerRow.product_id == product_id
                )
            ).scalar_one()
            assert stock == moved, f"item {product_id}: stock {stock}, ledger {moved}"
