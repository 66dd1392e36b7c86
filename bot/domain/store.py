"""Store-wide policy the use cases need, built from settings at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.domain.cart import DEFAULT_MAX_PER_ITEM
from bot.domain.delivery import DeliveryRules
from bot.domain.money import Currency
from bot.domain.opening_hours import OpeningHours, SlotPolicy
from bot.domain.payments import PaymentOptions

DEFAULT_HOURS = "mon-sat 09:00-19:00; sun 10:00-14:00"


@dataclass(frozen=True, slots=True)
class Store:
    name: str
    currency: Currency
    timezone: ZoneInfo
    default_low_stock_threshold: Decimal
    delivery_fee_minor: int = 0
    hours: OpeningHours = field(default_factory=lambda: OpeningHours.parse(DEFAULT_HOURS))
    slot_length: timedelta = timedelta(minutes=30)
    lead_time: timedelta = timedelta(hours=1)
    max_open_orders: int = 3  # orders a customer may have waiting for the store to accept
    country: str = "GB"  # ISO 3166 code: how phone numbers are read and shown
    address: str = ""
    phone: str = ""
    location: tuple[Decimal, Decimal] | None = None  # latitude, longitude
    payments: PaymentOptions = field(default_factory=PaymentOptions)
    # The most of one item an order may hold, in steps of the item (bot.domain.cart).
    max_per_item: int = DEFAULT_MAX_PER_ITEM
    # A pay-at-pickup order not collected by the end of its pickup day is released this long
    # after (bot.domain.pickups).
    pickup_grace: timedelta = timedelta(hours=24)
    # Delivery zones, fees and minimum baskets (bot.domain.delivery); None: anywhere, at the
    # flat delivery_fee_minor.
    delivery: DeliveryRules | None = None
    # Delivery time windows of this length are chosen at checkout, within delivery_hours
    # (None: the opening hours); zero: no window is asked for.
    delivery_window: timedelta = timedelta(0)
    delivery_hours: OpeningHours | None = None
    # The customer gets a code for the courier, who needs it to complete the delivery.
    delivery_code: bool = False
    # The VAT rate (percent) of items without one of their own (bot.domain.vat).
    default_vat_rate: Decimal = Decimal(0)
    # How far (percent, either way) a weighed line's picked weight may be from the ordered
    # one (bot.domain.picking).
    pick_tolerance_percent: Decimal = Decimal(20)

    def is_open(self, now: datetime) -> bool:
        return self.hours.is_open(now.astimezone(self.timezone))

    def next_opening(self, now: datetime) -> datetime | None:
        """When the store next opens (local time); None if not within a month."""
        return self.hours.next_opening(now.astimezone(self.timezone))

    @property
    def slots(self) -> SlotPolicy:
        return SlotPolicy(self.hours, self.timezone, self.slot_length, self.lead_time)

    @property
    def deliveries(self) -> DeliveryRules:
        return self.delivery or DeliveryRules(
            self.currency, self.delivery_fee_minor, country=self.country
        )

    @property
    def windows(self) -> SlotPolicy | None:
        """The delivery windows offered at checkout, like pickup slots; None: none asked."""
        if not self.delivery_window:
            return None
        hours = self.delivery_hours or self.hours
        return SlotPolicy(hours, self.timezone, self.delivery_window, self.lead_time)
