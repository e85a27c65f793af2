"""A realistic batch roster and the Zoom display names its people (and others) really type, with the truth.

Names come from the pools of `bench.namepools` by frequency, so namesakes occur as often as a real roster
has them; nothing forces them. Display names follow the habits of civil servants told to join as
`K2_Name_Unit`: most comply or type their name, some drop the honorifics or the titles, shorten, type in one
case, add their phone or NIP, slip a letter, or leave the device's own name (`KINDS`, with the rates used).
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bench import namepools as pools
from eventops.identity.matching import Connection, RosterEntry


@dataclass(frozen=True, slots=True)
class Person:
    """A generated person: the parts of the name kept apart, so the truth never depends on the matcher."""

    participant_id: int
    nip: str
    culture: str
    female: bool
    personal: tuple[str, ...]  # modern spelling; the identity
    written: tuple[str, ...]  # as on the roster (sometimes an old spelling, a Batak woman's `br.`)
    honorifics: tuple[str, ...]
    prefix_titles: tuple[str, ...]
    degrees: tuple[str, ...]
    region: str
    unit: str
    email: str | None
    registrant_id: str
    phone: str | None = None  # as the roster stores it, `+62…`
    namesake: str = ""  # the part this person's closest roster namesake differs by: a benchmark class

    @property
    def identity(self) -> tuple[str, ...]:
        """The personal name as a sorted tuple of sounds: two people with the same one are namesakes."""
        return tuple(sorted(sound(word) for word in self.personal))

    def roster_name(self) -> str:
        """The name as the agency's spreadsheet writes it, titles and degrees included."""
        core = " ".join((*self.prefix_titles, *self.honorifics, *self.written))
        return ", ".join((core, *self.degrees))

    def entry(self) -> RosterEntry:
        """The roster row the matcher sees."""
        return RosterEntry(
            participant_id=self.participant_id,
            nip=self.nip,
            name=self.roster_name(),
            email=self.email,
            agency=pools.REGIONS[self.region][0],
            unit=self.unit,
            registrant_id=self.registrant_id,
            phone=self.phone,
        )


@dataclass(frozen=True, slots=True)
class Case:
    """One connection and its truth: who it is (None: not on the roster), and could a careful human tell."""

    connection: Connection
    truth: int | None
    human_matchable: bool
    kind: str
    group: str = ""  # the benchmark class when not the kind: namesakes by part, one-word names, outsiders


# Spellings of one sound (DOMAIN.md, Names), as a careful reader hears them: `Dharmiani` is `Darmiani`.
_SOUNDS = (
    ("oe", "u"),
    ("dj", "j"),
    ("tj", "c"),
    ("sj", "sy"),
    ("ch", "kh"),
    ("kh", "h"),
    ("dh", "d"),
    ("th", "t"),
)


def sound(word: str) -> str:
    """A name word as it sounds: lower case, old spellings and doubled letters folded."""
    text = word.lower()
    for old, new in _SOUNDS:
        text = text.replace(old, new)
    text = re.sub(r"(.)\1+", r"\1", text.replace("j", "y"))
    # `Ariyani`/`Ariani`, `Setyo`/`Setio`, `Rizky`/`Rizki`: one sound (not `ny`, `sy`, letters of their own).
    return re.sub(r"(?<=[^nsaeiou])y(?=[aeiou]|$)|(?<=i)y(?=[aeiou])", "i", text).replace("ii", "i")


def _nip(rng: random.Random, female: bool, used: set[str]) -> str:
    while True:
        year = rng.randint(1965, 1998)
        birth = f"{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        appointed = f"{min(year + rng.randint(20, 32), 2023)}{rng.randint(1, 12):02d}"
        nip = f"{birth}{appointed}{2 if female else 1}{rng.randint(1, 999):03d}"
        if nip not in used:
            used.add(nip)
            return nip


def _birth_order(rng: random.Random) -> str:
    rank = rng.choices([1, 2, 3, 4], [34, 30, 21, 15])[0]  # families of two to four children, some more
    words = pools.BIRTH_ORDER[rank]
    return rng.choices(words, [pools.BIRTH_ORDER_WEIGHTS.get(w, 1) for w in words])[0]


