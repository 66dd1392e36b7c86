"""Who may do what, declared once for every adapter: the chat's commands and buttons and the
back office's pages take the role they need from here, so the two cannot disagree."""

from __future__ import annotations

from bot.domain.staff import Role

# Anyone on the team, logged in.
TEAM_MEMBER = Role.STAFF
# Items: add, edit, price, photo, archive (/additem, /edititem, /setprice, /archive).
CATALOGUE = Role.STAFF
# Stock levels and every move of stock (/stock, /restock, /adjust, /count).
STOCK = Role.STAFF
# The order queue, picking and hand-over.
ORDERS = Role.STAFF
# The business in figures (/report, /lowstock, VAT rates).
REPORTS = Role.MANAGER
# The team: invites, the staff list, switching accounts off.
TEAM = Role.MANAGER
# Offers: an item or a category at a lower price for a while (/offer, /offers).
OFFERS = Role.MANAGER
# Promo codes customers give at checkout (/promo, /promos).
PROMO_CODES = Role.MANAGER
# News to customers who asked for it (/announce, /announcements).
ANNOUNCEMENTS = Role.MANAGER
# The shop's own details: opening hours, holidays, address, phone, delivery fee.
SETTINGS = Role.MANAGER


def allows(need: Role | None, role: Role | None) -> bool:
    """Managers may do everything staff may; None needs no login at all."""
    if need is None:
        return True
    return role is Role.MANAGER or (need is Role.STAFF and role is Role.STAFF)
