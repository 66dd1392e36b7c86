"""Password resets on the real repositories, SQLite and MariaDB: kept like invites, used once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from bot.domain.errors import DomainError, InvalidInvite
from bot.domain.services import staff
from bot.domain.staff import Role, StaffAccount
from tests.support.databases import UowFactory
from tests.support.factories import FAST_HASHER

PASSWORD = "correct horse battery"


def _boss_and_clerk(new_uow: UowFactory) -> tuple[int, StaffAccount]:
    boss = staff.create_manager("boss", PASSWORD, uow=new_uow(), hasher=FAST_HASHER)
    assert boss.id is not None
    invite = staff.create_invite(boss.id, Role.STAFF, uow=new_uow())
    clerk = staff.sign_up(
        invite.code.lower(),
        "cleo",
        "Cleo",
        "cleo's long password",
        telegram_user_id=77,
        uow=new_uow(),
        hasher=FAST_HASHER,
    )
    return boss.id, clerk


def test_a_reset_is_stored_for_its_account_and_is_no_invite(new_uow: UowFactory) -> None:
    boss, clerk = _boss_and_clerk(new_uow)
    reset, _ = staff.issue_password_reset(boss, "cleo", uow=new_uow())
    with new_uow() as uow:
        stored = uow.invites.get_by_code(reset.code)
    assert stored is not None and stored.resets == clerk.id
    try:
        staff.check_invite(reset.code, uow=new_uow())
    except InvalidInvite:
        pass
    else:
        raise AssertionError("a reset code signed someone up")


def test_two_uses_of_one_reset_code_at_once_set_one_password(new_uow: UowFactory) -> None:
    boss, _ = _boss_and_clerk(new_uow)
    reset, _ = staff.issue_password_reset(boss, "cleo", uow=new_uow())
    passwords = ["first new password", "second new password"]
    barrier = threading.Barrier(2)

    def use(n: int) -> StaffAccount | DomainError:
        barrier.wait()
        try:
            return staff.reset_password(reset.code, passwords[n], uow=new_uow(), hasher=FAST_HASHER)
        except DomainError as refused:
            return refused

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(use, range(2)))

    won = [n for n, r in enumerate(results) if isinstance(r, StaffAccount)]
    assert len(won) == 1, results
    assert isinstance(results[1 - won[0]], DomainError)
    with new_uow() as uow:
        account = uow.staff.get_by_username("cleo")
    assert account is not None
    assert FAST_HASHER.verify(passwords[won[0]], account.password_hash)
    assert not FAST_HASHER.verify(passwords[1 - won[0]], account.password_hash)
