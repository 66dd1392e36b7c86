"""Backups and restores on SQLite and MariaDB: taken while customers keep ordering, restored
into a new empty database table for table; refused where they would do harm; the daily job
runs once across workers, prunes only its own old files and warns managers when it fails."""

from __future__ import annotations

import dataclasses
import gzip
import os
import stat
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, MetaData, Table, select, text
from sqlalchemy.engine import make_url

from bot.domain.errors import DomainError
from bot.domain.notifications import NotificationKind
from bot.domain.payments import PaymentMethod, PaymentOptions, PaymentReceipt, invoice_payload
from bot.domain.services import backups, payments, staff, stock
from bot.domain.staff import Role
from bot.persistence import backup, migrate
from bot.persistence.backup import BackupError, SqlBackups
from bot.persistence.engine import build_engine
from bot.persistence.models import Base
from tests.integration.persistence.test_concurrency import _race
from tests.support.databases import (
    MYSQL_ADMIN_URL,
    UowFactory,
    fresh_database,
    migrated_engine,
    skip_or_fail_without_mariadb,
    uow_factory,
)
from tests.support.factories import (
    FAST_HASHER,
    STORE,
    customer,
    pickup_details,
    placed_order,
    stocked,
)

PASSWORD = "correct horse battery"
WRITERS = 3
Rows = dict[str, dict[tuple[Any, ...], tuple[Any, ...]]]
# Rows the ordering workload never changes or deletes once committed: a restored one must be
# in the live database with every value the same.
UNCHANGING = (
    "orders",
    "order_lines",
    "order_status_changes",
    "order_vat",
    "payments",
    "stock_ledger",
    "outbox",
    "staff_accounts",
    "chore_runs",
)


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def all_rows(engine: Engine) -> Rows:
    """Every row of every table (the revision marker too), by primary key."""
    tables = [*Base.metadata.sorted_tables, _revision_table(engine)]
    found: Rows = {}
    with engine.connect() as connection:
        for table in tables:
            key = [c.name for c in table.primary_key.columns] or [c.name for c in table.columns]
            found[table.name] = {
                tuple(row._mapping[k] for k in key): tuple(row)
                for row in connection.execute(select(table))
            }
    return found


def _revision_table(engine: Engine) -> Table:
    return Table(backup.REVISION_TABLE, MetaData(), autoload_with=engine)


@pytest.fixture
def target(backend: str, tmp_path: Path) -> Iterator[str]:
    """A new, empty database of the same kind to restore into."""
    with fresh_database(backend, tmp_path) as url:
        yield url


def a_team(new_uow: UowFactory) -> list[int]:
    """Two active managers, a switched-off one and a clerk; the active managers' chats."""
    boss = staff.create_manager("boss", PASSWORD, uow=new_uow(), hasher=FAST_HASHER)
    assert boss.id is not None
    for name, chat in (("boss", 501), ("deputy", 502), ("gone", 503)):
        if name != "boss":
            staff.create_manager(name, PASSWORD, uow=new_uow(), hasher=FAST_HASHER)
        staff.log_in(name, PASSWORD, telegram_user_id=chat, uow=new_uow(), hasher=FAST_HASHER)
    invite = staff.create_invite(boss.id, Role.STAFF, uow=new_uow())
    staff.sign_up(
        invite.code, "clerk", "", PASSWORD, telegram_user_id=504, uow=new_uow(), hasher=FAST_HASHER
    )
    with new_uow() as uow:
        gone = uow.staff.get_by_username("gone")
    assert gone is not None and gone.id is not None
    staff.set_staff_active(boss.id, gone.id, False, uow=new_uow())
    return [501, 502]


# The store takes payments in the chat: every other order is placed to be paid there, and is.
ONLINE_STORE = dataclasses.replace(STORE, payments=PaymentOptions(online=True))


