"""The `shopkeeps` command: run the bot and look after its database and catalogue."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from sqlalchemy.exc import OperationalError

from bot.catalogue_csv import CatalogueFileError, read_catalogue_file, write_catalogue
from bot.collector import collector_paused
from bot.config import ConfigError, Settings, load_settings
from bot.database_check import DatabaseUnavailable, check_database_opens
from bot.demo_data import demo_rows, generated_rows
from bot.domain.clock import utc_now
from bot.domain.errors import DomainError
from bot.domain.services import catalogue, sales, sales_windows, staff
from bot.domain.text import said
from bot.log_redaction import redact_secrets
from bot.wiring import Shop, build_shop

PLAYGROUND_INSTEAD = """\
No Telegram token is configured, so here is the offline playground instead.
To connect the bot to Telegram:
  1. Talk to @BotFather in Telegram, send /newbot and copy the token it gives you.
  2. Put it in a file named .env next to the Makefile:
       SHOPKEEPS_TELEGRAM_TOKEN=123456789:AA...
     (copy .env.example to .env for every other setting)
  3. Run `make run` again.
"""
BOT_REFUSED = (
    "SHOPKEEPS_TELEGRAM_TOKEN: Telegram refused this token. "
    "Copy it again from @BotFather (/mybots, API Token)."
)
WEB_NEEDS = (
    "`shopkeeps web` serves the back office: set SHOPKEEPS_TELEGRAM_TOKEN (its sign-ins are "
    "checked with it) and SHOPKEEPS_BACKOFFICE_URL (its public address), as for the bot."
)
PROGRESS_FROM = 200  # rows; smaller files import too fast for a progress bar to help


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shopkeeps", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "run",
        help="run the bot (long polling, or a webhook if configured; the playground if no token)",
    )
    commands.add_parser(
        "playground", help="try the bot in a browser: local Telegram, demo store, no token needed"
    )
    commands.add_parser(
        "web", help="serve only the back office (beside bot workers sharing the database)"
    )
    commands.add_parser(
        "doctor", help="check settings, database, Telegram, clock and backups; say how to fix"
    )
    db = commands.add_parser("db", help="database schema").add_subparsers(
        dest="db_command", required=True, metavar="ACTION"
    )
    up = db.add_parser("upgrade", help="create or upgrade the schema")
    up.add_argument("revision", nargs="?", default="head")
    down = db.add_parser("downgrade", help="undo migrations down to REVISION (base = empty)")
    down.add_argument("revision")
    people = commands.add_parser("staff", help="staff accounts").add_subparsers(
        dest="staff_command", required=True, metavar="ACTION"
    )
    manager = people.add_parser(
        "create-manager", help="create a manager; the password is read from a prompt or stdin"
    )
    manager.add_argument("username")
    manager.add_argument("--name", default="", help="display name (default: the username)")
    items = commands.add_parser("catalogue", help="import or export the catalogue as CSV")
    items_actions = items.add_subparsers(dest="catalogue_command", required=True, metavar="ACTION")
    imp = items_actions.add_parser("import", help="create or update items from a CSV file")
    imp.add_argument("file", type=Path)
    exp = items_actions.add_parser("export", help="write every item as CSV")
    exp.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    demo = commands.add_parser(
        "demo-data", help="fill the catalogue with a small demo grocery (or a big made-up store)"
    )
    demo.add_argument(
        "--items", type=_count, default=0, help="also add this many made-up items (e.g. 100000)"
    )
    demo.add_argument(
        "--orders", type=_count, default=0, help="and this many past orders (e.g. 200000)"
    )
    demo.add_argument("--days", type=_count, default=365, help="spread over this many days")
    save = commands.add_parser("backup", help="write a consistent copy of the database (one file)")
    save.add_argument("--to", type=Path, help="folder (default: SHOPKEEPS_BACKUP_DIR)")
    load = commands.add_parser("restore", help="put a backup into the empty database")
    load.add_argument("file", type=Path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # it logs URLs, which hold the token
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per job run otherwise
    # Alembic, imported by the commands that migrate, says which of its plugins it set up.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    if args.command == "doctor":  # it reports bad settings itself, as its first check
        from bot.doctor import run_doctor

        return run_doctor(sys.stdout)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"Configuration error:\n{error}", file=sys.stderr)
        return 2
    redact_secrets(
        [
            s.get_secret_value()
            for s in (
                settings.telegram_token,
                settings.webhook_secret,
                settings.payment_provider_token,
            )
            if s
        ],
        drop=_telegram_refusals() if args.command in ("run", "web") else (),
    )
    handler: Callable[[argparse.Namespace, Settings], int] = _COMMANDS[args.command]
    try:
        return handler(args, settings)
    except DomainError as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 1
    except DatabaseUnavailable as unavailable:
        print(f"error: {unavailable}", file=sys.stderr)
        return 1
    except OperationalError as failed:  # it opened, then failed: read-only, locked, gone
        print(f"error: {DatabaseUnavailable.after(failed, settings.database_url)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _telegram_refusals() -> tuple[type[BaseException], ...]:
    """Telegram's refusal of the token, whose text holds it; only the commands that talk to
    Telegram import python-telegram-bot (0.1 s of every other command's start)."""
    from telegram.error import InvalidToken

    return (InvalidToken,)


def _with_shop(settings: Settings, work: Callable[[Shop], int]) -> int:
    shop = build_shop(settings)
    try:
        check_database_opens(shop.engine, settings.database_url)  # one line, no traceback
        return work(shop)
    finally:
        shop.close()


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from telegram.error import InvalidToken

    from bot.persistence import migrate

    if settings.telegram_token is None:
        print(PLAYGROUND_INSTEAD, file=sys.stderr)
        return _playground(args, settings)
    from bot.app import run

    def serve(shop: Shop) -> int:
        migrate.upgrade(shop.engine, default_vat_rate=settings.default_vat_rate)
        try:
            run(settings, shop)
        except InvalidToken:
            # Never the token itself: it is a password to the bot.
            print(BOT_REFUSED, file=sys.stderr)
            return 2
        return 0

    return _with_shop(settings, serve)


def _web(_args: argparse.Namespace, settings: Settings) -> int:
    """The back office in a process of its own; its settings as the bot workers'."""
    from telegram.error import InvalidToken

    if settings.telegram_token is None or settings.backoffice_url is None:
        print(WEB_NEEDS, file=sys.stderr)
        return 2
    from bot.web.back_office_only import serve_until_stopped

    def serve(shop: Shop) -> int:
        try:
            asyncio.run(serve_until_stopped(settings, shop))
        except InvalidToken:
            print(BOT_REFUSED, file=sys.stderr)
            return 2
        return 0

    return _with_shop(settings, serve)


def _playground(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.playground.runner import run_playground

    return run_playground(settings, sys.stdout)


def _db(args: argparse.Namespace, settings: Settings) -> int:
    from bot.persistence import migrate

    def change(shop: Shop) -> int:
        if args.db_command == "upgrade":
            migrate.upgrade(shop.engine, args.revision, default_vat_rate=settings.default_vat_rate)
        else:
            migrate.downgrade(shop.engine, args.revision)
        print(f"Database is at revision {migrate.current_revision(shop.engine) or 'base'}.")
        return 0

    return _with_shop(settings, change)


def _read_password(stdin: TextIO) -> str:
    if stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise DomainError(said("The two passwords differ."))
        return first
    return stdin.readline().rstrip("\r\n")


def _staff(args: argparse.Namespace, settings: Settings) -> int:
    password = _read_password(sys.stdin)

    def create(shop: Shop) -> int:
        account = staff.create_manager(
            args.username, password, display_name=args.name, uow=shop.uow(), hasher=shop.hasher
        )
        print(f"Manager {account.username} created. Log in from Telegram with /login.")
        return 0

    return _with_shop(settings, create)


class ProgressBar:
    def __init__(self, total: int, out: TextIO, width: int = 30) -> None:
        self.total, self.out, self.width = total, out, width

    def __call__(self, done: int) -> None:
        filled = self.width * done // self.total
        self.out.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total}")
        if done == self.total:
            self.out.write("\n")
        self.out.flush()


def _catalogue(args: argparse.Namespace, settings: Settings) -> int:
    currency = settings.store().currency
    if args.catalogue_command == "export":

        def export(shop: Shop) -> int:
            products = catalogue.all_products(uow=shop.uow())
            if args.output is None:
                count = write_catalogue(products, currency, sys.stdout)
            else:
                with args.output.open("w", encoding="utf-8", newline="") as target:
                    count = write_catalogue(products, currency, target)
            print(f"Exported {count} items.", file=sys.stderr)
            return 0

        return _with_shop(settings, export)
    try:
        with collector_paused():
            rows = read_catalogue_file(args.file.read_bytes(), currency)
    except OSError as error:
        print(f"error: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 1
    except CatalogueFileError as bad:
        print(f"Nothing was imported; fix these lines in {args.file}:\n{bad}", file=sys.stderr)
        return 1

    def load(shop: Shop) -> int:
        progress = ProgressBar(len(rows), sys.stderr) if len(rows) >= PROGRESS_FROM else None
        with collector_paused():
            result = catalogue.import_catalogue(
                rows, actor="cli:import", store=shop.store, uow=shop.uow(), progress=progress
            )
        print(
            f"Imported {len(rows)} items: {result.created} new, {result.updated} updated, "
            f"{result.stock_changes} stock changes."
        )
        return 0

    return _with_shop(settings, load)


def _count(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 10_000_000:
        raise argparse.ArgumentTypeError("use a number from 0 to 10,000,000")
    return value


def _demo_data(args: argparse.Namespace, settings: Settings) -> int:
    from bot.persistence import migrate
    from bot.persistence.demo_history import add_order_history

    def load(shop: Shop) -> int:
        migrate.upgrade(shop.engine, default_vat_rate=settings.default_vat_rate)
        rows = demo_rows() + generated_rows(args.items)
        present = set(catalogue.find_skus([row.product.sku for row in rows], uow=shop.uow()))
        missing = [row for row in rows if row.product.sku not in present]
        if missing:
            with collector_paused():
                catalogue.import_catalogue(
                    missing, actor="cli:demo-data", store=shop.store, uow=shop.uow()
                )
        print(f"Demo catalogue: {len(missing)} items added, {len(present)} were already there.")
        if args.orders:
            add_order_history(
                shop.engine,
                orders=args.orders,
                days=max(1, args.days),
                now=utc_now(),
                currency=shop.store.currency.code,
                vat_rate=shop.store.default_vat_rate,
            )
            print(f"Demo history: {args.orders} orders over the last {args.days} days.")
            now, timezone = utc_now(), shop.store.timezone
            sales_windows.close_days(now, timezone, uow=shop.uow())
            for days in sales.WINDOW_DAYS:  # the analytics' last N days, summed now
                sales_windows.bring_up_to_date(days, now, timezone, uow=shop.uow())
        return 0

    return _with_shop(settings, load)


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    from bot.persistence import backup

    folder = args.to or settings.backup_dir
    if folder is None:
        print("error: no backup folder: pass --to DIR or set SHOPKEEPS_BACKUP_DIR", file=sys.stderr)
        return 2
    try:
        made = backup.take_backup(settings.database_url, folder, at=utc_now())
    except backup.BackupError as failed:
        print(f"error: no backup was written: {failed}", file=sys.stderr)
        return 1
    where = backup.describe(settings.database_url)
    print(f"Backed up the {where} to {made.path} ({_size(made.size)}).")
    return 0


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    amount, unit = size / 1024, "KB"
    for bigger in ("MB", "GB"):
        if amount < 1024:
            break
        amount, unit = amount / 1024, bigger
    return f"{amount:.1f} {unit}"


def _restore(args: argparse.Namespace, settings: Settings) -> int:
    from bot.persistence import backup

    try:
        done = backup.restore_backup(settings.database_url, args.file)
    except backup.BackupError as failed:
        print(f"error: {failed}", file=sys.stderr)
        return 1
    restored = f"Restored {args.file} into the {backup.describe(settings.database_url)}"
    revision = done.revision or "none"
    if done.state == "current":
        print(f"{restored}: schema revision {revision}, the one this code expects.")
    elif done.state == "older":
        print(
            f"{restored}: schema revision {revision}, older than this code's {done.head}: "
            "run `shopkeeps db upgrade` before starting the bot."
        )
    else:
        print(
            f"{restored}: schema revision {revision}, newer than this code knows: run the "
            "ShopKeeps version that made the backup (or a newer one)."
        )
    return 0


_COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "run": _run,
    "playground": _playground,
    "web": _web,
    "db": _db,
    "staff": _staff,
    "catalogue": _catalogue,
    "demo-data": _demo_data,
    "backup": _backup,
    "restore": _restore,
}


if __name__ == "__main__":
    raise SystemExit(main())
