"""Tests for names read as parts (issue 11): honorifics and titles as evidence, phones, agencies, typos."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventops.identity.matching import (
    Connection,
    MatchReason,
    MatchResult,
    RosterEntry,
    RosterIndex,
)
from eventops.identity.names import normalise_name

PROVINCE = "Pemerintah Provinsi Bali"
BADUNG = "Pemerintah Kabupaten Badung"


def person(
    pid: int,
    name: str,
    *,
    agency: str = PROVINCE,
    unit: str = "Dinas Kesehatan",
    phone: str | None = None,
    email: str | None = None,
) -> RosterEntry:
    """A roster entry with sensible defaults."""
    return RosterEntry(pid, None, name, email, agency, unit, None, phone)


# The people the issue's examples were held between, with a few others so that the words are not all rare.
ROSTER = [
    person(1, "I Wayan Yoga Gunawan"),
    person(2, "I Kadek Yoga Gunawan, M.AP."),
    person(3, "I Nengah Yoga Gunawan, M.T."),
    person(4, "I Gede Suda Sukarta"),
    person(5, "I Kadek Suda Sukarta, S.Kom."),
    person(6, "Ni Ketut Dwi Lestari"),
    person(7, "Ni Made Dwi Lestari, M.M."),
    person(8, "Ni Luh Ayu Ekayanti, M.Kom."),
    person(9, "Ni Made Ayu Ekayanti Dewi"),
    person(10, "Ir. Anak Agung Nyoman Yasa, S.Pd., M.Kom."),
    person(11, "H. I Gede Yasa"),
    person(12, "I Wayan Yasa"),
    person(13, "I Nengah Oka Wisnawa", phone="+6281297568537"),
    person(14, "I Made Oka Wisnawa"),
    person(15, "Ni Made Ega Widhiasih"),
    person(16, "I Dewa Gede Gede Adi Putra", unit="Badan Perencanaan Pembangunan Daerah (Bappeda)"),
    person(17, "I Dewa Gede Gede Adi Putra", agency=BADUNG, unit="Dinas Pendidikan"),
    person(18, "I Gede Adi Putra", unit="Bappeda"),
    person(19, "Aisyah Putri"),
    person(20, "Budi Santoso"),
    person(21, "Siti Aminah"),
]
INDEX = RosterIndex(ROSTER)


def match(display: str, roster: list[RosterEntry] | None = None) -> MatchResult:
    """Match one display name against the issue's roster (or another)."""
    index = INDEX if roster is None else RosterIndex(roster)
    return index.match(Connection(display), {})


@pytest.mark.parametrize(
    ("display", "expected", "method"),
    [
        ("Kadek Yoga Gunawan", 2, "fuzzy"),  # Kadek: same word; Nengah only the same rank; Wayan another
        ("I KADEK SUDA SUKARTA", 5, "fuzzy"),  # Gede is a first child
        ("Desak Made Dwi Lestari", 7, "fuzzy"),  # Ketut is a fourth child; the roster leaves out the caste
        ("ni luh ayu ekayanti", 8, "fuzzy"),  # Luh is a first daughter, not a Made
        ("Ir. Anak Agung Nyoman Yasa, S.Pd., M.Kom.", 10, "fuzzy"),  # the exact roster name, titles and all
        ("081297568537 I Nengah Oka Wisnawa", 13, "phone"),
        ("+62 812-9756-8537", 13, "phone"),
        ("I Nengah Oka Wisnawa 0812 9756 8538", 13, "fuzzy"),  # another number spoils nothing
        ("Ni Made Eg aWidhiasih", 15, "fuzzy"),  # a misplaced space
        ("Bappeda Pemprov - I Dewa Gede Gede Adi Putra", 16, "fuzzy"),
        ("I Dewa Gede Gede Adi Putra_Disdik Badung", 17, "fuzzy"),
        ("Aisyah uPtri", 19, "fuzzy"),  # two letters swapped
    ],
)
def test_the_issues_examples_are_matched_as_a_careful_person_would(
    display: str, expected: int, method: str
) -> None:
    result = match(display)
    assert (result.participant_id, result.method, result.reason) == (expected, method, MatchReason.MATCHED)