@dataclasses.dataclass
class Shopping:
    """Customers ordering (and paying for every other order, and a restock now and then) on
    their own threads and connections until stopped."""

    new_uow: UowFactory
    products: list[Any]
    placed: int = 0
    tries: int = 0
    free: list[int] = dataclasses.field(default_factory=list)  # turns no order took
    # Each paid order's id, and when its payment was committed (time.monotonic()).
    paid_at: dict[int, float] = dataclasses.field(default_factory=dict)
    stop: threading.Event = dataclasses.field(default_factory=threading.Event)
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)
    errors: list[BaseException] = dataclasses.field(default_factory=list)

    def one(self) -> None:
        tea, rice, milk = self.products
        with self.lock:  # every other order is paid in the chat: one turn each
            if self.free:
                turn = self.free.pop()
            else:
                self.tries += 1
                turn = self.tries
        online = turn % 2 == 1
        details = dataclasses.replace(pickup_details(), payment=PaymentMethod.ONLINE)
        try:
            order = placed_order(
                self.new_uow(),
                customer(),
                (tea, 1),
                (rice, 2),
                (milk, 1),
                details=details if online else None,
                store=ONLINE_STORE,
            )
        except DomainError:  # the milk ran out meanwhile: the next restock brings more
            with self.lock:  # no order: the next try takes this turn (paid or not)
                self.free.append(turn)
            stock.receive_stock("MILK", Decimal(3), actor="test", store=STORE, uow=self.new_uow())
            return
        with self.lock:
            self.placed += 1
            n = self.placed
        if online:
            receipt = PaymentReceipt(
                invoice_payload(order.code), order.currency, order.total_minor, f"ch-{n}", "p"
            )
            payments.record_payment(1, receipt, uow=self.new_uow())
            assert order.id is not None
            with self.lock:
                self.paid_at[order.id] = time.monotonic()
        if n % 3 == 0:
            stock.receive_stock("MILK", Decimal(3), actor="test", store=STORE, uow=self.new_uow())

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                self.one()
        except BaseException as error:
            self.errors.append(error)
            raise

    def wait_for(self, placed: int) -> None:
        for _ in range(3000):
            if self.placed >= placed or self.errors:
                break
            threading.Event().wait(0.01)
        assert not self.errors, self.errors
        assert self.placed >= placed


def a_store(new_uow: UowFactory) -> Shopping:
    """Items with stock, orders (some paid), a restock, low-stock alerts queued to managers."""
    a_team(new_uow)
    products = [
        stocked(new_uow(), 10_000, sku="TEA", name="Green tea ‘Sencha’ <50 g>"),
        stocked(new_uow(), 10_000, sku="RICE", name="Rice 1 kg"),
        stocked(new_uow(), 7, sku="MILK", name="Milk"),
    ]
    shopping = Shopping(new_uow, products)
    for _ in range(6):  # milk falls to its threshold: the managers are alerted
        shopping.one()
    return shopping


def test_a_backup_of_a_quiet_store_restores_every_table_row_for_row(
    engine: Engine, new_uow: UowFactory, target: str, tmp_path: Path
) -> None:
    a_store(new_uow)
    live = all_rows(engine)
    assert live["payments"] and live["outbox"] and live["order_lines"] and live["stock_ledger"]
    made = backup.take_backup(engine.url, tmp_path / "backups", at=datetime.now(UTC))
    restored = backup.restore_backup(target, Path(made.path))
    assert restored.state == "current"
    copy = build_engine(target)
    try:
        assert all_rows(copy) == live
    finally:
        copy.dispose()


def test_a_backup_taken_while_customers_order_is_one_consistent_moment(
    engine: Engine, new_uow: UowFactory, target: str, tmp_path: Path
) -> None:
    shopping = a_store(new_uow)
    before = shopping.placed
    writers = [threading.Thread(target=shopping.run) for _ in range(WRITERS)]
    for writer in writers:
        writer.start()
    try:
        shopping.wait_for(before + 10)
        copying = time.monotonic()
        made = backup.take_backup(engine.url, tmp_path, at=datetime.now(UTC))
        taken = shopping.placed
        shopping.wait_for(taken + 10)  # the live store moves on past the copy
    finally:
        shopping.stop.set()
        for writer in writers:
            writer.join()
    assert not shopping.errors
    backup.restore_backup(target, Path(made.path))
    copy = build_engine(target)
    try:
        restored, live = all_rows(copy), all_rows(engine)
        # A moment during the writing: the copy holds orders placed after the first ones,
        # and the live store has more now.
        assert before < len(restored["orders"]) < len(live["orders"])
        for name in UNCHANGING:
            invented = {k: v for k, v in restored[name].items() if live[name].get(k) != v}
            assert invented == {}, f"{name}: rows the live database does not have"
        assert restored["products"].keys() <= live["products"].keys()
        assert_consistent(copy)
        # Every payment committed before the copy began is in it (and every other order of
        # those placed was paid in the chat: payments there are to be kept).
        with shopping.lock:
            paid_before = {oid for oid, at in shopping.paid_at.items() if at < copying}
        with copy.connect() as db:
            paid = set(db.execute(text("SELECT order_id FROM payments")).scalars())
        assert paid_before and paid_before <= paid
    finally:
        copy.dispose()