def _balinese(rng: random.Random, female: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Honorifics (sex marker or caste title, birth order) and one to three personal words."""
    honorifics: list[str] = []
    caste = rng.random()  # about one Balinese in ten is of the three upper castes (triwangsa)
    if caste < 0.03:
        honorifics += ["Ida", "Ayu"] if female else ["Ida", "Bagus"]
    elif caste < 0.06:
        honorifics += ["Anak", "Agung", "Ayu"] if female else ["Anak", "Agung", rng.choice(["Gde", "Ngurah"])]
    elif caste < 0.08:
        honorifics += (
            ["I", "Gusti", "Ayu"] if female else ["I", "Gusti", rng.choice(["Ngurah", "Putu", "Made"])]
        )
    elif caste < 0.10:
        honorifics += ["Desak"] if female else ["I", "Dewa"]
    elif caste < 0.105:
        honorifics += ["Cokorda", "Istri"] if female else ["Cokorda"]
    else:
        honorifics += (["Ni", "Luh"] if rng.random() < 0.2 else ["Ni"]) if female else ["I"]
    if honorifics[-1] not in {"Gde", "Ngurah", "Putu", "Made"}:
        honorifics.append(_birth_order(rng))
    core = (pools.BALI_FEMALE if female else pools.BALI_MALE).draw(rng)
    # Older civil servants mostly have the core name alone (`I Ketut Suwena`), younger ones a front word,
    # a back word or both around it (`I Putu Agus Suarjana Putra`).
    shape = rng.choices(["core", "front", "back", "both", "two_cores"], [28, 30, 22, 12, 8])[0]
    front = pools.BALI_FRONT[female].draw_distinct(rng, 1, avoid=(core,))
    back = pools.BALI_BACK[female].draw_distinct(rng, 1, avoid=(core, *front))
    personal = {
        "core": (core,),
        "front": (*front, core),
        "back": (core, *back),
        "both": (*front, core, *back),
        "two_cores": (
            core,
            *(pools.BALI_FEMALE if female else pools.BALI_MALE).draw_distinct(rng, 1, (core,)),
        ),
    }[shape]
    return tuple(honorifics), personal


def _other(rng: random.Random, culture: str, female: bool) -> tuple[str, ...]:
    tradition = pools.TRADITIONS[culture]
    first = tradition.female_first if female else tradition.male_first
    last = tradition.female_last if female else tradition.male_last
    shape = rng.choices([1, 2, 3], tradition.shapes)[0]
    if shape == 1:
        mono = (tradition.female_mono if female else tradition.male_mono) or last
        return (mono.draw(rng),)
    given = first.draw_distinct(rng, shape - 1)
    name = (*given, last.draw_distinct(rng, 1, avoid=given)[0])
    if culture == "muslim" and name[0] == "Abdul" and rng.random() < 0.5 and name[1] in pools.ABDUL:
        name = (pools.ABDUL[name[1]], *name[2:])  # `Abdurrahman` is one word on this person's papers
    if culture == "bugis" and rng.random() < 0.4:
        name = ("Andi", *name[-2:])  # the noble title is part of the name as written and as called
    return name


def _titles(rng: random.Random, female: bool, culture: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    prefix: tuple[str, ...] = ()
    if rng.random() < 0.1:
        word = (pools.PREFIX_FEMALE if female else pools.PREFIX_MALE).draw(rng)
        hajj = "H." in word or "Hj." in word or "K.H." in word
        if not hajj or culture in {"java", "muslim", "sunda", "bugis", "minang", "mandailing"}:
            prefix = (word,)
    degrees: tuple[str, ...] = ()
    if rng.random() < 0.7:
        degrees = (pools.BACHELOR.draw(rng),)
        if rng.random() < 0.25:
            degrees += (pools.MASTER.draw(rng),)
    return prefix, degrees


def _written(rng: random.Random, culture: str, female: bool, personal: tuple[str, ...]) -> tuple[str, ...]:
    written = tuple(
        pools.OLD_SPELLING[w] if w in pools.OLD_SPELLING and rng.random() < 0.4 else w for w in personal
    )
    if written and written[0] == "Muhammad" and rng.random() < 0.5:
        written = (rng.choice(["M.", "Moh.", "Mochammad", "Mohamad", "Muh."]), *written[1:])
    if culture == "batak" and female and len(written) > 1 and rng.random() < 0.4:
        written = (*written[:-1], rng.choice(["br.", "Br.", "Boru"]), written[-1])
    return written


def _person(
    rng: random.Random, pid: int, regions: Sequence[str], used: set[str], weights: Sequence[int]
) -> Person:
    culture = rng.choices(CULTURES, weights)[0]
    female = rng.random() < 0.5
    honorifics: tuple[str, ...] = ()
    if culture == "bali":
        honorifics, personal = _balinese(rng, female)
    else:
        personal = _other(rng, culture, female)
    prefix, degrees = _titles(rng, female, culture)
    region = rng.choice(regions)
    unit = rng.choice(pools.UNITS[region])
    handle = ".".join(w.lower().strip(".") for w in personal) + str(rng.randint(1, 99))
    email = f"{handle}@{rng.choice(['gmail.com', 'yahoo.co.id'])}" if rng.random() < 0.6 else None
    if rng.random() < 0.05:
        email = f"{pools.unit_short(unit)[0].lower()}.{region.lower()}@gmail.com"  # a shared office address
    return Person(
        pid,
        _nip(rng, female, used),
        culture,
        female,
        personal,
        _written(rng, culture, female, personal),
        honorifics,
        prefix,
        degrees,
        region,
        unit,
        email,
        f"reg-{pid}-{rng.getrandbits(32):08x}",
        f"+62{_phone_digits(rng)}" if rng.random() < 0.85 else None,
    )


# Shares of each naming tradition: a Bali batch (nearly all Balinese Hindus), or a Central Java one (Javanese
# names with many Arabic ones, and the Sundanese, Batak, Chinese-Indonesian, Bugis and Minang civil servants
# every province has).
CULTURES = ("bali", "java", "muslim", "sunda", "batak", "mandailing", "chinese", "bugis", "minang")
MIXES = {"bali": (84, 6, 3, 1, 2, 1, 1, 1, 1), "java": (1, 66, 14, 6, 3, 2, 4, 2, 2)}


def make_roster(rng: random.Random, size: int, mix: str = "bali", day: int | None = None) -> list[Person]:
    """A batch roster of `size` people from the governments of one day of the programme."""
    days = pools.DAYS[mix]
    regions = days[rng.randrange(len(days)) if day is None else day]
    used: set[str] = set()
    people = [_person(rng, 1000 + i, regions, used, MIXES[mix]) for i in range(size)]
    return _mark_namesakes(people)


def _mark_namesakes(people: list[Person]) -> list[Person]:
    """Each person with a roster namesake marked by the part that sets them apart from the closest one."""
    by_identity: dict[tuple[str, ...], list[Person]] = defaultdict(list)
    for p in people:
        by_identity[p.identity].append(p)
    marked = []
    for p in people:
        others = [o for o in by_identity[p.identity] if o is not p]
        parts = [_differing_parts(p, o) for o in others]
        closest = min(parts, key=len, default=None)
        label = (
            ""
            if closest is None
            else "same"
            if not closest
            else closest[0]
            if len(closest) == 1
            else "several"
        )
        marked.append(replace(p, namesake=label))
    return marked


def _differing_parts(p: Person, o: Person) -> list[str]:
    (s1, o1, _, c1), (s2, o2, _, c2) = _parts(p.honorifics), _parts(o.honorifics)
    parts = []
    if s1 != s2:
        parts.append("sex")
    if c1 != c2:
        parts.append("caste")
    if o1 != o2:
        parts.append("birth_order")
    if _title_set(p) != _title_set(o):
        parts.append("titles")
    return parts


def make_outsiders(
    rng: random.Random, count: int, roster: Sequence[Person], mix: str = "bali"
) -> list[Person]:
    """People who join but are not on this batch's roster (other batches, guests): no roster namesakes."""
    taken = {p.identity for p in roster}
    regions = sorted({p.region for p in roster})
    used = {p.nip for p in roster}
    outsiders: list[Person] = []
    while len(outsiders) < count:
        person = _person(rng, -1 - len(outsiders), regions, used, MIXES[mix])
        if person.identity not in taken:
            outsiders.append(person)
    return outsiders


class NearNames:
    """Roster names by all their words but one, to find names one word and one or two letters away."""

    def __init__(self, identities: Sequence[tuple[str, ...]]) -> None:
        """Index every roster identity once per left-out word."""
        self._left: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for identity in set(identities):
            for i, word in enumerate(identity):
                self._left[identity[:i] + identity[i + 1 :]].append(word)

    def near(self, identity: tuple[str, ...]) -> bool:
        """The same words but one, and that one one or two letters away (`Suartini` / `Suarmini`)."""
        return any(
            0 < _edits(word, other) <= 2
            for i, word in enumerate(identity)
            for other in self._left.get(identity[:i] + identity[i + 1 :], ())
        )


def _edits(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


# ---- display names -------------------------------------------------------------------------------------


def _plain(p: Person) -> str:
    return " ".join((*p.honorifics, *p.personal))


# Neighbours on a phone's QWERTY keyboard: what a thumb hits instead.
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS = {
    ch: "".join(
        row2[k]
        for r2, row2 in enumerate(_ROWS)
        if abs(r2 - r) <= 1
        for k in range(len(row2))
        if abs(k - i) <= 1 and row2[k] != ch
    )
    for r, row in enumerate(_ROWS)
    for i, ch in enumerate(row)
}


def _typo(rng: random.Random, word: str) -> str:
    """One slip of the thumb inside a word: a neighbouring key, a dropped, doubled or swapped letter."""
    i = rng.randrange(1, len(word) - 1)
    edit = rng.choices(["neighbour", "drop", "double", "swap"], [40, 25, 15, 20])[0]
    if edit == "neighbour":
        return word[:i] + rng.choice(_NEIGHBOURS[word[i].lower()]) + word[i + 1 :]
    if edit == "drop":
        return word[:i] + word[i + 1 :]
    if edit == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :] if i + 1 < len(word) else word[:-1]


def _abbreviated(rng: random.Random, p: Person) -> str:
    words = [pools.BALI_ABBREVIATIONS.get(h, h) if rng.random() < 0.8 else h for h in p.honorifics]
    joined = " ".join(words)
    for long, short in (("Ida Bagus", "IB"), ("Anak Agung", "A.A."), ("I Gusti", "I Gst.")):
        if long in joined and rng.random() < 0.7:
            joined = joined.replace(long, short)
    return " ".join((joined, *p.personal)).strip()


def _phone_digits(rng: random.Random) -> str:
    return f"8{rng.randint(11, 59)}{rng.randint(1000, 9999)}{rng.randint(1000, 9999)}"


def _phone(rng: random.Random, digits: str | None = None) -> str:
    """A mobile number as people type it: `08…`, `+62 8…` with dashes, `628…`, `0812 3456 7890`."""
    digits = digits or _phone_digits(rng)
    return rng.choice(
        [
            f"0{digits}",
            f"+62 {digits[:3]}-{digits[3:7]}-{digits[7:]}",
            f"62{digits}",
            f"0{digits[:3]} {digits[3:7]} {digits[7:]}",
        ]
    )


def _spaced_nip(rng: random.Random, nip: str) -> str:
    sep = rng.choice(["", "", " ", "."])
    return sep.join((nip[:8], nip[8:14], nip[14], nip[15:])) if sep else nip


@dataclass(frozen=True, slots=True)
class Display:
    """A display name and what it shows a careful reader: honorific words, titles, workplace, phone."""

    name: str
    identifies: bool  # the personal words typed still name the person
    honorifics: tuple[str, ...] = ()
    titles: bool = False
    workplace: bool = False
    phone: str | None = None
    slip: tuple[str, str] | None = None  # a typo: the word meant and the word typed


def _where(rng: random.Random, p: Person) -> str:
    unit = rng.choice(pools.unit_short(p.unit))
    region = rng.choice(pools.REGIONS[p.region][1])
    return f"{unit} {region}" if rng.random() < 0.8 else unit


def _display(rng: random.Random, p: Person, kind: str, batch: str) -> Display:
    plain = _plain(p)
    h = p.honorifics
    variant = pools.same_rank(rng, h)
    no_marker = tuple(w for w in h if w not in {"I", "Ni"})
    makers: dict[str, Callable[[], Display]] = {
        "full": lambda: Display(p.roster_name(), True, h, titles=True),
        "plain": lambda: Display(plain, True, h),
        "lower": lambda: Display(plain.lower(), True, h),
        "upper": lambda: Display(plain.upper(), True, h),
        "batch_format": lambda: Display(f"{batch}_{plain}_{_where(rng, p)}", True, h, workplace=True),
        "name_unit": lambda: Display(
            rng.choice(["{} {}", "{}_{}", "{} ({})", "{} - {}"]).format(plain, _where(rng, p)),
            True,
            h,
            workplace=True,
        ),
        "unit_name": lambda: Display(
            rng.choice(["{} {}", "{}_{}", "({}) {}", "{} - {}"]).format(_where(rng, p), plain),
            True,
            h,
            workplace=True,
        ),
        "nip_name": lambda: Display(
            rng.choice(["{} {}", "{}_{}", "{} - {}"]).format(_spaced_nip(rng, p.nip), plain), True, h
        ),
        "abbreviated": lambda: Display(_abbreviated(rng, p), True, h),
        "no_sex_marker": lambda: Display(" ".join((*no_marker, *p.personal)), True, no_marker),
        "personal_only": lambda: Display(" ".join(p.personal), True),
        "spelling": lambda: Display(" ".join((*h, *pools.respell(rng, p.personal))), True, h),
        "typo": lambda: _typo_display(rng, p),
        "split_join": lambda: _split_join_display(rng, p),
        "phone": lambda: Display(f"{plain} {_phone(rng)}", True, h),
        "phone_roster": lambda: _phone_display(rng, p),
        "device_and_name": lambda: Display(
            rng.choice(["{} ({})", "{} {}"]).format(plain, rng.choice(pools.DEVICES)), True, h
        ),
        "username": lambda: _username(rng, p),
        "first_only": lambda: _first_only(rng, p),
        "nickname": lambda: _nickname(rng, p),
        "initial": lambda: Display(
            f"{p.personal[0]} {p.personal[-1][0]}." if len(p.personal) > 1 else p.personal[0][:3], False
        ),
        "swapped": lambda: Display(" ".join(reversed(p.personal)), True),
        "birth_order_variant": lambda: Display(" ".join((*variant, *p.personal)), True, variant),
        "concatenated": lambda: Display("".join(p.personal[:2]) + " " + " ".join(p.personal[2:]), True),
        "drop_middle": lambda: Display(" ".join((*h, *_typed(p, kind))), True, h),
        "drop_last": lambda: Display(" ".join((*h, *_typed(p, kind))), True, h),
        "device": lambda: Display(rng.choice(pools.DEVICES), False),
    }
    if (
        (len(p.personal) < 2 and kind in {"concatenated", "swapped", "split_join"})
        or (kind in {"drop_middle", "drop_last"} and _typed(p, kind) == p.personal)
        or (not h and kind in {"abbreviated", "no_sex_marker", "birth_order_variant"})
    ):
        kind = "plain"
    shown = makers[kind]()
    return replace(shown, name=shown.name.strip())


def _phone_display(rng: random.Random, p: Person) -> Display:
    """The roster phone beside the name, before or after it, in any of the usual forms."""
    if not p.phone:
        return Display(_plain(p), True, p.honorifics)
    phone = _phone(rng, p.phone.removeprefix("+62"))
    name = rng.choice([f"{phone} {_plain(p)}", f"{_plain(p)} {phone}", f"{_plain(p)}_{phone}"])
    return Display(name, True, p.honorifics, phone=p.phone)


def _typo_display(rng: random.Random, p: Person) -> Display:
    long = [i for i, w in enumerate(p.personal) if len(w) >= 5]
    if not long:
        return Display(_plain(p), True, p.honorifics)
    i = rng.choice(long)
    words = list(p.personal)
    words[i] = _typo(rng, words[i])
    known = sound(words[i]) in _KNOWN_SOUNDS  # the slip spells another real name: nobody could tell
    return Display(" ".join((*p.honorifics, *words)), not known, p.honorifics, slip=(p.personal[i], words[i]))


_KNOWN_SOUNDS = frozenset(sound(w) for w in pools.ALL_WORDS)


def _split_join_display(rng: random.Random, p: Person) -> Display:
    """A space in the wrong place: two words joined, one split, or the space moved by a letter."""
    words = list(p.personal)
    i = rng.randrange(len(words) - 1)
    a, b = words[i], words[i + 1]
    how = rng.choice(["join", "split", "move"])
    if how == "join":
        words[i : i + 2] = [a + b.lower()]
    elif how == "split" and len(a) >= 6:
        words[i : i + 1] = [a[:3], a[3:]]
    else:
        words[i : i + 2] = [a[:-1], a[-1].lower() + b]
    return Display(" ".join((*p.honorifics, *words)), True, p.honorifics)


def _username(rng: random.Random, p: Person) -> Display:
    """The name of the account the device signed in with: the birth order (sometimes) and the personal words
    in lower case, joined by a dot, an underscore or nothing, often with a number, sometimes a whole email
    that is not the roster's (`made.sudarma87`, `madesudarma`, `sudarma_1975@yahoo.co.id`)."""
    order = tuple(h for h in p.honorifics if h in pools.RANK)[:1] if rng.random() < 0.5 else ()
    text = rng.choice([".", "_", ""]).join(w.lower() for w in (*order, *p.personal))
    if rng.random() < 0.5:
        text += str(rng.choice([rng.randint(1, 99), rng.randint(1965, 1999)]))
    if rng.random() < 0.3:
        text += rng.choice(["@gmail.com", "@yahoo.co.id", "@yahoo.com"])
    return Display(text, True, order)


def _first_only(rng: random.Random, p: Person) -> Display:
    """The first personal word alone, or with a word of address (`Pak Budi`): a whole name only for a
    one-word name."""
    name = rng.choice(["{}", "Pak {}" if not p.female else "Bu {}", "{}"]).format(p.personal[0])
    return Display(name, len(p.personal) == 1)


def _nickname(rng: random.Random, p: Person) -> Display:
    """What friends call them: a Balinese birth-order or caste calling name, or a Javanese short form."""
    if p.culture == "bali":
        written = f" {' '.join(p.honorifics)} "
        callings = [c for key, names in pools.BALI_CALLING.items() if f" {key} " in written for c in names]
        calling = rng.choice(callings or [p.personal[0]])
        return Display(
            rng.choice([calling, f"{calling} {p.personal[0]}", f"{calling} {p.personal[0][0]}"]), False
        )
    word = p.personal[-1 if len(p.personal) == 1 else 0]
    short = word[-4:].capitalize() if len(word) > 6 else word  # `Suryanto` is `Yanto` to his friends
    return Display(rng.choice([short, f"Mas {short}", f"Bu {short}" if p.female else f"Pak {short}"]), False)


# Display habits, per hundred connections of roster people. Organisers ask for `K2_Name_Unit` and most
# people comply or type their name as they always do; some leave out parts or shorten them, type in one case,
# add their NIP or phone, slip a letter; about one in ten shows too little for anyone to decide (a device,
# a nickname, a first name).
KINDS = {
    # the format asked for, and other ways of writing the workplace beside the name
    "batch_format": 17,
    "name_unit": 8,
    "unit_name": 3,
    # the name as on the roster (titles and all), as written day to day, in one case
    "full": 9,
    "plain": 15,
    "lower": 5,
    "upper": 3,
    # parts left out or shortened
    "no_sex_marker": 4,
    "personal_only": 6,
    "abbreviated": 3,
    "drop_middle": 1.5,
    "drop_last": 1.5,
    "birth_order_variant": 1,
    # identifiers beside the name
    "nip_name": 4,
    "phone": 1,
    "phone_roster": 1.5,
    # slips of the thumb and of the spelling
    "typo": 3,
    "split_join": 1,
    "spelling": 2,
    "swapped": 0.5,
    "concatenated": 0.5,
    "device_and_name": 2,
    "username": 1,
    # too little to decide
    "first_only": 3,
    "nickname": 2,
    "initial": 1,
    "device": 4,
}


# ---- what a careful person can decide -------------------------------------------------------------------
# Written independently of the matcher, from DOMAIN.md: a birth-order word of another rank, another caste
# or the other sex marker rules a namesake out; the same word written on both sides, titles written out in
# full that are exactly one person's, the workplace, or a name that is exactly one person's whole name
# (not a part of a longer one) pick one person among those left.

_FEMALE = frozenset({"Ni", "Luh", "Ayu", "Desak", "Istri"})
_MALE = frozenset({"I", "Bagus"})
_CASTE_OF = {
    "Ida": "ida",
    "Anak": "agung",
    "Agung": "agung",
    "Gusti": "gusti",
    "Dewa": "dewa",
    "Desak": "dewa",
    "Cokorda": "cokorda",
}


def _parts(honorifics: Sequence[str]) -> tuple[set[str], set[str], set[int], set[str]]:
    words = {h.capitalize() for h in honorifics}
    sexes = {"f" for w in words if w in _FEMALE} | {"m" for w in words if w in _MALE}
    orders = {w for w in words if w in pools.RANK}
    ranks = {pools.RANK[w] for w in orders}
    if "Luh" in words and not orders:
        orders.add("Luh")  # a first daughter, unless a birth-order word follows (`Ni Luh Made`)
        ranks = {1}
    return sexes, orders, ranks, {_CASTE_OF[w] for w in words if w in _CASTE_OF}


def _conflict(shown: Sequence[str], other: Person) -> bool:
    (s1, o1, r1, c1), (s2, o2, r2, c2) = _parts(shown), _parts(other.honorifics)
    apart = lambda a, b: bool(a) and bool(b) and not a & b  # noqa: E731
    return apart(s1, s2) or (apart(o1, o2) and apart(r1, r2)) or apart(c1, c2)


def _agreement(shown: Sequence[str], other: Person) -> int:
    (s1, o1, r1, c1), (s2, o2, r2, c2) = _parts(shown), _parts(other.honorifics)
    return (2 if o1 & o2 else 1 if r1 & r2 else 0) + 2 * bool(s1 & s2) + 2 * bool(c1 & c2)


def _title_set(p: Person) -> frozenset[str]:
    return frozenset(
        re.sub(r"[^a-z]", "", t.lower()) for t in " ".join((*p.prefix_titles, *p.degrees)).split()
    )


def _rivals(typed: Sequence[str], roster_words: dict[str, list[Person]]) -> list[Person]:
    """Roster people whose name holds every personal word typed (namesakes, and longer names whose owners
    may have dropped a word too)."""
    words = {sound(w) for w in typed}
    return [o for o in roster_words[next(iter(words))] if words <= set(o.identity)]


def _whole(words: tuple[str, ...], o: Person) -> bool:
    """The words typed are this person's whole name, or how people shorten a name: its first words, or its
    first and last (not some other part of it)."""
    own = tuple(sound(w) for w in o.personal)
    n = len(words)
    return (
        sorted(words) == sorted(own)
        or (n < len(own) and own[:n] == words)
        or (n == 2 and len(own) > 2 and (own[0], own[-1]) == words)
    )


def _distinguishable(p: Person, shown: Display, typed: Sequence[str], rivals: Sequence[Person]) -> bool:
    """Whether a careful person picks `p` among the rivals from what the display shows."""
    if shown.phone:
        return True
    left = [o for o in rivals if not _conflict(shown.honorifics, o)]
    if p not in left:
        return False
    says_region = any(r.lower() in shown.name.lower() for r in pools.REGIONS[p.region][1])
    words = tuple(sound(w) for w in typed)

    def evidence(o: Person) -> tuple[int, int, int, int]:
        workplace = shown.workplace and o.unit == p.unit and (o.region == p.region or not says_region)
        titles = shown.titles and bool(_title_set(p)) and _title_set(o) == _title_set(p)
        return int(workplace), int(titles), int(_whole(words, o)), _agreement(shown.honorifics, o)

    mine = evidence(p)
    for o in left:
        if o is p:
            continue
        theirs = evidence(o)
        if not (all(a >= b for a, b in zip(mine, theirs, strict=True)) and mine != theirs):
            return False
    return True


def _closest(
    p: Person, meant: str, typed: str, roster_words: dict[str, list[Person]], vocabulary: Sequence[str]
) -> bool:
    """Whether the word meant is nearer the typed word than the words of anyone else whose name holds the
    other words typed (any roster word, for a one-word name)."""
    own = Levenshtein.distance(sound(typed), sound(meant))
    others = {sound(w) for w in p.personal if w != meant}
    if others:
        holders = [o for o in roster_words[next(iter(others))] if o is not p and others <= set(o.identity)]
        words = sorted({w for o in holders for w in o.identity} - others)
    else:
        words = list(vocabulary)
    near = process.extract(sound(typed), words, scorer=Levenshtein.distance, score_cutoff=own, limit=None)
    return all(word == sound(meant) for word, _, _ in near)


def _typed(p: Person, kind: str) -> tuple[str, ...]:
    """The personal words a display of this kind shows: a word dropped where the name has one to spare
    (a middle word of three, the last of two beside honorifics), else all."""
    if kind == "drop_middle" and len(p.personal) > 2:
        return (p.personal[0], p.personal[-1])
    if kind == "drop_last" and len(p.personal) > (1 if p.honorifics else 2):
        return p.personal[:-1]
    return p.personal


def case_class(case: Case) -> str:
    """The benchmark class a case is reported under."""
    return case.group or case.kind


def make_cases(
    rng: random.Random,
    roster: Sequence[Person],
    outsiders: Sequence[Person],
    batch: str,
    joining: Sequence[Person] | None = None,
) -> list[Case]:
    """Zoom connections of the roster people who join (`joining`; default 90 % of the roster), outsiders,
    devices and offices, shuffled."""
    roster_words: dict[str, list[Person]] = defaultdict(list)
    for p in roster:
        for word in set(p.identity):
            roster_words[word].append(p)
    vocabulary = sorted({sound(w) for p in roster for w in p.personal})
    kinds, weights = zip(*KINDS.items(), strict=True)
    cases: list[Case] = []
    people = list(joining) if joining is not None else [p for p in roster if rng.random() < 0.9]
    people += [p for p in people if rng.random() < 0.1]  # a second device or a reconnect under another name
    shared = Counter(p.email for p in roster if p.email)
    for p in people:
        kind = rng.choices(kinds, weights)[0]
        shown = _display(rng, p, kind, batch)
        typed = _typed(p, kind)
        matchable = shown.identifies and _distinguishable(p, shown, typed, _rivals(typed, roster_words))
        if typed != p.personal:
            matchable = False  # `Sugeng Hartono` may be `Sugeng Agus Hartono`, or another whole name
        elif kind in {"drop_middle", "drop_last"}:
            kind = "plain"  # a name too short to drop a word from is written whole
        if shown.slip and not _closest(p, *shown.slip, roster_words, vocabulary):
            matchable = False  # the slip is as near another roster name: `Sardono` for `Sardjono`, `Sarwono`
        if kind == "nip_name":
            matchable = True
        group = ""
        if p.namesake and kind != "device":
            group = f"namesake_{p.namesake}"
        elif len(p.personal) == 1 and shown.identifies:
            group = "one_word"
        email, registrant = None, None
        channel = rng.random()
        if channel < 0.15:
            registrant, matchable, kind, group = p.registrant_id, True, "registrant", ""
        elif channel < 0.30:
            email = p.email if rng.random() < 0.8 else f"{rng.getrandbits(24):06x}@gmail.com"
            if email == p.email and email and shared[email] == 1:
                matchable, kind, group = True, "email", ""
        conn = Connection(shown.name, email, registrant)
        cases.append(Case(conn, p.participant_id, matchable, kind, group))
    identities = {p.identity for p in roster}
    near_names = NearNames([p.identity for p in roster])
    for o in outsiders:
        kind = rng.choices(kinds, weights)[0]
        if (
            kind in {"drop_middle", "drop_last"}
            and tuple(sorted(sound(w) for w in _typed(o, kind))) in identities
        ):
            kind = "plain"  # what is left would be a roster person's whole name: nobody could tell
        if kind == "phone_roster":
            kind = "phone"
        shown = _display(rng, o, kind, batch)
        # An outsider one letter away from a roster name (`Suarmini` joins, `Suartini` is on the roster):
        # nothing but a lexicon of every name tells this from a typo.
        group = "near_outsider" if near_names.near(o.identity) else "outsider"
        cases.append(Case(Connection(shown.name), None, False, f"{group}_{kind}", group))
    for _ in range(len(roster) // 50):
        cases.append(Case(Connection(rng.choice(pools.offices(roster[0].region))), None, False, "office"))
    rng.shuffle(cases)
    return cases


def namesake_share(roster: Sequence[Person]) -> tuple[float, float]:
    """Shares of the roster with a namesake: on the personal words, and on the whole name as written
    without titles (honorifics included): the figures to compare with a real roster."""
    personal = Counter(p.identity for p in roster)
    whole = Counter((p.identity, tuple(h.lower() for h in p.honorifics)) for p in roster)
    n = len(roster) or 1
    return (
        sum(1 for p in roster if personal[p.identity] > 1) / n,
        sum(1 for p in roster if whole[(p.identity, tuple(h.lower() for h in p.honorifics))] > 1) / n,
    )