@pytest.mark.parametrize(
    ("display", "reason", "suggested"),
    [
        ("Yoga Gunawan", MatchReason.HOMONYM, {1, 2, 3}),  # nothing tells the three apart
        ("I Yoga Gunawan", MatchReason.HOMONYM, {1, 2, 3}),
        ("Nyoman Yoga Gunawan", MatchReason.HONORIFIC_CONFLICT, {1, 2, 3}),  # all three rule themselves out
        ("Suda Sukarta", MatchReason.HOMONYM, {4, 5}),
        ("Ni Dwi Lestari", MatchReason.HOMONYM, {6, 7}),
        ("I Dewa Gede Gede Adi Putra", MatchReason.HOMONYM, {16, 17}),  # the two Dewa, ahead of the commoner
        ("Ni Nyoman Ega Widhiasih", MatchReason.HONORIFIC_CONFLICT, {15}),
    ],
)
def test_the_issues_namesakes_still_go_to_review_when_nothing_separates_them(
    display: str, reason: str, suggested: set[int]
) -> None:
    result = match(display)
    assert (result.participant_id, result.reason) == (None, reason)
    assert {s.participant_id for s in result.suggestions[: len(suggested)]} == suggested


def test_the_reason_agrees_with_the_suggestions_shown() -> None:
    close = match("Aisyah Putriani")  # one word right, one near: a close name, not the same one
    assert (close.participant_id, close.reason) == (None, MatchReason.CLOSE_NAME)
    assert close.suggestions[0].participant_id == 19
    assert close.score >= 70
    far = match("Kurniawan Hidayat")
    assert far.reason == MatchReason.LOW_SCORE and all(s.score < 70 for s in far.suggestions)


def test_a_namesake_reason_lists_the_namesakes_first() -> None:
    roster = [person(1, "I Made Sudarma"), person(2, "I Made Sudarma"), person(3, "I Made Sudarmaja")]
    result = match("Made Sudarma", roster)
    assert result.reason == MatchReason.HOMONYM
    assert [s.participant_id for s in result.suggestions[:2]] == [1, 2]


# ---- titles ---------------------------------------------------------------------------------------------

TITLED = [
    person(1, "Drs. I Made Yasa, M.Si."),
    person(2, "I Made Yasa, S.Pd."),
    person(3, "I Made Yasa"),
]


@pytest.mark.parametrize(("display", "expected"), [("Drs. I Made Yasa, M.Si.", 1), ("Made Yasa, S.Pd", 2)])
def test_titles_written_in_full_separate_namesakes(display: str, expected: int) -> None:
    assert match(display, TITLED).participant_id == expected


@pytest.mark.parametrize("display", ["I Made Yasa", "Drs. I Made Yasa", "I Made Yasa, S.T."])
def test_titles_that_equal_no_entry_exactly_separate_nobody(display: str) -> None:
    assert match(display, TITLED).reason == MatchReason.HOMONYM


def test_different_titles_are_not_a_conflict() -> None:
    roster = [person(1, "I Kadek Yoga Gunawan, M.AP."), person(2, "Budi Santoso")]
    assert match("Dr. I Kadek Yoga Gunawan, S.T.", roster).participant_id == 1


# ---- phones ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written", ["081297568537", "+6281297568537", "6281297568537", "0812-9756-8537", "+62 812 9756 8537"]
)
def test_a_roster_phone_in_the_display_name_is_as_strong_as_an_email(written: str) -> None:
    roster = [person(1, "Budi Santoso", phone="+6281297568537"), person(2, "Budi Santoso")]
    result = match(f"Pak Budi {written}", roster)
    assert (result.participant_id, result.method) == (1, "phone")


def test_a_phone_two_roster_rows_share_identifies_nobody() -> None:
    roster = [
        person(1, "Budi Santoso", phone="+6281297568537"),
        person(2, "Budi Santoso", phone="+6281297568537"),
    ]
    assert match("Budi Santoso 081297568537", roster).reason == MatchReason.HOMONYM


# ---- emails and user names ------------------------------------------------------------------------------


def test_an_email_written_as_the_display_name_is_as_strong_as_the_connections_email() -> None:
    roster = [
        person(1, "I Made Sudarma, S.Kom.", email="Made.Sudarma@gmail.com"),
        person(2, "I Made Sudarma"),
    ]
    result = match("made.sudarma@gmail.com", roster)
    assert (result.participant_id, result.method) == (1, "email")
    assert match("Made Sudarma <made.sudarma@gmail.com>", roster).participant_id == 1


