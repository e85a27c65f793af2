"""Tests for name normalisation: titles, Balinese honorifics, old spellings, devices, NIPs and agencies."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventops.identity.names import agency_words_of, canonical_word, nip_in_text, normalise_name

NIP = "198703152010011002"  # born 15 March 1987, appointed January 2010, male, serial 002


def tokens(raw: str) -> tuple[str, ...]:
    """The personal-name tokens of a written name."""
    return normalise_name(raw).tokens


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Drs. I Made Sudarma, M.Si.", ("sudarma",)),
        ("Hj. Siti Aminah, S.Pd., M.Pd.", ("siti", "aminah")),
        ("dr. Ketut Ayu Lestari, Sp.A.", ("ayu", "lestari")),
        ("Ir. H. Bambang Sutrisno, M.T.", ("bambang", "sutrisno")),
        ("Prof. Dr. Ir. H. M. Nasir, M.Sc., Ph.D.", ("muhammad", "nasir")),
        ("K.H. Ahmad Dahlan", ("ahmad", "dahlan")),
        ("K.R.T. Hardjonagoro", ("harionagoro",)),  # Javanese and Banten nobility
        ("Tubagus Hasanuddin", ("hasanudin",)),
        ("Ngabehi Suryo", ("surio",)),
        ("Jro Mangku I Made Suarta", ("suarta",)),  # a temple priest
        ("Pemangku Wayan Sudi", ("sudi",)),
        ("I Nengah Mangku", ("mangku",)),  # without `Jro`, Mangku is a name
        ("Budi Santoso, S.Kom.", ("budi", "santoso")),
        ("Budi Santoso S.Kom", ("budi", "santoso")),
        ("Budi Santoso SKom", ("budi", "santoso")),
        ("Budi Santoso S. Kom", ("budi", "santoso")),
        ("Budi Santoso S Kom", ("budi", "santoso")),
        ("Budi Santoso, S.E., M.M.", ("budi", "santoso")),
        ("Budi Santoso SE MM", ("budi", "santoso")),
        ("S.Kom. Budi Santoso", ("budi", "santoso")),
        ("Budi S.Kom. Santoso", ("budi", "santoso")),
        ("Sri Wahyuni, A.Md.Kep.", ("sri", "wahyuni")),
        ("A.Md. Sri Wahyuni", ("sri", "wahyuni")),
        ("Dewi Lestari, S.Tr.Kes.", ("dewi", "lestari")),
        ("Rina Herawati, M.AP.", ("rina", "herawati")),
        ("Drg. Rina Herawati", ("rina", "herawati")),
        ("DRA. RINA HERAWATI, M.SI.", ("rina", "herawati")),
        ("Pak Suparman", ("suparman",)),
        ("Ibu Sumarni", ("sumarni",)),
        ("H Ahmad Fauzi", ("ahmad", "fauzi")),
    ],
)
def test_titles_and_degrees_are_stripped_in_any_position_and_spelling(
    raw: str, expected: tuple[str, ...]
) -> None:
    assert tokens(raw) == expected


def test_a_trailing_single_letter_is_an_initial_not_a_title() -> None:
    assert tokens("Budi H") == ("budi", "h")
    assert tokens("Budi M") == ("budi", "m")


@pytest.mark.parametrize(
    ("raw", "honorifics", "personal"),
    [
        ("I Made Sudarma", ("i", "made"), ("sudarma",)),
        ("Md. Sudarma", ("made",), ("sudarma",)),
        ("Md.Sudarma", ("made",), ("sudarma",)),
        ("I Kt. Sudarma", ("i", "ketut"), ("sudarma",)),
        ("Wyn Sudarma", ("wayan",), ("sudarma",)),
        ("I Nym. Arsana", ("i", "nyoman"), ("arsana",)),
        ("Kmg Arsana", ("komang",), ("arsana",)),
        ("Kdk Arsana", ("kadek",), ("arsana",)),
        ("Ni Pt. Ayu Lestari", ("ni", "putu"), ("ayu", "lestari")),
        ("Ni Luh Putu Ayu Lestari", ("ni", "luh", "putu"), ("ayu", "lestari")),
        ("I Gd. Wirawan", ("i", "gede"), ("wirawan",)),
        ("Ida Bagus Made Oka", ("ida", "bagus", "made"), ("oka",)),
        ("IB Oka", ("ida", "bagus"), ("oka",)),
        ("I.B. Putu Oka", ("ida", "bagus", "putu"), ("oka",)),
        ("Ida Ayu Made Sri", ("ida", "ayu", "made"), ("sri",)),
        ("Dayu Made Sri", ("dayu", "made"), ("sri",)),
        ("Anak Agung Ngurah Jaya", ("anak", "agung", "ngurah"), ("yaya",)),
        ("A.A. Ngurah Jaya", ("anak", "agung", "ngurah"), ("yaya",)),
        ("Gung Aji", ("gung",), ("ayi",)),
        ("Gung Ayu Sri Wahyuni", ("gung", "ayu"), ("sri", "wahyuni")),
        ("Cok Gde Raka", ("cokorda", "gede"), ("raka",)),
        ("Tjokorda Raka", ("cokorda",), ("raka",)),
        ("I Gusti Ngurah Rai", ("i", "gusti", "ngurah"), ("rai",)),
        ("I Gst. Ngr. Rai", ("i", "gusti", "ngurah"), ("rai",)),
        ("I Gusti Ayu Rai", ("i", "gusti", "ayu"), ("rai",)),
        ("I Dewa Gede Raka", ("i", "dewa", "gede"), ("raka",)),
        ("Desak Made Suarni", ("desak", "made"), ("suarni",)),
        ("Ida Pedanda Gede Made Gunung", ("ida", "pedanda", "gede", "made"), ("gunung",)),
    ],
)
def test_balinese_honorifics_and_their_abbreviations_are_kept_apart(
    raw: str, honorifics: tuple[str, ...], personal: tuple[str, ...]
) -> None:
    name = normalise_name(raw)
    assert (name.honorific_tokens, name.tokens) == (honorifics, personal)


@pytest.mark.parametrize(
    "raw", ["Ida Farida", "Agung Wicaksono", "Bagus Santoso", "Ayu Lestari", "Anak Lestari"]
)
def test_caste_words_are_personal_names_outside_their_pairs(raw: str) -> None:
    name = normalise_name(raw)
    assert name.honorific_tokens == ()
    assert len(name.tokens) == 2


def test_a_name_of_honorifics_only_has_no_personal_name() -> None:
    assert tokens("I Made") == ()
    assert tokens("Ni Luh Putu") == ()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Soekarno", "Sukarno"),
        ("Djoko", "Joko"),
        ("Tjahjo", "Cahyo"),
        ("Jahja", "Yahya"),
        ("Chairul", "Khairul"),
        ("Sjarif", "Syarif"),
        ("Ramadhan", "Ramadan"),
        ("Taufiq", "Taufik"),
        ("Setyawan", "Setiawan"),
        ("Rizky", "Rizki"),
        ("Sumiyati", "Sumiati"),
        ("Muhammad", "Muhamad"),
        ("Abdullah", "Abdulah"),
    ],
)
def test_old_and_variant_spellings_meet(old: str, new: str) -> None:
    assert tokens(old) == tokens(new)


@pytest.mark.parametrize(
    "written", ["Muhammad", "Muhamad", "M.", "M", "Moh.", "Muh.", "Mochammad", "Mohamad", "Moch.", "Mohammed"]
)
def test_muhammad_variants_are_one_form(written: str) -> None:
    assert tokens(f"{written} Yusuf") == ("muhammad", "yusuf")


def test_distinct_names_stay_distinct() -> None:
    assert tokens("Sudarma") != tokens("Sudarmi")
    assert tokens("Agus") != tokens("Bagus")
    assert tokens("Ahmad Yani") != tokens("Ahmad Yanti")


@pytest.mark.parametrize(
    "raw",
    [
        "iPhone",
        "iPhone 11",
        "Galaxy A12",
        "Samsung",
        "User",
        "Zoom user",
        "Redmi Note 9",
        "OPPO A5s",
        "Ruang Rapat Dinkes Badung",
        "Aula Kantor Camat Kuta",
    ],
)
def test_device_and_room_names_are_devices(raw: str) -> None:
    name = normalise_name(raw)
    assert name.is_device
    assert name.tokens == ()


def test_a_device_word_beside_a_name_is_dropped_but_the_name_is_kept() -> None:
    assert normalise_name("iPhone Budi").tokens == ("budi",)
    assert not normalise_name("iPhone Budi").is_device
    assert tokens("Budi's iPhone") == ("budi",)
    assert tokens("Budi Santoso (Infinix HOT 10)") == ("budi", "santoso")


def test_an_office_name_is_not_a_person_nor_a_device() -> None:
    name = normalise_name("BKPSDM Gianyar")
    assert (name.tokens, name.is_device, name.agency_words) == ((), False, ("bkpsdm", "gianyar"))


@pytest.mark.parametrize(
    "raw",
    [
        f"{NIP} Budi",
        f"{NIP}_Budi",
        "19870315 201001 1 002 Budi",
        "Budi 19870315.201001.1.002",
        "Budi 19870315-201001-1-002",
        f"K2_Budi_{NIP}",
    ],
)
def test_a_nip_in_a_display_name_is_found_and_not_part_of_the_name(raw: str) -> None:
    name = normalise_name(raw)
    assert (name.nip, name.tokens) == (NIP, ("budi",))


@pytest.mark.parametrize(
    "raw",
    ["Budi 081234567890", "Budi 0812-3456-7890", "Budi +62 812 3456 7890", "Budi 6281234567890"],
)
def test_phone_numbers_are_dropped_and_are_not_nips(raw: str) -> None:
    name = normalise_name(raw)
    assert (name.nip, name.tokens) == (None, ("budi",))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (NIP, NIP),
        ("nip saya 19870315 201001 1 002 ya", NIP),
        ("198703152010011002081234567890", None),  # glued to a phone number: no 18-digit run
        ("198703152010011002 081234567890", NIP),
        ("19871315201001 1 002", None),  # month 13
        ("198702302010011002", None),  # 30 February
        ("198703152010013002", None),  # sex digit 3
        ("19870315201001100", None),  # 17 digits
        ("no number here", None),
        ("081234567890 and 198703152010012005", "198703152010012005"),
    ],
)
def test_nip_in_text_validates_what_it_finds(text: str, expected: str | None) -> None:
    assert nip_in_text(text) == expected


@pytest.mark.parametrize(
    ("raw", "personal", "agency"),
    [
        ("K2_Made Sudarma_Dinkes Buleleng", ("sudarma",), ("dinkes", "buleleng")),
        ("Made S_Kominfo Bdg", ("s",), ("kominfo", "badung")),
        ("Made Sudarma Diskominfo Badung", ("sudarma",), ("kominfo", "badung")),
        ("Made Sudarma (Bappeda Pemkab Gianyar)", ("sudarma",), ("bappeda", "kab", "gianyar")),
        ("Made Sudarma Kec Kuta Selatan", ("sudarma",), ("kecamatan", "kuta", "selatan")),
        ("Made Sudarma | Disperkimta Badung", ("sudarma",), ("disperkimta", "badung")),
        ("Nym Arsana (BPKPD)", ("arsana",), ("bpkpd",)),
        ("Budi Santoso - RSUD Wangaya", ("budi", "santoso"), ("rsud", "wangaya")),
        ("Dinkes Buleleng_Made Sudarma", ("sudarma",), ("dinkes", "buleleng")),
        ("K3 - Budi Santoso - Setda Pemprov Bali", ("budi", "santoso"), ("setda", "prov", "bali")),
    ],
)
def test_agency_and_unit_words_are_set_apart(
    raw: str, personal: tuple[str, ...], agency: tuple[str, ...]
) -> None:
    name = normalise_name(raw)
    assert (name.tokens, name.agency_words) == (personal, agency)


def test_roster_agency_text_reads_into_the_same_codes_as_display_abbreviations() -> None:
    roster = agency_words_of("Pemerintah Kabupaten Badung", "Dinas Komunikasi dan Informatika")
    assert set(normalise_name("Made_Diskominfo Bdg").agency_words) <= roster
    assert set(normalise_name("Made_Kominfo Pemkab Badung").agency_words) <= roster
    assert "dinkes" not in roster


def test_batch_prefixes_separators_case_and_punctuation_do_not_matter() -> None:
    expected = tokens("Budi Santoso")
    for raw in [
        "K2_Budi Santoso",
        "budi santoso",
        "BUDI SANTOSO",
        "Budi-Santoso",
        "Budi  Santoso!!",
        "“Budi Santoso”",
    ]:
        assert tokens(raw) == expected, raw


def test_words_typed_without_a_space_are_split_at_their_capitals() -> None:
    assert tokens("AcepJamaludin") == tokens("Acep Jamaludin")
    assert tokens("MuhammadYusuf Lubis") == ("muhammad", "yusuf", "lubis")
    for device in ["iPhone", "iPad", "MacBook Pro", "ThinkPad", "OnePlus 9", "DESKTOP-7KJ3L2M"]:
        assert normalise_name(device).is_device, device


def test_diacritics_are_folded() -> None:
    assert tokens("Budí Sántoso") == tokens("Budi Santoso")


# ---- properties ------------------------------------------------------------------------------------------

NAME_WORDS = [
    "I", "Ni", "Made", "Md.", "Ketut", "Putu", "Ida", "Bagus", "Ayu", "Anak", "Agung", "Gusti", "Sudarma",
    "Siti", "Aminah", "Budi", "Santoso", "Soekarno", "Djoko", "Muhammad", "M.", "Moh.", "Drs.", "H.", "Hj.",
    "S.Kom.", "M.Si.", ",", "S.", "Kom", "Dinkes", "Badung", "Kec", "Kuta", "iPhone", "A12", "K2_", "_", "|",
    "(", ")", "-", "Pak", "198703152010011002", "0812", "Bdg", "Ruang", "Rapat", "Ida", "IB", "A.A.",
]  # fmt: skip
name_like = st.lists(st.sampled_from(NAME_WORDS), max_size=8).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(name_like, st.text(max_size=40)))
def test_normalisation_is_idempotent_on_its_own_key(raw: str) -> None:
    key = normalise_name(raw).key
    assert normalise_name(key).key == key


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=15))
def test_canonical_spelling_is_idempotent(word: str) -> None:
    assert canonical_word(canonical_word(word)) == canonical_word(word)


@given(name_like)
def test_normalisation_never_keeps_digits_or_upper_case(raw: str) -> None:
    name = normalise_name(raw)
    assert all(token.isalpha() and token.islower() for token in name.tokens)
    assert name.key == " ".join(name.tokens)
