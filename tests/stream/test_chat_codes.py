"""Reading an NIP and a checkpoint code out of free chat text (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventops.stream.chat_codes import ChatAnswer, find_nips, mask_nips, read_answer

NIP = "199001012015031001"
CODES = {"4821", "AB12"}


@pytest.mark.parametrize(
    "text",
    [
        "HADIR 4821 199001012015031001",
        "4821 - 19900101 201503 1 001",
        "hadir kode 4821, nip 19900101.201503.1.001",
        "NIP: 19900101-201503-1-001 kode: 4821 🙏",
        "HADIR4821 199001012015031001",
        "１９９００１０１２０１５０３１００１ ４８２１",  # full-width digits from a phone keyboard
        "4821\n199001012015031001",
    ],
)
def test_an_nip_and_a_code_are_read_however_they_are_written(text: str) -> None:
    assert read_answer(text, CODES) == ChatAnswer(nips=(NIP,), codes=("4821",))


def test_a_numeric_code_beside_a_grouped_nip_is_not_read_as_part_of_it() -> None:
    # 4821 + 19900101 + 201503 is also 18 digits, but not a valid NIP (birth date 4821-19-90)
    assert find_nips("4821 19900101 201503 1 001") == (NIP,)


def test_codes_compare_case_insensitively() -> None:
    answer = read_answer("ab12 199001012015031001", CODES)
    assert answer is not None and answer.codes == ("AB12",)


def test_the_nips_digits_are_never_taken_for_a_code() -> None:
    assert read_answer("199001012015031001", {"1001", "19900101"}) is None


@pytest.mark.parametrize(
    "text",
    [
        "HADIR 4821",  # no NIP
        "HADIR 9999 199001012015031001",  # no known code
        "4821 1990010120150310012",  # 19 digits: not an NIP
        "4821 199013012015031001",  # month 13: not a real birth date
        "4821 199001012015033001",  # sex digit 3
        "4821 19900101abc2015031001",  # letters inside
        "<b>4821</b>",
        "",
    ],
)
def test_messages_without_both_parts_give_nothing(text: str) -> None:
    assert read_answer(text, CODES) is None


def test_two_nips_are_both_offered_in_order() -> None:
    answer = read_answer("4821 198503122010011003 dan 199001012015031001", CODES)
    assert answer is not None and answer.nips == ("198503122010011003", NIP)


def test_nips_in_text_are_masked_for_pages() -> None:
    masked = mask_nips("HADIR 4821 1990 0101 2015 03 1 001 <b>x</b>")
    assert NIP not in masked.replace(" ", "") and "199001**********01" in masked
    assert masked.startswith("HADIR 4821 ") and masked.endswith(" <b>x</b>")
    assert mask_nips("tanpa NIP") == "tanpa NIP"


nips = st.builds(
    lambda y, m, d, ty, tm, sex, serial: f"{y}{m:02d}{d:02d}{ty}{tm:02d}{sex}{serial:03d}",
    st.integers(1950, 2000),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(1975, 2022),
    st.integers(1, 12),
    st.sampled_from("12"),
    st.integers(0, 999),
)
separators = st.sampled_from(["", " ", ".", "-", " - ", ". "])
codes = st.text("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=2, max_size=8)


@given(nip=nips, code=codes, sep=separators, code_first=st.booleans(), prefix=st.sampled_from(["", "HADIR "]))
def test_any_valid_nip_and_code_are_found(
    nip: str, code: str, sep: str, code_first: bool, prefix: str
) -> None:
    written = sep.join([nip[:8], nip[8:14], nip[14], nip[15:]])
    text = prefix + (f"{code} {written}" if code_first else f"{written} {code.lower()}")
    answer = read_answer(text, {code})
    assert answer is not None
    assert nip in answer.nips and answer.codes == (code,)