@pytest.mark.parametrize(
    ("display", "expected"),
    [
        ("ketut.arsana75@yahoo.co.id", 1),  # an email on no roster row: its local part is the name
        ("ketut_arsana", 1),
        ("dewilestari1975", 2),  # a name with a year after it, as in a user name
        ("dewi.lestari@gmail.com", 2),
        ("ketutarsana", 1),  # the birth order typed glued to the name
        ("nimadesukasni", 3),
        ("nimas.ayu", 4),  # `Nimas` is a name, not `Ni` and `mas`
    ],
)
def test_a_user_name_or_an_email_is_read_for_the_name_in_it(display: str, expected: int) -> None:
    roster = [
        person(1, "I Ketut Arsana"),
        person(2, "Dewi Lestari, S.Pd."),
        person(3, "Ni Made Sukasni"),
        person(4, "Nimas Ayu"),
        person(5, "Mas Ayu Sukasni"),
        person(6, "I Wayan Arsana"),
    ]
    assert match(display, roster).participant_id == expected


def test_a_birth_order_typed_glued_to_the_name_still_rules_out_the_others() -> None:
    roster = [person(1, "I Ketut Arsana"), person(2, "I Wayan Arsana, S.T.")]
    assert match("wayanarsana", roster).participant_id == 2
    assert match("madearsana", roster).participant_id is None


@pytest.mark.parametrize("display", ["Galaxy A12", "iPhone11", "Redmi Note8", "vivo1901", "K2"])
def test_a_device_model_with_its_number_is_still_no_name(display: str) -> None:
    roster = [person(1, "Note Simanjuntak"), person(2, "Vivo Lestari"), person(3, "Galaxy Putri")]
    assert match(display, roster).participant_id is None


# ---- typos at word level --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("display", "expected"),
    [
        ("Bambang Sutrsino", 1),  # swapped
        ("Bambang Suttrisno", 1),  # doubled
        ("Bambang Sutriso", 1),  # dropped
        ("Anik Mulywti", 4),  # a neighbouring key where spelling reads `y` as `i` (`Mulyati` is `muliati`)
        ("Novi Mulyni", 5),  # a letter dropped beside a `y`
        ("Sri Rahqyu", 6),  # `q`, read `k`, for the `a` beside it
        ("Bam bang Sutrisno", 1),  # split
        ("BambangSutrisno", 1),  # joined
        ("Sri Wahyu Ningsih", 2),
        ("Nurhayati Putri", 3),
    ],
)
def test_one_typo_costs_its_word_only(display: str, expected: int) -> None:
    roster = [
        person(1, "Bambang Sutrisno"),
        person(2, "Sri Wahyuningsih"),
        person(3, "Nur Hayati Putri"),
        person(4, "Anik Mulyati, S.H."),
        person(5, "Novi Mulyani, S.Pd."),
        person(6, "Sri Rahayu, S.Kep."),
        person(7, "Anik Sumarni"),
        person(8, "Sri Handayani"),
        person(9, "Budi Santoso"),
    ]
    assert match(display, roster).participant_id == expected


@pytest.mark.parametrize(
    ("display", "expected"),
    [
        ("Abdul Rahman Wahid", 1),  # the roster writes it as said
        ("Abdurahman Wahid", 1),
        ("Abdurrahman Saleh", 2),  # the display writes it as said
        ("Abdur Rauf", 3),
        ("Abdussalam Lubis", 4),
    ],
)
def test_an_arabic_article_written_as_said_is_the_same_name(display: str, expected: int) -> None:
    roster = [
        person(1, "Abdurrahman Wahid"),
        person(2, "Abdul Rahman Saleh, S.Ag."),
        person(3, "Abdurrauf"),
        person(4, "Abdul Salam Lubis"),
        person(5, "Abdul Wahid"),
        person(6, "Rahman Saleh"),
    ]
    assert match(display, roster).participant_id == expected


# ---- properties -----------------------------------------------------------------------------------------

OTHER_SEX = {"I": "Ni", "Ni": "I"}
ORDERS = [("Wayan", "Putu", "Gede"), ("Made", "Kadek", "Nengah"), ("Nyoman", "Komang"), ("Ketut",)]
CASTES = ["", "Anak Agung", "Dewa", "Gusti"]
WORDS = ["Yoga", "Gunawan", "Adi", "Putra", "Suda", "Sukarta", "Oka", "Wisnawa", "Yasa", "Sudarma"]
TITLES = ["", "Drs.", "Ir.", ", S.Pd.", ", M.Kom.", ", S.E., M.M."]


