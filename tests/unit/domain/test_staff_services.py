from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.errors import (
    AccountLocked,
    AuthenticationFailed,
    InvalidInput,
    InvalidInvite,
    NotAuthorised,
    UsernameTaken,
)
from bot.domain.notifications import NotificationKind
from bot.domain.passwords import PRODUCTION_ROUNDS, PasswordHasher
from bot.domain.prompts import PromptKind
from bot.domain.services import prompts, staff
from bot.domain.staff import Role
from tests.support.factories import FAST_HASHER, FixedClock
from tests.support.fakes import FakeUnitOfWork

PASSWORD = "correct horse battery"


def _manager(uow: FakeUnitOfWork, username: str = "Boss") -> int:
    account = staff.create_manager(username, PASSWORD, uow=uow, hasher=FAST_HASHER)
    assert account.id is not None
    return account.id


def test_passwords_are_stored_only_as_bcrypt_hashes_of_cost_12_or_more() -> None:
    assert PasswordHasher().rounds == PRODUCTION_ROUNDS >= 12
    uow = FakeUnitOfWork()
    _manager(uow)
    with uow:
        stored = uow.staff.get_by_username("boss")
    assert stored is not None
    assert PASSWORD not in stored.password_hash
    assert stored.password_hash.startswith("$2b$04$")  # the tests' cost; production is 12


def test_the_production_hash_has_cost_12() -> None:
    assert PasswordHasher().hash(PASSWORD).startswith("$2b$12$")


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("boss", "short"),
        ("boss", "boss"),
        ("b", PASSWORD),
        ("boss", "x" * 73),
        ("longpassword", "LongPassword"),
    ],
)
def test_weak_passwords_and_bad_usernames_are_refused(username: str, password: str) -> None:
    with pytest.raises(InvalidInput):
        staff.create_manager(username, password, uow=FakeUnitOfWork(), hasher=FAST_HASHER)


def test_usernames_are_unique_whatever_the_case() -> None:
    uow = FakeUnitOfWork()
    _manager(uow, "Boss")
    with pytest.raises(UsernameTaken):
        _manager(uow, "BOSS")


def test_a_correct_login_opens_a_session_for_that_telegram_user() -> None:
    uow = FakeUnitOfWork()
    _manager(uow)
    account = staff.log_in("BOSS", PASSWORD, telegram_user_id=42, uow=uow, hasher=FAST_HASHER)
    assert account.telegram_user_id == 42
    assert staff.current_staff(42, uow=uow) is not None
    assert staff.current_staff(43, uow=uow) is None
    staff.log_out(42, uow=uow)
    assert staff.current_staff(42, uow=uow) is None


def test_unknown_users_and_wrong_passwords_get_the_same_answer() -> None:
    uow = FakeUnitOfWork()
    _manager(uow)
    with pytest.raises(AuthenticationFailed) as unknown:
        staff.log_in("nobody", PASSWORD, telegram_user_id=1, uow=uow, hasher=FAST_HASHER)
    with pytest.raises(AuthenticationFailed) as wrong:
        staff.log_in("boss", "wrong password!", telegram_user_id=1, uow=uow, hasher=FAST_HASHER)
    assert str(unknown.value) == str(wrong.value)


def _attempt(uow: FakeUnitOfWork, clock: FixedClock, password: str) -> None:
    staff.log_in("boss", password, telegram_user_id=7, uow=uow, hasher=FAST_HASHER, clock=clock)


