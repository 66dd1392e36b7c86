"""Settings from the environment and .env (prefix SHOPKEEPS_), built once at start-up."""

from __future__ import annotations

import os
import re
from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.cart import DEFAULT_MAX_PER_ITEM
from bot.domain.delivery import DeliveryRules, parse_zones
from bot.domain.errors import InvalidInput
from bot.domain.money import ISO_4217, Currency
from bot.domain.opening_hours import OpeningHours
from bot.domain.payments import PaymentOptions
from bot.domain.store import DEFAULT_HOURS, Store
from bot.domain.vat import parse_vat_rate
from bot.i18n import SHIPPED

ENV_PREFIX = "SHOPKEEPS_"
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ConfigError(Exception):
    """One line per wrong variable, naming it; safe to print (no secret values)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    database_url: str = "sqlite:///shopkeeps.db"
    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_transport: Literal["aiohttp", "httpx"] = "aiohttp"
    webhook_url: str | None = None
    # Where people reach the bot's own web server from outside (https://shop.example.com):
    # the back office's links and Mini App button point there. Unset: no back office.
    backoffice_url: str | None = None
    # The bot's own web server (webhook, /healthz, /readyz, /metrics): SHOPKEEPS_WEB_LISTEN and
    # _WEB_PORT, or the older names SHOPKEEPS_WEBHOOK_LISTEN and _WEBHOOK_PORT. Port 0 in long
    # polling: no web server at all.
    web_listen: str = Field(
        "127.0.0.1",
        validation_alias=AliasChoices(
            "web_listen", f"{ENV_PREFIX}WEB_LISTEN", f"{ENV_PREFIX}WEBHOOK_LISTEN"
        ),
    )
    web_port: Annotated[int, Field(ge=0, le=65535)] = Field(
        8443,
        validation_alias=AliasChoices(
            "web_port", f"{ENV_PREFIX}WEB_PORT", f"{ENV_PREFIX}WEBHOOK_PORT"
        ),
    )
    webhook_secret: SecretStr | None = None
    # In webhook mode, a worker told to stop first fails its health checks for this long while
    # still serving, so the proxy in front (Caddy checks every 2 s) sends it nothing more; only
    # then does it stop taking requests. Without it, an update sent on a kept-alive connection
    # as the worker closes is lost in flight, and the proxy's retry cannot send it again.
    stop_drain_seconds: Annotated[float, Field(ge=0, le=60)] = 3.0
    store_name: Annotated[str, Field(min_length=1, max_length=64)] = "ShopKeeps Store"
    currency: str = "EUR"
    timezone: str = "UTC"
    language: str = "en"  # for people whose Telegram app speaks none of the shipped languages
    country: str = "GB"  # ISO 3166 code: phone numbers are read and shown as there
    default_low_stock_threshold: Annotated[Decimal, Field(ge=0, le=1_000_000)] = Decimal(5)
    staff_idle_timeout_hours: Annotated[float, Field(gt=0, le=24 * 30)] = 12
    opening_hours: str = DEFAULT_HOURS
    closed_dates: str = ""  # holidays: 2026-12-25, 2027-01-01
    store_address: Annotated[str, Field(max_length=200)] = ""
    store_phone: Annotated[str, Field(max_length=40)] = ""
    store_location: str = ""  # "48.8566,2.3522": latitude,longitude
    pickup_slot_minutes: Annotated[int, Field(ge=5, le=24 * 60)] = 30
    pickup_lead_minutes: Annotated[int, Field(ge=0, le=7 * 24 * 60)] = 60
    # Money settings are read as the chat reads prices: "4.90", "4,90", "4,90 €".
    delivery_fee: Annotated[Decimal, Field(ge=0, le=10_000)] = Decimal("3.50")
    # Delivery zones, one line: "75011,75012=4.90/min 15; 93*=6.90/min 30/free 60" (postcodes
    # or prefixes=fee, then the smallest basket and the basket from which it is free). Empty:
    # any address, at delivery_fee (bot.domain.delivery).
    delivery_zones: str = ""
    # Delivery is free from this basket (items only), store-wide; a zone's /free wins.
    free_delivery_from: Annotated[Decimal, Field(ge=0, le=1_000_000)] | None = None
    # Delivery time windows chosen at checkout, like pickup slots: their length (0: no window
    # asked) and the hours they fall in (empty: the opening hours, same syntax).
    delivery_window_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = 60
    delivery_hours: str = ""
    # true: a delivery gets a code the customer gives the courier, who needs it to complete.
    delivery_code: bool = False
    # VAT rate (percent) of items that have none of their own: 20, 5.5 or "5,5". Prices stay
    # tax included; receipts and /report say how much VAT they contain (bot.domain.vat).
    default_vat_rate: Decimal = Decimal(0)
    # How far (percent, either way) staff may pick a weighed line from the ordered weight:
    # 20 lets 1.5 kg ordered be picked as 1.2 to 1.8 kg (bot.domain.picking).
    pick_tolerance_percent: Annotated[int, Field(ge=0, le=100)] = 20
    max_open_orders: Annotated[int, Field(ge=1, le=100)] = 3
    # The most of one item one order may hold, in steps of the item (1 pc, a 0.25 kg portion);
    # never more than half of what is on hand either (bot.domain.cart.most_per_order).
    max_per_item: Annotated[int, Field(ge=1, le=10_000)] = DEFAULT_MAX_PER_ITEM
    # A pay-at-pickup order not collected by the store's closing time on its pickup day is
    # released this many hours later: its items go back on sale, the customer is told.
    pickup_grace_hours: Annotated[int, Field(ge=0, le=14 * 24)] = 24
    digest_time: time = time(8, 0)
    # Managers are told of an order or question nobody on duty has seen after this many
    # minutes of opening hours (bot.domain.waiting says what counts as seen).
    unseen_alert_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 10
    outbox_poll_seconds: Annotated[float, Field(gt=0, le=60)] = 2.0
    # Threads for database work: more only help a database across a slow network (under
    # the GIL they add contention, not speed); two, so a long report does not stop the rest.
    database_threads: Annotated[int, Field(ge=1, le=64)] = 2
    # Notifications as paid broadcasts (Telegram Stars per message, up to 1,000/s).
    paid_broadcast: bool = False
    # false: notifications unpaced, only for a local Bot API server (benchmarks measure the
    # bot's own speed with it off); Telegram refuses a bot that ignores its limits. Its 429s
    # are honoured either way.
    send_budget: bool = True
    playground_port: Annotated[int, Field(ge=0, le=65535)] = 8080  # 0: any free port
    # Telegram Payments for physical goods: the token BotFather gives for a payment provider.
    payment_provider_token: SecretStr | None = None
    pay_on_pickup: bool = True  # also offer "pay at pickup / on delivery"
    payment_timeout_minutes: Annotated[int, Field(ge=5, le=7 * 24 * 60)] = 30
    # Backups: a daily one at backup_time (local) into backup_dir, kept backup_keep_days.
    backup_dir: Path | None = None
    backup_keep_days: Annotated[int, Field(ge=1, le=3650)] = 14
    backup_time: time = time(2, 30)

    @field_validator("telegram_token", "webhook_secret", "payment_provider_token", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("delivery_fee", "free_delivery_from", mode="before")
    @classmethod
    def _money_as_typed(cls, value: Any, info: ValidationInfo) -> Any:
        """A sum as a shop owner writes it ("4,90", "4.90 €"), read by the chat's own rules."""
        if not isinstance(value, str):
            return value
        if not value.strip():
            return None if info.field_name == "free_delivery_from" else value
        if "currency" not in info.data:
            return value  # the currency's own error is reported
        currency = Currency(info.data["currency"])
        try:
            return currency.to_major(currency.parse(value))
        except InvalidInput as problem:
            raise ValueError(str(problem)) from None

    @field_validator("delivery_hours")
    @classmethod
    def _readable_delivery_hours(cls, value: str) -> str:
        if value.strip():
            try:
                OpeningHours.parse(value)
            except ValueError as problem:
                raise ValueError(str(problem)) from None
        return value

    @field_validator("webhook_url", "backoffice_url", "backup_dir", mode="before")
    @classmethod
    def _blank_url_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not re.match(r"^(sqlite|mysql\+pymysql|mariadb\+pymysql)://", value):
            raise ValueError("must start with sqlite:/// or mysql+pymysql://")
        return value

    @field_validator("telegram_api_url", "webhook_url", "backoffice_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        code = value.strip().upper()
        if code not in ISO_4217:
            raise ValueError(f"{value!r} is not an ISO 4217 currency code (like EUR or USD)")
        return code

    @field_validator("language")
    @classmethod
    def _shipped_language(cls, value: str) -> str:
        code = value.strip().lower()
        if code not in SHIPPED:
            raise ValueError(f"{value!r} is not a shipped language ({', '.join(SHIPPED)})")
        return code

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        code = value.strip().upper()
        if code not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"{value!r} is not a country code (like FR, DE or GB)")
        return code

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone name (like Europe/Paris)") from None
        return value

    @field_validator("opening_hours")
    @classmethod
    def _readable_hours(cls, value: str) -> str:
        try:
            OpeningHours.parse(value)
        except ValueError as problem:
            raise ValueError(str(problem)) from None
        return value

    @field_validator("closed_dates")
    @classmethod
    def _readable_dates(cls, value: str) -> str:
        try:
            OpeningHours.parse(DEFAULT_HOURS, value)
        except ValueError as problem:
            raise ValueError(str(problem)) from None
        return value

    @field_validator("default_vat_rate", mode="before")
    @classmethod
    def _readable_vat_rate(cls, value: Any) -> Decimal:
        try:
            return parse_vat_rate(str(value))
        except InvalidInput as problem:
            raise ValueError(str(problem)) from None

    @field_validator("store_location")
    @classmethod
    def _readable_location(cls, value: str) -> str:
        if value.strip():
            parse_location(value)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        """Checks that involve two variables; each message names the variables itself."""
        if self.webhook_url and self.web_port == 0:
            raise ValueError(
                f"{ENV_PREFIX}WEB_PORT: 0 turns the web server off, but {ENV_PREFIX}WEBHOOK_URL "
                "needs it to receive updates"
            )
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError(
                f"{ENV_PREFIX}WEBHOOK_SECRET: must be set when {ENV_PREFIX}WEBHOOK_URL is set"
            )
        if self.backoffice_url and self.web_port == 0:
            raise ValueError(
                f"{ENV_PREFIX}WEB_PORT: 0 turns the web server off, but "
                f"{ENV_PREFIX}BACKOFFICE_URL needs it to serve the back office"
            )
        if self.webhook_secret is not None and not _SECRET_TOKEN.match(
            self.webhook_secret.get_secret_value()
        ):
            raise ValueError(
                f"{ENV_PREFIX}WEBHOOK_SECRET: may hold only A-Z, a-z, 0-9, _ and - "
                "(1-256 characters)"
            )
        if self.payment_provider_token is None and not self.pay_on_pickup:
            raise ValueError(
                f"{ENV_PREFIX}PAY_ON_PICKUP: false needs {ENV_PREFIX}PAYMENT_PROVIDER_TOKEN, "
                "or customers would have no way to pay"
            )
        try:
            Currency(self.currency).parse(str(self.delivery_fee))
        except InvalidInput as problem:
            raise ValueError(f"{ENV_PREFIX}DELIVERY_FEE: {problem}") from None
        try:
            parse_zones(self.delivery_zones, Currency(self.currency))
        except ValueError as problem:
            raise ValueError(f"{ENV_PREFIX}DELIVERY_ZONES: {problem}") from None
        return self

    @property
    def use_webhook(self) -> bool:
        return self.webhook_url is not None

    @property
    def telegram_file_url(self) -> str:
        """python-telegram-bot's base_file_url for the same server."""
        base = self.telegram_api_url.rstrip("/")
        return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file/bot"

    def back_office_link(self, token: str) -> str | None:
        """The single-use link into the back office (its page spends it: bot.backoffice)."""
        if self.backoffice_url is None:
            return None
        return f"{self.backoffice_url.rstrip('/')}/backoffice/enter?link={token}"

    def back_office_app_url(self) -> str | None:
        """The back office as a Telegram Mini App, which Telegram opens over HTTPS only."""
        if self.backoffice_url is None or not self.backoffice_url.startswith("https://"):
            return None
        return f"{self.backoffice_url.rstrip('/')}/backoffice/app"

    @property
    def staff_idle_timeout(self) -> timedelta:
        return timedelta(hours=self.staff_idle_timeout_hours)

    def delivery_rules(self, currency: Currency) -> DeliveryRules:
        return DeliveryRules(
            currency,
            currency.parse(str(self.delivery_fee)),
            parse_zones(self.delivery_zones, currency),
            None
            if self.free_delivery_from is None
            else currency.parse(str(self.free_delivery_from)),
            self.country,
        )

    def store(self) -> Store:
        currency = Currency(self.currency)
        return Store(
            self.store_name,
            currency,
            ZoneInfo(self.timezone),
            self.default_low_stock_threshold,
            delivery_fee_minor=currency.parse(str(self.delivery_fee)),
            hours=OpeningHours.parse(self.opening_hours, self.closed_dates),
            slot_length=timedelta(minutes=self.pickup_slot_minutes),
            lead_time=timedelta(minutes=self.pickup_lead_minutes),
            max_open_orders=self.max_open_orders,
            max_per_item=self.max_per_item,
            pickup_grace=timedelta(hours=self.pickup_grace_hours),
            delivery=self.delivery_rules(currency),
            delivery_window=timedelta(minutes=self.delivery_window_minutes),
            delivery_hours=OpeningHours.parse(self.delivery_hours, self.closed_dates)
            if self.delivery_hours.strip()
            else None,
            delivery_code=self.delivery_code,
            default_vat_rate=self.default_vat_rate,
            pick_tolerance_percent=Decimal(self.pick_tolerance_percent),
            address=" ".join(self.store_address.split()),
            phone=self.store_phone.strip(),
            country=self.country,
            location=parse_location(self.store_location) if self.store_location.strip() else None,
            payments=PaymentOptions(
                online=self.payment_provider_token is not None,
                on_handover=self.pay_on_pickup,
                timeout=timedelta(minutes=self.payment_timeout_minutes),
            ),
        )