@st.composite
def balinese(draw: st.DrawFn) -> tuple[str, str, str, tuple[str, ...], str]:
    """Parts of a male Balinese name: sex marker, caste, birth-order word, personal words, a title."""
    group = draw(st.integers(0, 3))
    return (
        "I",
        draw(st.sampled_from(CASTES)),
        draw(st.sampled_from(ORDERS[group])),
        tuple(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=2, unique=True))),
        draw(st.sampled_from(TITLES)),
    )


def written(parts: tuple[str, str, str, tuple[str, ...], str], keep: frozenset[str]) -> str:
    """The name with only the kept parts (`sex`, `caste`, `order`, `title`) and every personal word."""
    sex, caste, order, words, title = parts
    front = [p for key, p in (("sex", sex), ("caste", caste), ("order", order)) if key in keep and p]
    core = " ".join((*front, *words))
    if "title" not in keep or not title:
        return core
    return f"{title} {core}" if not title.startswith(",") else f"{core}{title}"


PART_KEYS = ("sex", "caste", "order", "title")
keeps = st.frozensets(st.sampled_from(PART_KEYS))
rosters = st.lists(balinese(), min_size=1, max_size=8)


def _index(people: list[tuple[str, str, str, tuple[str, ...], str]]) -> RosterIndex:
    return RosterIndex([person(100 + i, written(p, frozenset(PART_KEYS))) for i, p in enumerate(people)])


@settings(max_examples=300, deadline=None)
@given(rosters, st.data())
def test_adding_a_conflicting_part_never_makes_a_match_to_that_person(
    people: list[tuple[str, str, str, tuple[str, ...], str]], data: st.DataObject
) -> None:
    target = data.draw(st.integers(0, len(people) - 1))
    sex, caste, order, words, title = people[target]
    others = [("order", o) for g in ORDERS if order not in g for o in g] + [("sex", OTHER_SEX[sex])]
    others += [("caste", c) for c in CASTES if c and caste and c != caste]
    key, value = data.draw(st.sampled_from(others))
    changed = {"sex": sex, "caste": caste, "order": order, key: value}
    parts = (changed["sex"], changed["caste"], changed["order"], words, title)
    display = written(parts, data.draw(keeps) | {key})
    assert _index(people).match(Connection(display), {}).participant_id != 100 + target


@settings(max_examples=300, deadline=None)
@given(rosters, st.data())
def test_removing_a_part_never_turns_a_correct_match_into_a_wrong_one(
    people: list[tuple[str, str, str, tuple[str, ...], str]], data: st.DataObject
) -> None:
    index = _index(people)
    target = data.draw(st.integers(0, len(people) - 1))
    keep = data.draw(keeps)
    before = index.match(Connection(written(people[target], keep)), {})
    fewer = keep - {data.draw(st.sampled_from(PART_KEYS))}
    after = index.match(Connection(written(people[target], fewer)), {})
    if before.participant_id == 100 + target:
        assert after.participant_id in (None, 100 + target)


# ---- the whole name, and how people shorten it ------------------------------------------------------------


@pytest.mark.parametrize(
    ("display", "expected"),
    [
        ("Wayan Ariawan", 1),  # the whole of one name; only a part of the others
        ("Sutarini", 4),
        ("I Made Mudantara", 6),
    ],
)
def test_a_display_that_is_one_roster_name_whole_is_that_person(display: str, expected: int) -> None:
    roster = [
        person(1, "I Wayan Ariawan, S.KM."),
        person(2, "I Wayan Putra Ariawan"),
        person(3, "I Wayan Agus Ariawan, S.T."),
        person(4, "Ni Komang Sutarini, S.Sos."),
        person(5, "Ni Ketut Suryani Sutarini Intan"),
        person(6, "I Made Mudantara, S.Kom., M.M."),
        person(7, "I Putu Mudantara Yoga, S.E."),
    ]
    assert match(display, roster).participant_id == expected