def assert_consistent(engine: Engine) -> None:
    """Stock is the sum of its ledger; every order has its lines, its total and its sales in
    the ledger; every payment its order; every paid order's "paid" alert was queued."""
    with engine.connect() as db:
        off = db.execute(
            text(
                "SELECT p.sku FROM products p LEFT JOIN (SELECT product_id, SUM(`change`) AS s "
                "FROM stock_ledger GROUP BY product_id) l ON l.product_id = p.id "
                "WHERE p.stock <> COALESCE(l.s, 0)"
                if engine.dialect.name != "sqlite"
                else "SELECT p.sku FROM products p LEFT JOIN (SELECT product_id, "
                'SUM("change") AS s FROM stock_ledger GROUP BY product_id) l '
                "ON l.product_id = p.id WHERE p.stock <> COALESCE(l.s, 0)"
            )
        ).all()
        assert off == []
        orders = db.execute(text("SELECT id, total_minor, delivery_fee_minor FROM orders")).all()
        lines: dict[int, list[Any]] = {}
        for line in db.execute(
            text("SELECT order_id, product_id, quantity, line_total_minor FROM order_lines")
        ):
            lines.setdefault(line.order_id, []).append(line)
        sold: dict[tuple[int, int], Decimal] = {}
        for move in db.execute(
            text(
                "SELECT order_id, product_id, "
                + _quoted(engine, "change")
                + " AS moved FROM stock_ledger WHERE order_id IS NOT NULL"
            )
        ):
            key = (move.order_id, move.product_id)
            sold[key] = sold.get(key, Decimal(0)) + Decimal(move.moved)
        for order in orders:
            mine = lines.get(order.id, [])
            assert len(mine) == 3, f"order {order.id} lost lines"
            assert sum(x.line_total_minor for x in mine) + order.delivery_fee_minor == (
                order.total_minor
            )
            for x in mine:
                assert sold.get((order.id, x.product_id)) == -Decimal(x.quantity)
        assert {order_id for order_id, _ in sold} <= {order.id for order in orders}
        paid = db.execute(text("SELECT order_id FROM payments")).scalars().all()
        assert set(paid) <= {order.id for order in orders}


def _quoted(engine: Engine, name: str) -> str:
    return engine.dialect.identifier_preparer.quote(name)


def test_a_restore_refuses_a_database_holding_rows_and_changes_nothing(
    engine: Engine, new_uow: UowFactory, tmp_path: Path
) -> None:
    stocked(new_uow(), 5, sku="TEA")
    made = backup.take_backup(engine.url, tmp_path, at=datetime.now(UTC))
    stocked(new_uow(), 5, sku="JAM")
    live = all_rows(engine)
    with pytest.raises(BackupError, match=r"is not empty \(\d+ tables hold rows: .*products"):
        backup.restore_backup(engine.url, Path(made.path))
    assert all_rows(engine) == live


def test_a_restore_into_a_database_built_by_db_upgrade_but_empty_is_allowed(
    engine: Engine, new_uow: UowFactory, target: str, tmp_path: Path
) -> None:
    stocked(new_uow(), 5, sku="TEA")
    made = backup.take_backup(engine.url, tmp_path, at=datetime.now(UTC))
    migrated_engine(target).dispose()
    assert backup.restore_backup(target, Path(made.path)).state == "current"
    copy = build_engine(target)
    try:
        assert all_rows(copy) == all_rows(engine)
    finally:
        copy.dispose()


def test_a_restore_refuses_a_backup_of_the_other_kind_of_database(
    backend: str, target: str, tmp_path: Path
) -> None:
    other = tmp_path / (
        "shopkeeps-20261205T023000Z.mariadb.sql.gz"
        if backend == "sqlite"
        else "shopkeeps-20261205T023000Z.sqlite.gz"
    )
    with gzip.open(other, "wb") as file:
        file.write(
            b"-- MariaDB dump 10.19\n-- Dump completed on 2026-12-05\n"
            if backend == "sqlite"
            else backup.SQLITE_MAGIC + bytes(100)
        )
    with pytest.raises(BackupError, match="backup, but SHOPKEEPS_DATABASE_URL names a"):
        backup.restore_backup(target, other)
    (tmp_path / "notes.txt.gz").write_bytes(b"not gzip")
    with pytest.raises(BackupError, match="not a ShopKeeps backup"):
        backup.restore_backup(target, tmp_path / "notes.txt.gz")
    copy = build_engine(target)
    try:
        assert migrate.current_revision(copy) is None  # untouched
    finally:
        copy.dispose()