def _five_misses(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    """Four wrong passwords are just wrong; the fifth makes the person wait 15 minutes."""
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            _attempt(uow, clock, "wrong password!")
    with pytest.raises(AccountLocked, match="15 minutes"):
        _attempt(uow, clock, "wrong password!")


def test_five_wrong_passwords_make_that_person_wait_fifteen_minutes() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _manager(uow)
    _five_misses(uow, clock)
    with pytest.raises(AccountLocked):
        _attempt(uow, clock, PASSWORD)  # even the right password waits
    clock.advance(minutes=14)
    with pytest.raises(AccountLocked, match="1 minutes"):
        _attempt(uow, clock, PASSWORD)
    clock.advance(minutes=1, seconds=1)
    _attempt(uow, clock, PASSWORD)


def test_a_session_expires_after_the_idle_timeout() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _manager(uow)
    staff.log_in("boss", PASSWORD, telegram_user_id=9, uow=uow, hasher=FAST_HASHER, clock=clock)
    clock.advance(hours=11)
    assert staff.current_staff(9, uow=uow, clock=clock) is not None  # activity renews it
    clock.advance(hours=11)
    assert staff.current_staff(9, uow=uow, clock=clock) is not None
    clock.advance(hours=12, seconds=1)
    assert staff.current_staff(9, uow=uow, clock=clock) is None


def test_reading_the_session_writes_at_most_once_a_minute() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _manager(uow)
    staff.log_in("boss", PASSWORD, telegram_user_id=9, uow=uow, hasher=FAST_HASHER, clock=clock)
    commits = uow.commits
    for _ in range(5):  # a busy clerk's updates, seconds apart
        clock.advance(seconds=10)
        assert staff.current_staff(9, uow=uow, clock=clock) is not None
    assert uow.commits == commits
    clock.advance(seconds=20)  # a minute since the login
    assert staff.current_staff(9, uow=uow, clock=clock) is not None
    assert uow.commits == commits + 1
    assert uow.committed.sessions[9].last_seen_at == clock()


def test_an_invite_is_single_use_and_expires_after_48_hours() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    boss = _manager(uow)
    invite = staff.create_invite(boss, Role.STAFF, uow=uow, clock=clock)
    assert staff.check_invite(invite.code, uow=uow, clock=clock) is Role.STAFF
    account = staff.sign_up(
        invite.code,
        "ann",
        "Ann",
        "ann's long password",
        telegram_user_id=11,
        uow=uow,
        hasher=FAST_HASHER,
        clock=clock,
    )
    assert (account.role, account.telegram_user_id) == (Role.STAFF, 11)
    assert staff.current_staff(11, uow=uow, clock=clock) is not None
    with pytest.raises(InvalidInvite):
        staff.sign_up(
            invite.code,
            "bob",
            "Bob",
            "bob's long password",
            telegram_user_id=12,
            uow=uow,
            hasher=FAST_HASHER,
            clock=clock,
        )
    late = staff.create_invite(boss, Role.MANAGER, uow=uow, clock=clock)
    clock.advance(hours=48)
    with pytest.raises(InvalidInvite):
        staff.check_invite(late.code, uow=uow, clock=clock)


def test_only_managers_invite_and_deactivate() -> None:
    uow = FakeUnitOfWork()
    boss = _manager(uow)
    invite = staff.create_invite(boss, Role.STAFF, uow=uow)
    ann = staff.sign_up(
        invite.code,
        "ann",
        "",
        "ann's long password",
        telegram_user_id=11,
        uow=uow,
        hasher=FAST_HASHER,
    )
    assert ann.id is not None
    assert ann.display_name == "ann"
    with pytest.raises(NotAuthorised):
        staff.create_invite(ann.id, Role.STAFF, uow=uow)
    with pytest.raises(NotAuthorised):
        staff.set_staff_active(ann.id, boss, False, uow=uow)


def test_deactivated_staff_lose_access_at_once() -> None:
    uow = FakeUnitOfWork()
    boss = _manager(uow)
    invite = staff.create_invite(boss, Role.STAFF, uow=uow)
    ann = staff.sign_up(
        invite.code,
        "ann",
        "Ann",
        "ann's long password",
        telegram_user_id=11,
        uow=uow,
        hasher=FAST_HASHER,
    )
    assert ann.id is not None
    staff.set_staff_active(boss, ann.id, False, uow=uow)
    assert staff.current_staff(11, uow=uow) is None
    with pytest.raises(NotAuthorised, match="deactivated"):
        staff.log_in("ann", "ann's long password", telegram_user_id=11, uow=uow, hasher=FAST_HASHER)
    with pytest.raises(InvalidInput):
        staff.set_staff_active(boss, boss, False, uow=uow)


def test_the_wait_grows_with_each_further_miss_and_a_success_forgets_them() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _manager(uow)
    _five_misses(uow, clock)
    clock.advance(minutes=15, seconds=1)
    with pytest.raises(AccountLocked, match="30 minutes"):
        _attempt(uow, clock, "wrong password!")
    clock.advance(minutes=30, seconds=1)
    _attempt(uow, clock, PASSWORD)  # a success forgets the misses
    staff.log_out(7, uow=uow)
    with pytest.raises(AuthenticationFailed):
        _attempt(uow, clock, "wrong password!")


def test_a_password_over_72_bytes_is_a_wrong_password_for_known_and_unknown_names() -> None:
    uow = FakeUnitOfWork()
    _manager(uow)
    too_long = "é" * 40  # 80 bytes: bcrypt would refuse it
    for username in ("boss", "nobody"):
        with pytest.raises(AuthenticationFailed):
            staff.log_in(username, too_long, telegram_user_id=3, uow=uow, hasher=FAST_HASHER)


def test_a_stranger_cannot_lock_the_owner_of_an_account_out() -> None:
    uow = FakeUnitOfWork()
    _manager(uow)
    for _ in range(10):
        with pytest.raises((AuthenticationFailed, AccountLocked)):
            staff.log_in("boss", "guess", telegram_user_id=666, uow=uow, hasher=FAST_HASHER)
    assert staff.log_in("boss", PASSWORD, telegram_user_id=1, uow=uow, hasher=FAST_HASHER)


def test_logging_out_and_being_switched_off_drop_the_open_question() -> None:
    uow = FakeUnitOfWork()
    boss = _manager(uow)
    clerk = staff.create_manager("clerk", PASSWORD, uow=uow, hasher=FAST_HASHER)
    staff.log_in("clerk", PASSWORD, telegram_user_id=8, uow=uow, hasher=FAST_HASHER)
    staff.log_in("boss", PASSWORD, telegram_user_id=9, uow=uow, hasher=FAST_HASHER)
    for user in (8, 9):
        prompts.ask(user, PromptKind.ADD_ITEM, "name", uow=uow)
    staff.log_out(9, uow=uow)
    staff.set_staff_active(boss, clerk.id or 0, False, uow=uow)
    assert prompts.waiting_for(8, uow=uow).prompt is None
    assert prompts.waiting_for(9, uow=uow).prompt is None


def _clerk(uow: FakeUnitOfWork, boss: int, clock: FixedClock, user: int = 11) -> int:
    invite = staff.create_invite(boss, Role.STAFF, uow=uow, clock=clock)
    ann = staff.sign_up(
        invite.code,
        "ann",
        "Ann",
        "ann's long password",
        telegram_user_id=user,
        uow=uow,
        hasher=FAST_HASHER,
        clock=clock,
    )
    assert ann.id is not None
    return ann.id


@pytest.mark.parametrize(
    "typed", ["{code}", "{lower}", "  {lower}  ", "{spaced}", "{dashed}", "{spaced_lower}"]
)
def test_an_invite_code_is_read_whatever_its_case_spaces_and_dashes(typed: str) -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    code = staff.create_invite(_manager(uow), Role.STAFF, uow=uow, clock=clock).code
    assert code.isupper() or code.isdigit()
    groups = [code[i : i + 4] for i in range(0, len(code), 4)]
    shown = typed.format(
        code=code,
        lower=code.lower(),
        spaced=" ".join(groups),
        dashed="-".join(groups),
        spaced_lower=" ".join(groups).lower(),
    )
    assert staff.check_invite(shown, uow=uow, clock=clock) is Role.STAFF


def test_a_confirmation_to_deactivate_is_good_for_ten_minutes_only() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    boss = _manager(uow)
    ann = _clerk(uow, boss, clock)
    asked = clock()
    clock.advance(minutes=11)
    with pytest.raises(InvalidInput, match="out of date"):
        staff.confirm_deactivation(boss, ann, asked, uow=uow, clock=clock)
    with pytest.raises(InvalidInput, match="out of date"):  # dated later than now: forged
        staff.confirm_deactivation(boss, ann, clock() + timedelta(hours=1), uow=uow, clock=clock)
    assert staff.current_staff(11, uow=uow, clock=clock) is not None
    account = staff.confirm_deactivation(boss, ann, clock(), uow=uow, clock=clock)
    assert not account.active
    assert staff.current_staff(11, uow=uow, clock=clock) is None


def test_a_second_confirmation_tells_the_member_once() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    boss = _manager(uow)
    ann = _clerk(uow, boss, clock)
    staff.confirm_deactivation(boss, ann, clock(), uow=uow, clock=clock)
    staff.confirm_deactivation(boss, ann, clock(), uow=uow, clock=clock)
    with uow:
        told = [n for n in uow.outbox.due(clock(), limit=10) if n.chat_id == 11]
    assert [n.kind for n in told] == [NotificationKind.ACCOUNT_SWITCHED_OFF]


def test_a_password_reset_sets_a_new_password_once_and_ends_the_sessions() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    boss = _manager(uow)
    ann = _clerk(uow, boss, clock)
    reset, account = staff.issue_password_reset(boss, " ANN ", uow=uow, clock=clock)
    assert account.id == ann
    # A reset code is no sign-up invite.
    with pytest.raises(InvalidInvite):
        staff.check_invite(reset.code, uow=uow, clock=clock)
    assert staff.check_password_reset(reset.code.lower(), uow=uow, clock=clock).id == ann
    with pytest.raises(InvalidInput, match="at least 10"):
        staff.reset_password(reset.code, "short", uow=uow, hasher=FAST_HASHER, clock=clock)
    staff.reset_password(reset.code, "ann's new password", uow=uow, hasher=FAST_HASHER, clock=clock)
    assert staff.current_staff(11, uow=uow, clock=clock) is None
    with pytest.raises(AuthenticationFailed):
        staff.log_in("ann", "ann's long password", telegram_user_id=11, uow=uow, hasher=FAST_HASHER)
    staff.log_in("ann", "ann's new password", telegram_user_id=11, uow=uow, hasher=FAST_HASHER)
    with pytest.raises(InvalidInput, match="not valid"):
        staff.reset_password(
            reset.code, "someone else's pass", uow=uow, hasher=FAST_HASHER, clock=clock
        )


def test_a_member_locked_out_by_wrong_passwords_logs_in_at_once_after_a_reset() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    boss = _manager(uow)
    _clerk(uow, boss, clock)
    for _ in range(5):
        with pytest.raises((AuthenticationFailed, AccountLocked)):
            staff.log_in(
                "ann",
                "not my password",
                telegram_user_id=11,
                uow=uow,
                hasher=FAST_HASHER,
                clock=clock,
            )
    with pytest.raises(AccountLocked):
        staff.log_in(
            "ann",
            "ann's long password",
            telegram_user_id=11,
            uow=uow,
            hasher=FAST_HASHER,
            clock=clock,
        )
    reset, _ = staff.issue_password_reset(boss, "ann", uow=uow, clock=clock)
    staff.reset_password(
        reset.code,
        "ann's new password",
        telegram_user_id=11,
        uow=uow,
        hasher=FAST_HASHER,
        clock=clock,
    )
    staff.log_in(
        "ann", "ann's new password", telegram_user_id=11, uow=uow, hasher=FAST_HASHER, clock=clock
    )
    assert staff.current_staff(11, uow=uow, clock=clock) is not None


def test_a_password_reset_expires_after_a_day_and_only_managers_give_one() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    boss = _manager(uow)
    ann = _clerk(uow, boss, clock)
    reset, _ = staff.issue_password_reset(boss, "ann", uow=uow, clock=clock)
    clock.advance(hours=24)
    with pytest.raises(InvalidInput, match="not valid"):
        staff.check_password_reset(reset.code, uow=uow, clock=clock)
    with pytest.raises(NotAuthorised):
        staff.issue_password_reset(ann, "boss", uow=uow, clock=clock)
    with pytest.raises(InvalidInput, match="no staff account nobody"):
        staff.issue_password_reset(boss, "nobody", uow=uow, clock=clock)