def test_a_whole_name_that_begins_a_longer_name_stays_for_a_moderator() -> None:
    # `Ni Nyoman Yuliati` is most often the one whose whole name it is, but `Ni Nyoman Yuliati Krisnani` signs
    # in so too, and nothing in the name tells which: both are suggested, the whole name first, and the
    # review page shows where each already is. A name of its own is matched.
    roster = [
        person(1, "Ni Nyoman Yuliati, S.Sos."),
        person(2, "Ni Nyoman Yuliati Krisnani"),
        person(3, "Ni Luh Komang Sumayani, S.Pd.SD."),
        person(4, "Ni Luh Komang Sumayani Putri, S.H., M.M."),
    ]
    for display, whole, longer in (("Ni Nyoman Yuliati", 1, 2), ("Luh Komang Sumayani", 3, 4)):
        result = match(display, roster)
        assert (result.participant_id, result.reason) == (None, MatchReason.AMBIGUOUS)
        assert [s.participant_id for s in result.suggestions[:2]] == [whole, longer]
    assert match("Ni Nyoman Yuliati Krisnani", roster).participant_id == 2
    assert match("Ni Luh Komang Sumayani Putri", roster).participant_id == 4


def test_a_name_without_its_middle_word_stays_as_likely_the_longer_name() -> None:
    # `Siti Aminah` is how `Siti Nur Aminah` signs in as often as a `Siti Aminah` does: a moderator decides.
    roster = [person(1, "Siti Aminah, S.Pd."), person(2, "Siti Nur Aminah")]
    result = match("Siti Aminah", roster)
    assert result.participant_id is None
    assert {s.participant_id for s in result.suggestions} == {1, 2}


def test_a_lone_word_that_is_a_whole_name_is_not_ahead_of_the_names_it_begins() -> None:
    # `Sutrisno` alone is how `Sutrisno Hadi` signs in as often as it is a `Sutrisno`.
    roster = [person(1, "Sutrisno"), person(2, "Sutrisno Hadi Wibowo")]
    assert match("Sutrisno", roster).participant_id is None


def test_a_first_name_that_is_also_a_whole_roster_name_stays_undecided() -> None:
    # `Dewi` is how `Dewi Astuti` signs in just as much as it is `Ni Luh Made Dewi`'s whole name: a lone word
    # too little to identify, both suggested; the birth-order word decides it.
    roster = [person(1, "Ni Luh Made Dewi"), person(2, "Dewi Astuti"), person(3, "Budi Santoso")]
    result = match("Dewi", roster)
    assert result.reason == MatchReason.TOO_LITTLE
    assert {s.participant_id for s in result.suggestions} == {1, 2}
    assert match("Made Dewi", roster).participant_id == 1


def test_luh_before_a_birth_order_word_only_says_she_is_a_woman() -> None:
    roster = [person(1, "Ni Luh Komang Eka Astiani, S.H."), person(2, "Dra. Ni Luh Made Eka Astiani Dewi")]
    assert match("Ni Luh Komang Eka Astiani", roster).participant_id == 1
    assert match("Ni Luh Made Eka Astiani Dewi", roster).participant_id == 2


def test_a_batak_womans_boru_is_written_or_left_out() -> None:
    roster = [
        person(1, "Theresia Boru Pardede, S.Farm."),
        person(2, "Theresia Hutapea"),
        person(3, "Yohana br. Pardede"),
    ]
    assert match("THERESIA PARDEDE", roster).participant_id == 1
    assert match("Yohana Pardede", roster).participant_id == 3


# ---- slips of the thumb, and other names ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("display", "expected"),
    [
        ("Ni Nyoman Mhaani", 1),  # two letters swapped in a one-word name
        ("Ni Kadek Purnamasaei", 2),  # `e` for its neighbour `r`
        ("I Gede Mertkasa", 3),  # `k` for its neighbour `i`
        ("Ari fHartono", 4),  # the space slipped by one letter
        ("I Wayan Adn yana Suardana", 5),  # a space inside a word
        ("I Made Raka Wiraan", 7),  # a letter dropped beside its twin: read `wiran`, two edits away
        ("Sapto Andi Harynato", 8),  # two letters swapped beside a `y`: read `harynato`, not `harianto`
    ],
)
def test_a_slip_of_the_thumb_costs_little(display: str, expected: int) -> None:
    roster = [
        person(1, "Ni Nyoman Mahani, S.Sos."),
        person(2, "Ni Kadek Purnamasari, S.Pd."),
        person(3, "I Gede Mertiasa, S.KM., M.M."),
        person(4, "Arif Hartono"),
        person(5, "I Wayan Adnyana Suardana"),
        person(6, "I Gede Swastika Suardana, S.H."),
        person(7, "I Made Raka Wirawan"),
        person(8, "Sapto Andi Haryanto"),
        *(person(10 + i, name) for i, name in enumerate(["Budi Santoso", "Siti Aminah", "Joko Widodo"])),
    ]
    assert match(display, roster).participant_id == expected