def test_a_cut_off_backup_is_refused_before_anything_changes(
    engine: Engine, new_uow: UowFactory, target: str, tmp_path: Path
) -> None:
    stocked(new_uow(), 5, sku="TEA")
    made = Path(backup.take_backup(engine.url, tmp_path, at=datetime.now(UTC)).path)
    whole = gzip.decompress(made.read_bytes())
    cut = tmp_path / "cut.gz"
    cut.write_bytes(gzip.compress(whole[: len(whole) * 2 // 3]))
    with pytest.raises(BackupError):
        backup.restore_backup(target, cut)
    copy = build_engine(target)
    try:
        assert migrate.current_revision(copy) is None
    finally:
        copy.dispose()


def test_a_failed_backup_leaves_no_file_that_looks_like_one(backend: str, tmp_path: Path) -> None:
    url = (
        f"sqlite:///{tmp_path / 'missing.db'}"
        if backend == "sqlite"
        else f"{_mariadb_admin_base()}/shopkeeps_no_such_database"
    )
    folder = tmp_path / "backups"
    with pytest.raises(BackupError):
        backup.take_backup(url, folder, at=datetime.now(UTC))
    assert list(folder.iterdir()) == []


def _mariadb_admin_base() -> str:
    skip_or_fail_without_mariadb()
    return MYSQL_ADMIN_URL.rsplit("/", 1)[0]


def test_the_daily_backup_runs_once_across_two_workers_and_prunes_only_its_own_old_files(
    database_url: str, engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    kind = backup.kind_of(engine.url)
    now = datetime.now(UTC).replace(microsecond=0)
    old, recent = now - timedelta(days=15), now - timedelta(days=13)
    keep = [
        backup.backup_name(kind, recent),
        "shopkeeps-notes.sqlite.gz",  # not its pattern
        "notes.txt",
        backup.backup_name("mariadb" if kind == "sqlite" else "sqlite", old),  # the other kind
    ]
    for name in [
        *keep,
        backup.backup_name(kind, old),
        backup.backup_name(kind, old - timedelta(days=40)),
    ]:
        (folder / name).write_bytes(b"x")
    workers = [build_engine(database_url) for _ in range(2)]
    try:
        factories = [uow_factory(worker) for worker in workers]
        results = _race(
            4,
            lambda n: backups.daily_backup(
                backups=SqlBackups(workers[n % 2].url, folder),
                store=STORE,
                keep=timedelta(days=14),
                uow=factories[n % 2](),
                clock=lambda: now,
            ),
        )
    finally:
        for worker in workers:
            worker.dispose()
    done = [r for r in results if isinstance(r, backups.DailyBackup) and r.ran]
    assert len(done) == 1 and done[0].made is not None
    assert len(done[0].pruned) == 2
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*keep, backup.backup_name(kind, now)]
    )


def test_a_failing_daily_backup_warns_each_active_manager_once_across_workers(
    database_url: str, new_uow: UowFactory, tmp_path: Path
) -> None:
    managers = a_team(new_uow)
    not_a_folder = tmp_path / "backups"
    not_a_folder.write_text("a file where the folder should be")
    workers = [build_engine(database_url) for _ in range(2)]
    try:
        factories = [uow_factory(worker) for worker in workers]
        results = _race(
            4,
            lambda n: backups.daily_backup(
                backups=SqlBackups(workers[n % 2].url, not_a_folder),
                store=STORE,
                keep=timedelta(days=14),
                uow=factories[n % 2](),
            ),
        )
    finally:
        for worker in workers:
            worker.dispose()
    failed = [r for r in results if isinstance(r, backups.DailyBackup) and r.ran]
    assert len(failed) == 1 and "cannot write the backup" in failed[0].failure
    with new_uow() as uow:
        told = [
            n.chat_id
            for n in uow.outbox.due(datetime.now(UTC) + timedelta(minutes=1), limit=100)
            if n.kind is NotificationKind.BACKUP_FAILED
        ]
    assert sorted(told) == managers


# MariaDB: the tools and the password


def test_the_password_reaches_the_dump_in_a_private_file_never_on_its_command_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret = "p\"a\\s s#w;'rd"
    seen: dict[str, Any] = {}

    class Dump:
        def __init__(self, command: list[str], **_options: Any) -> None:
            options = Path(command[1].removeprefix("--defaults-extra-file="))
            seen.update(
                command=command,
                mode=stat.S_IMODE(options.stat().st_mode),
                options=options.read_text(),
                file=options,
            )
            self.stdout = _Stream(b"-- MariaDB dump 10.19\n-- Dump completed on 2026\n")
            self.returncode = 0

        def __enter__(self) -> Dump:
            return self

        def __exit__(self, *_: object) -> None:
            return None

    monkeypatch.setattr("subprocess.Popen", Dump)
    monkeypatch.setattr(backup, "_tool", lambda names: "/usr/bin/" + names[0])
    url = f"mysql+pymysql://shop:{_escaped(secret)}@db.example:3307/shop"
    made = backup.take_backup(url, tmp_path, at=datetime(2026, 12, 5, 2, 30, tzinfo=UTC))
    assert Path(made.path).name == "shopkeeps-20261205T023000Z.mariadb.sql.gz"
    assert not any(secret in part for part in seen["command"])
    assert seen["command"][1].startswith("--defaults-extra-file=")
    assert {"--single-transaction", "--quick", "--routines", "--triggers"} <= set(seen["command"])
    assert seen["mode"] == 0o600
    assert 'password="p\\"a\\\\s s#w;\\\'rd"' in seen["options"]
    assert 'host="db.example"\nport=3307' in seen["options"]
    assert not seen["file"].exists()


class _Stream:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int) -> bytes:
        chunk, self.data = self.data[:size], self.data[size:]
        return chunk


def _escaped(password: str) -> str:
    return quote(password, safe="")


def test_a_real_dump_and_restore_work_with_a_password_full_of_quotes(tmp_path: Path) -> None:
    skip_or_fail_without_mariadb()
    secret = "p\"a\\s s#w;'rd"
    with (
        fresh_database("mariadb", tmp_path) as source_url,
        fresh_database("mariadb", tmp_path) as target_url,
    ):
        source = migrated_engine(source_url)
        stocked(uow_factory(source)(), 5, sku="TEA")
        user = f"bk{os.getpid()}"
        databases = [source.url.database, make_url(target_url).database]
        with source.begin() as db:
            db.execute(text(f"CREATE USER '{user}'@'%' IDENTIFIED BY :secret"), {"secret": secret})
            for name in databases:
                db.execute(text(f"GRANT ALL ON {name}.* TO '{user}'@'%'"))
        try:
            as_user = source.url.set(username=user, password=secret)
            made = backup.take_backup(as_user, tmp_path / "b", at=datetime.now(UTC))
            backup.restore_backup(as_user.set(database=databases[1]), Path(made.path))
            copy = build_engine(target_url)
            try:
                assert all_rows(copy) == all_rows(source)
            finally:
                copy.dispose()
        finally:
            with source.begin() as db:
                db.execute(text(f"DROP USER '{user}'@'%'"))
            source.dispose()


def test_without_the_mariadb_tools_the_error_says_which_package_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(backup, "DUMP_TOOLS", ("shopkeeps-no-such-dump",))
    with pytest.raises(BackupError, match="install the mariadb-client package"):
        backup.take_backup("mysql+pymysql://root@127.0.0.1/shop", tmp_path, at=datetime.now(UTC))
    assert list(tmp_path.iterdir()) == []


def test_a_dump_that_stops_early_is_not_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "dump"
    fake.write_text("#!/bin/sh\necho '-- MariaDB dump 10.19'\necho 'CREATE TABLE t (x int);'\n")
    fake.chmod(0o700)
    monkeypatch.setattr(backup, "DUMP_TOOLS", (str(fake),))
    folder = tmp_path / "backups"
    with pytest.raises(BackupError, match="stopped before the end of the dump"):
        backup.take_backup("mysql+pymysql://root@127.0.0.1/shop", folder, at=datetime.now(UTC))
    assert list(folder.iterdir()) == []