def parse_location(text: str) -> tuple[Decimal, Decimal]:
    """'48.8566,2.3522' (latitude, longitude, as a map app copies them)."""
    try:
        latitude, longitude = (Decimal(part.strip()) for part in text.split(","))
    except (ValueError, ArithmeticError):
        raise ValueError(f"{text!r} should be latitude,longitude like 48.8566,2.3522") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"{text!r} is not on Earth: latitude -90..90, longitude -180..180")
    return latitude, longitude


def load_settings(env_file: str | Path | None = ".env", **overrides: Any) -> Settings:
    """Build Settings, turning validation errors into a ConfigError naming each variable."""
    try:
        return Settings(_env_file=env_file, **overrides)
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            message = str(problem["msg"]).removeprefix("Value error, ")
            if problem["loc"]:
                lines.append(f"{_variable(str(problem['loc'][0]))}: {message}")
            else:
                lines.append(message)
        raise ConfigError("\n".join(lines)) from None


# Settings that kept their older names too: a problem is named as the person wrote it.
_OLDER_NAMES = {"web_port": "WEBHOOK_PORT", "web_listen": "WEBHOOK_LISTEN"}


def _variable(field: str) -> str:
    name = field.upper().removeprefix(ENV_PREFIX)
    older = _OLDER_NAMES.get(field.lower())
    if older and f"{ENV_PREFIX}{name}" not in os.environ and f"{ENV_PREFIX}{older}" in os.environ:
        name = older
    return f"{ENV_PREFIX}{name}"