@pytest.mark.parametrize(
    "display", ["Ni Made Ayu Suarmini", "I Wayan Eka Suarjana", "Ayu Suarmini", "I Made Sudarmaja", "Yan"]
)
def test_a_letter_far_from_the_one_on_the_roster_is_another_name(display: str) -> None:
    # `m` is nowhere near `t` on a keyboard, nor `j` near `d`: `Suarmini` is a name of its own, not a slip;
    # nor is a longer name (`Sudarmaja`), nor a calling name (`Yan`, for any Wayan) beside `Jaman`.
    roster = [
        person(1, "Ni Made Ayu Suartini"),
        person(2, "I Wayan Eka Suardana"),
        person(3, "Budi Santoso"),
        person(4, "I Made Sudarma"),
        person(5, "I Wayan Jaman"),
    ]
    assert match(display, roster).participant_id is None


# ---- workplaces -------------------------------------------------------------------------------------------


def test_a_place_is_closed_by_the_region_after_it_and_a_name_may_follow() -> None:
    buleleng = "Pemerintah Kabupaten Buleleng"
    roster = [
        person(1, "Yusrizal Sikumbang, S.Pd.", agency=buleleng, unit="Kecamatan Sukasada"),
        person(2, "Budi Santoso"),
    ]
    assert match("Kec Sukasada Bll Yusrizal Sikumbang", roster).participant_id == 1


@pytest.mark.parametrize(
    ("display", "expected"),
    [
        ("Kec. Tembalang Marito", 1),
        ("Puskesmas Ngesrep Esti Setyaningsih", 2),
        ("RSUD KRMT Wongsonegoro Dadan Kusnadi", 3),
        ("Kecamatan Banyumanik Suparman", 4),
    ],
)
def test_a_name_after_a_place_with_nothing_between_is_still_read(display: str, expected: int) -> None:
    # The place's name is its first word; what follows, with nothing else to be the name, is the person.
    semarang = "Pemerintah Kota Semarang"
    roster = [
        person(1, "Marito, S.Pt., M.Si.", agency=semarang, unit="Kecamatan Tembalang"),
        person(2, "Esti Setyaningsih, S.KM.", agency=semarang, unit="Puskesmas Ngesrep"),
        person(3, "Dadan Kusnadi", agency=semarang, unit="RSUD KRMT Wongsonegoro"),
        person(4, "Suparman, S.E.", agency=semarang, unit="Kecamatan Banyumanik"),
        person(5, "Dadan Hermawan", agency=semarang, unit="Dinas Kesehatan"),
    ]
    assert match(display, roster).participant_id == expected


@pytest.mark.parametrize("display", ["Kec Kuta Selatan", "Puskesmas Kuta Utara", "Aula Kantor Camat Kuta"])
def test_a_place_alone_names_nobody(display: str) -> None:
    roster = [person(1, "Selatan Harahap"), person(2, "Kuta Wijaya"), person(3, "Utara Simbolon")]
    assert match(display, roster).participant_id is None


def test_a_province_written_short_fits_the_province_written_in_full() -> None:
    jateng = "Pemerintah Provinsi Jawa Tengah"
    roster = [
        person(1, "Hj. Endang Wahyuni, S.Pd.", agency=jateng, unit="Dinas Sosial"),
        person(2, "Endang Wahyuni", agency="Pemerintah Kota Semarang", unit="Dinas Sosial"),
    ]
    assert match("K5_Endang Wahyuni_Dinsos Pemprov Jateng", roster).participant_id == 1


@pytest.mark.parametrize(
    ("display", "tokens"),
    [
        ("Ni Made Eg aWidhiasih", ("ega", "widiasih")),
        ("Wahy uPurwanto", ("wahyu", "purwanto")),
        ("Ni Made Tr iParwati", ("tri", "parwati")),  # not the office code `TR` beside `iParwati`
        ("Aisyah uPtri", ("aisyah", "uptri")),  # two letters swapped: no word begins `Pt`
        ("Budi iPhone", ("budi",)),
    ],
)
def test_a_space_typed_one_letter_early_is_seen_by_the_capital_after_it(
    display: str, tokens: tuple[str, ...]
) -> None:
    assert normalise_name(display).tokens == tokens
