"""Repositories: translate between rows and domain objects, one module per aggregate.

They never commit: the unit of work does.
"""

from bot.persistence.repositories.catalogue import (
    SqlCatalogueVersion,
    SqlLedgerRepository,
    SqlProductRepository,
    SqlWatchRepository,
)
from bot.persistence.repositories.conversations import (
    SqlChoreRepository,
    SqlLanguageRepository,
    SqlProcessedUpdateRepository,
    SqlPromptRepository,
    SqlShieldRepository,
)
from bot.persistence.repositories.customers import (
    SqlCartRepository,
    SqlCheckoutRepository,
    SqlCustomerRepository,
)
from bot.persistence.repositories.notifications import SqlDigestRepository, SqlOutboxRepository
from bot.persistence.repositories.orders import SqlOrderRepository
from bot.persistence.repositories.questions import SqlQuestionRepository
from bot.persistence.repositories.sales_windows import SqlSalesWindowRepository
from bot.persistence.repositories.staff import (
    SqlInviteRepository,
    SqlSessionRepository,
    SqlStaffRepository,
    SqlThrottleRepository,
    invite_digest,
)

__all__ = [
    "SqlCartRepository",
    "SqlCatalogueVersion",
    "SqlCheckoutRepository",
    "SqlChoreRepository",
    "SqlCustomerRepository",
    "SqlDigestRepository",
    "SqlInviteRepository",
    "SqlLanguageRepository",
    "SqlLedgerRepository",
    "SqlOrderRepository",
    "SqlOutboxRepository",
    "SqlProcessedUpdateRepository",
    "SqlProductRepository",
    "SqlPromptRepository",
    "SqlQuestionRepository",
    "SqlSalesWindowRepository",
    "SqlSessionRepository",
    "SqlShieldRepository",
    "SqlStaffRepository",
    "SqlThrottleRepository",
    "SqlWatchRepository",
    "invite_digest",
]
