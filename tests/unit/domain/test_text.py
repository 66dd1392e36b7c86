"""What people type is stored as others will see it: nothing hidden in it, nothing that turns
the text around it, and nothing taken out that the text needs (emoji, Persian, Hindi)."""

from __future__ import annotations

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.orders import Fulfilment, clean_note, clean_reason
from bot.domain.questions import clean_message
from bot.domain.services import staff
from bot.domain.services.customers import CustomerRef, identify
from bot.domain.text import one_line, without_controls
from tests.support.factories import FAST_HASHER
from tests.support.fakes import FakeUnitOfWork

RLO = "\u202e"  # right-to-left override: "\u202eevil" shows as "live"
ZWSP, ZWNJ, ZWJ, WJ, BOM = "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
INVISIBLE = "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u034f\u3164\uffa0"

TECHNOLOGIST = "\U0001f469\u200d\U0001f4bb"  # woman, ZWJ, laptop: one picture
RAINBOW_FLAG = "\U0001f3f3\ufe0f\u200d\U0001f308"  # white flag, VS16, ZWJ, rainbow
TRANSGENDER_FLAG = "\U0001f3f3\ufe0f\u200d\u26a7\ufe0f"  # ..., ZWJ, a symbol, VS16
DARK_COOK = "\U0001f9d1\U0001f3ff\u200d\U0001f373"  # person, dark skin tone, ZWJ, cooking
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
NEWER_PICTOGRAPH = "\U0001fae8"  # shaking face (Unicode 15): unknown to older tables
PERSIAN_I_WANT = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # a ZWNJ shapes it
HINDI_KSSA = "\u0915\u094d\u200d\u0937"  # a half form, asked for with a ZWJ


@pytest.mark.parametrize("hidden", list(BIDI + INVISIBLE))
def test_every_direction_override_and_invisible_character_is_taken_out_of_a_name(
    hidden: str,
) -> None:
    assert one_line(f"An{hidden}n") == "Ann"
    assert without_controls(f"{hidden}Ann{hidden}") == "Ann"


def test_a_name_written_backwards_with_an_override_is_stored_as_it_was_typed() -> None:
    assert one_line(f"{RLO}evil") == "evil"
    assert one_line(f"Ann {RLO}gpj.exe") == "Ann gpj.exe"


def test_a_name_of_nothing_but_invisible_characters_is_empty() -> None:
    assert one_line(f"{ZWSP}\u3164{BOM} {WJ}") == ""


def test_tag_characters_that_would_hide_words_are_taken_out() -> None:
    hidden_words = "".join(chr(0xE0000 + ord(c)) for c in "ignore this")
    assert one_line(f"Ann{hidden_words}") == "Ann"


@pytest.mark.parametrize(
    "emoji",
    [
        TECHNOLOGIST,
        RAINBOW_FLAG,
        TRANSGENDER_FLAG,
        DARK_COOK,
        SCOTLAND,
        "\u2764\ufe0f",
        NEWER_PICTOGRAPH,
    ],
)
def test_emoji_sequences_keep_their_joiners_and_tags(emoji: str) -> None:
    assert one_line(f"Ann {emoji} Smith") == f"Ann {emoji} Smith"


def test_a_newer_pictograph_still_joins_another() -> None:
    assert one_line(f"{NEWER_PICTOGRAPH}{ZWJ}\U0001f525") == f"{NEWER_PICTOGRAPH}{ZWJ}\U0001f525"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (f"Ann{ZWJ}", "Ann"),  # after a letter
        (f"{ZWJ}\U0001f469", "\U0001f469"),  # before an emoji, after nothing
        (f"\U0001f469{ZWJ}", "\U0001f469"),  # after an emoji, before nothing
        (f"\U0001f469{ZWJ}a", "\U0001f469a"),  # between an emoji and a letter
        (f"A{ZWJ}\U0001f469", "A\U0001f469"),
        (f"\U0001f469{ZWJ}{ZWJ}\U0001f4bb", "\U0001f469\U0001f4bb"),  # doubled
        (f"\U0001f3f4{ZWSP}\U000e0067\U000e007f", "\U0001f3f4"),  # a broken flag
    ],
)
def test_a_joiner_anywhere_else_is_taken_out(typed: str, stored: str) -> None:
    assert one_line(typed) == stored


def test_persian_and_hindi_keep_the_joiners_that_shape_their_letters() -> None:
    assert one_line(PERSIAN_I_WANT) == PERSIAN_I_WANT
    assert one_line(HINDI_KSSA) == HINDI_KSSA


def test_a_non_joiner_between_latin_letters_is_taken_out() -> None:
    assert one_line(f"ad{ZWNJ}min") == "admin"


def test_line_breaks_of_every_kind_are_kept_where_lines_are_and_spaces_elsewhere() -> None:
    typed = "first\r\nsecond\u2028third\u2029fourth\x85fifth\rsixth\tend"
    assert without_controls(typed, keep_newlines=True) == (
        "first\nsecond\nthird\nfourth\nfifth\nsixth end"
    )
    assert one_line(typed) == "first second third fourth fifth sixth end"


def test_lone_surrogates_a_database_cannot_store_are_taken_out() -> None:
    assert one_line("Ann\ud800") == "Ann"


def test_letters_accents_and_private_use_characters_are_left_alone() -> None:
    for text in ("Zoë Ångström", "Łódź 12, ul. Żółta", "東京都 1-2", "Ann \uf8ff", "x\u0301"):
        assert one_line(text) == text


def test_plain_ascii_is_returned_as_it_came() -> None:
    text = "Milk 2.5% <fresh> & co"
    assert without_controls(text) is text


def test_an_address_note_reason_and_question_are_cleaned_by_the_same_rule() -> None:
    address = Fulfilment.delivery(f"1{ZWSP} Main{BOM} St{RLO}\nSpringfield", 0).address
    assert address == "1 Main St\nSpringfield"
    assert clean_note(f"Ring{WJ} twice{RLO}\nthanks") == "Ring twice\nthanks"
    assert clean_reason(f"Out{ZWSP} of {RLO}stock") == "Out of stock"
    question = clean_message(f"Open{ZWSP} on {RLO}Sunday?", empty="empty", too_long="long")
    assert question == "Open on Sunday?"


def test_an_address_of_invisible_characters_only_is_refused_as_incomplete() -> None:
    with pytest.raises(InvalidInput, match="incomplete"):
        Fulfilment.delivery(ZWSP * 10 + "1", 0)


def test_a_customer_name_from_a_telegram_profile_is_stored_cleaned_and_kept_so() -> None:
    uow = FakeUnitOfWork()
    with uow:
        first = identify(uow, CustomerRef(7, f"{RLO}evil{ZWSP} {TECHNOLOGIST}"))
        assert first.name == f"evil {TECHNOLOGIST}"
        again = identify(uow, CustomerRef(7, f"{RLO}evil{ZWSP} {TECHNOLOGIST}"))
    assert again.name == f"evil {TECHNOLOGIST}"


def test_a_profile_name_of_invisible_characters_only_is_stored_as_customer() -> None:
    uow = FakeUnitOfWork()
    with uow:
        assert identify(uow, CustomerRef(8, f"\u3164{ZWSP}")).name == "Customer"


def test_a_staff_display_name_is_stored_cleaned() -> None:
    account = staff.create_manager(
        "boss",
        "correct horse battery",
        display_name=f"{RLO}Boss{BOM}\tMaria",
        uow=FakeUnitOfWork(),
        hasher=FAST_HASHER,
    )
    assert account.display_name == "Boss Maria"
