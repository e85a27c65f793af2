"""A realistic batch roster and the Zoom display names its people (and others) really type, with the truth."""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

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
    written: tuple[str, ...]  # as on the roster (sometimes an old spelling)
    honorifics: tuple[str, ...]
    prefix_titles: tuple[str, ...]
    degrees: tuple[str, ...]
    region: str
    unit: str
    email: str | None
    registrant_id: str
    phone: str | None = None  # as the roster stores it, `+62…`
    namesake: str = ""  # the part this person's roster namesake differs by: a class of the benchmark

    @property
    def identity(self) -> tuple[str, ...]:
        """The personal name as a sorted word tuple: two people with the same one are namesakes."""
        return tuple(sorted(word.lower() for word in self.personal))

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


def _nip(rng: random.Random, female: bool, used: set[str]) -> str:
    while True:
        year = rng.randint(1965, 1998)
        birth = f"{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        appointed = f"{min(year + rng.randint(20, 32), 2023)}{rng.randint(1, 12):02d}"
        nip = f"{birth}{appointed}{2 if female else 1}{rng.randint(1, 999):03d}"
        if nip not in used:
            used.add(nip)
            return nip


def _balinese(rng: random.Random, female: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    honorifics: list[str] = []
    caste = rng.random()
    if caste < 0.04:
        honorifics += ["Ida", "Ayu"] if female else ["Ida", "Bagus"]
    elif caste < 0.08:
        honorifics += ["Anak", "Agung", "Ayu"] if female else ["Anak", "Agung", rng.choice(["Gde", "Ngurah"])]
    elif caste < 0.11:
        honorifics += (
            ["I", "Gusti", "Ayu"] if female else ["I", "Gusti", rng.choice(["Ngurah", "Putu", "Made"])]
        )
    elif caste < 0.13:
        honorifics += ["Desak"] if female else ["I", "Dewa"]
    else:
        honorifics += (["Ni", "Luh"] if rng.random() < 0.25 else ["Ni"]) if female else ["I"]
    if honorifics[-1] not in {"Gde", "Ngurah", "Putu", "Made"}:
        honorifics.append(rng.choice(pools.BIRTH_ORDER[rng.choices([1, 2, 3, 4], [40, 30, 18, 12])[0]]))
    pool = pools.BALI_FEMALE if female else pools.BALI_MALE
    count = rng.choices([1, 2, 3], [25, 55, 20])[0]
    return tuple(honorifics), tuple(rng.sample(pool, count))


def _other(rng: random.Random, culture: str, female: bool) -> tuple[str, ...]:
    firsts, lasts = pools.FIRST_AND_LAST[(culture, female)]
    shape = rng.choices(["mono", "two", "three"], [12, 68, 20])[0]
    if culture == "bugis" and shape != "mono" and rng.random() < 0.7:
        return ("Andi", rng.choice(firsts[1:]), rng.choice(lasts))[: 2 if shape == "two" else 3]
    if shape == "mono" and culture in {"java", "sunda", "minang"}:
        return (rng.choice(lasts),)
    if shape == "mono":
        shape = "two"  # clan and Arabic names are rarely worn alone
    if shape == "two":
        return (rng.choice(firsts), rng.choice(lasts))
    first, middle = rng.sample(firsts, 2)
    return (first, middle, rng.choice(lasts))


def _titles(rng: random.Random, female: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    prefix: tuple[str, ...] = ()
    if rng.random() < 0.12:
        prefix = (rng.choice(pools.PREFIX_FEMALE if female else pools.PREFIX_MALE),)
    degrees: tuple[str, ...] = ()
    if rng.random() < 0.65:
        degrees = (rng.choice(pools.BACHELOR),)
        if rng.random() < 0.3:
            degrees += (rng.choice(pools.MASTER),)
    return prefix, degrees


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
    written = tuple(
        pools.OLD_SPELLING[w] if w in pools.OLD_SPELLING and rng.random() < 0.4 else w for w in personal
    )
    if written and written[0] == "Muhammad" and rng.random() < 0.5:
        written = (rng.choice(["M.", "Moh.", "Mochammad", "Mohamad", "Muh."]), *written[1:])
    prefix, degrees = _titles(rng, female)
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
        written,
        honorifics,
        prefix,
        degrees,
        region,
        unit,
        email,
        f"reg-{pid}-{rng.getrandbits(32):08x}",
        f"+62{_phone_digits(rng)}" if rng.random() < 0.85 else None,
    )


# Shares of each naming tradition: a Bali batch, or a Java-like one (with the Batak, Bugis and Minang
# civil servants every province has).
CULTURES = ("bali", "java", "sunda", "muslim", "christian", "bugis", "minang")
MIXES = {"bali": (70, 12, 4, 8, 3, 2, 1), "java": (2, 50, 12, 22, 7, 4, 3)}
# How often a roster person has a namesake who differs only in one part of the name (DOMAIN.md, Names).
NAMESAKE_SHARE = 0.08
_CASTE_TITLES = (("Ida", "Bagus"), ("Anak", "Agung"), ("I", "Gusti"), ("I", "Dewa"))


def make_roster(rng: random.Random, size: int, mix: str = "bali", day: int | None = None) -> list[Person]:
    """A batch roster of `size` people from the two governments of one day of the Bali programme."""
    regions = pools.DAYS[rng.randrange(len(pools.DAYS)) if day is None else day]
    used: set[str] = set()
    people = [_person(rng, 1000 + i, regions, used, MIXES[mix]) for i in range(size)]
    for position in rng.sample(range(size), int(size * NAMESAKE_SHARE / 2)):
        p = people[position]
        twin = None if p.namesake else _namesake(rng, p, 1000 + position, used, regions)
        if twin is not None:  # a namesake takes the place of a random other person of the batch
            other = rng.randrange(size)
            if not people[other].namesake and other != position:
                people[position] = replace(p, namesake=twin.namesake)
                people[other] = replace(twin, participant_id=people[other].participant_id)
    return people


def _namesake(
    rng: random.Random, p: Person, pid: int, used: set[str], regions: Sequence[str]
) -> Person | None:
    """Another roster person with the same personal name who differs in one part only."""
    honorifics = p.honorifics
    female = p.female
    prefix, degrees = _titles(rng, female)
    bali = p.culture == "bali"
    part = rng.choices(["birth_order", "caste", "sex", "titles"], [50, 15, 10, 25] if bali else [0, 0, 0, 1])[
        0
    ]
    if part == "birth_order":
        order = next((h for h in honorifics if h in pools.RANK), None)
        if order is None:
            return None
        other = rng.choice([w for w in pools.ALL_BIRTH_ORDER if w != order])
        honorifics = tuple(other if h == order else h for h in honorifics)
        prefix, degrees = p.prefix_titles, p.degrees
    elif part == "caste":
        if female or honorifics[0] not in {"I"}:
            return None
        caste = rng.choice(_CASTE_TITLES)
        order = [h for h in honorifics if h in pools.RANK]
        honorifics = (*caste, *order)
    elif part == "sex":
        if honorifics[:1] not in {("I",), ("Ni",)} or len(honorifics) != 2:
            return None
        female = not female
        honorifics = ("Ni" if female else "I", honorifics[1])
    elif (prefix, degrees) == (p.prefix_titles, p.degrees):
        return None
    region = rng.choice(regions)
    return replace(
        p,
        participant_id=pid,
        nip=_nip(rng, female, used),
        female=female,
        honorifics=honorifics,
        prefix_titles=prefix,
        degrees=degrees,
        region=region,
        unit=rng.choice(pools.UNITS[region]),
        email=None,
        registrant_id=f"reg-{pid}-{rng.getrandbits(32):08x}",
        phone=f"+62{_phone_digits(rng)}" if rng.random() < 0.85 else None,
        namesake=part,
    )


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


def make_near_outsiders(rng: random.Random, count: int, roster: Sequence[Person]) -> list[Person]:
    """Outsiders one small edit away from a roster person (`Suartini` on the roster, `Suarmini` joins).

    Nothing tells them from a typo of the roster name: they are what a fuzzy threshold trades against.
    The changed word is never on this roster, and prefers a real name from the pools.
    """
    vocabulary = {w.lower() for p in roster for w in p.personal}
    taken = {p.identity for p in roster}
    used = {p.nip for p in roster}
    outsiders: list[Person] = []
    while len(outsiders) < count:
        p = rng.choice(roster)
        long = [i for i, w in enumerate(p.personal) if len(w) >= 5]
        if not long:
            continue
        i = rng.choice(long)
        word = p.personal[i]
        # Another real name one letter away: a typo that spells nobody's name is the roster person.
        near = [w for w in pools.MODERN_WORDS if w not in vocabulary and _close(w, word.lower())]
        if not near:
            continue
        new = rng.choice(sorted(near)).capitalize()
        if _undoubled(new.lower()) == _undoubled(word.lower()):
            continue  # `Asttawa` is `Astawa` spelled loosely, not another name
        personal = (*p.personal[:i], new, *p.personal[i + 1 :])
        region = rng.choice(sorted(pools.REGIONS))  # mostly a government of another day's batches
        person = replace(
            p,
            participant_id=-10_000 - len(outsiders),
            nip=_nip(rng, p.female, used),
            personal=personal,
            written=personal,
            email=None,
            registrant_id="",
            region=region,
            unit=rng.choice(pools.UNITS[region]),
        )
        if new.lower() not in vocabulary and person.identity not in taken:
            outsiders.append(person)
    return outsiders


def _undoubled(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


def _close(a: str, b: str) -> bool:
    """One or two letters apart, with the same last letter (a changed final vowel is another sex)."""
    if a == b or a[-1] != b[-1] or abs(len(a) - len(b)) > 1:
        return False
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) == len(longer):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 2
    return any(longer[:k] + longer[k + 1 :] == shorter for k in range(len(longer)))


# ---- display names -------------------------------------------------------------------------------------


def _plain(p: Person) -> str:
    return " ".join((*p.honorifics, *p.personal))


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 2)
    edit = rng.choice(["sub", "del", "ins", "swap"])
    letter = rng.choice("aeiounrstlkm")
    if edit == "sub":
        return word[:i] + letter + word[i + 1 :]
    if edit == "del":
        return word[:i] + word[i + 1 :]
    if edit == "ins":
        return word[:i] + rng.choice([letter, word[i]]) + word[i:]  # a stray or a doubled letter
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


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
        "first_only": lambda: _first_only(rng, p),
        "initial": lambda: Display(
            f"{p.personal[0]} {p.personal[-1][0]}." if len(p.personal) > 1 else p.personal[0][:3], False
        ),
        "swapped": lambda: Display(" ".join(reversed(p.personal)), True),
        "birth_order_variant": lambda: Display(" ".join((*variant, *p.personal)), True, variant),
        "concatenated": lambda: Display("".join(p.personal[:2]) + " " + " ".join(p.personal[2:]), True),
        "drop_middle": lambda: Display(" ".join((*h, p.personal[0], p.personal[-1])), True, h),
        "device": lambda: Display(rng.choice(pools.DEVICES), False),
    }
    if (len(p.personal) < 2 and kind in {"concatenated", "swapped", "split_join"}) or (
        len(p.personal) < 3 and kind == "drop_middle"
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
    long = [i for i, w in enumerate(p.personal) if len(w) >= 6]
    if not long:
        return Display(_plain(p), True, p.honorifics)
    i = rng.choice(long)
    words = list(p.personal)
    words[i] = _typo(rng, words[i])
    known = words[i].lower() in pools.ALL_WORDS
    return Display(" ".join((*p.honorifics, *words)), not known, p.honorifics)


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


def _first_only(rng: random.Random, p: Person) -> Display:
    if p.culture == "bali" and rng.random() < 0.6:
        order = [h for h in p.honorifics if h in pools.ALL_BIRTH_ORDER]
        calling = order[-1] if order else p.personal[0]
        return Display(rng.choice([calling, f"{calling} {p.personal[0][0]}"]), False)
    name = rng.choice(["{}", "Pak {}", "Bu {}", "{}"]).format(p.personal[0])
    return Display(name, len(p.personal) == 1)


# Organisers ask for `K2_Name_Unit`; most people comply, the rest type what they always type.
KINDS = {
    "full": 12,
    "plain": 14,
    "lower": 6,
    "upper": 3,
    "batch_format": 12,
    "name_unit": 6,
    "unit_name": 3,
    "nip_name": 7,
    "abbreviated": 6,
    "no_sex_marker": 4,
    "personal_only": 5,
    "spelling": 4,
    "typo": 4,
    "split_join": 2,
    "phone": 2,
    "phone_roster": 2,
    "device_and_name": 3,
    "first_only": 3,
    "initial": 1,
    "swapped": 2,
    "birth_order_variant": 2,
    "concatenated": 1,
    "drop_middle": 3,
    "device": 4,
}


# ---- what a careful person can decide -------------------------------------------------------------------
# Written independently of the matcher, from DOMAIN.md: a birth-order word of another rank, another caste
# or the other sex marker rules a namesake out; the same word written on both sides, titles written out in
# full that are exactly one person's, or the workplace, pick one person among those left.

_FEMALE = frozenset({"Ni", "Luh", "Ayu", "Desak"})
_MALE = frozenset({"I", "Bagus"})
_CASTE_OF = {
    "Ida": "ida",
    "Anak": "agung",
    "Agung": "agung",
    "Gusti": "gusti",
    "Dewa": "dewa",
    "Desak": "dewa",
}


def _parts(honorifics: Sequence[str]) -> tuple[set[str], set[str], set[int], set[str]]:
    words = {h.capitalize() for h in honorifics}
    sexes = {"f" for w in words if w in _FEMALE} | {"m" for w in words if w in _MALE}
    orders = {w for w in words if w in pools.RANK}
    ranks = {pools.RANK[w] for w in orders}
    if "Luh" in words:
        orders.add("Luh")
        ranks = ranks or {1}
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


def _rivals(p: Person, typed: Sequence[str], roster_words: dict[str, list[Person]]) -> list[Person]:
    """Roster people whose name holds every personal word typed (namesakes, and longer names whose owners
    may have dropped a word too)."""
    words = {w.lower() for w in typed}
    return [o for o in roster_words[next(iter(words))] if words <= set(o.identity)]


def _distinguishable(p: Person, shown: Display, rivals: Sequence[Person]) -> bool:
    """Whether a careful person picks `p` among the rivals from what the display shows."""
    if shown.phone:
        return True
    left = [o for o in rivals if not _conflict(shown.honorifics, o)]
    if p not in left:
        return False
    says_region = any(r.lower() in shown.name.lower() for r in pools.REGIONS[p.region][1])

    def evidence(o: Person) -> tuple[int, int, int]:
        workplace = shown.workplace and o.unit == p.unit and (o.region == p.region or not says_region)
        titles = shown.titles and bool(_title_set(p)) and _title_set(o) == _title_set(p)
        return int(workplace), int(titles), _agreement(shown.honorifics, o)

    mine = evidence(p)
    for o in left:
        if o is p:
            continue
        theirs = evidence(o)
        if not (all(a >= b for a, b in zip(mine, theirs, strict=True)) and mine != theirs):
            return False
    return True


def case_class(case: Case) -> str:
    """The benchmark class a case is reported under."""
    return case.group or case.kind


def make_cases(
    rng: random.Random, roster: Sequence[Person], outsiders: Sequence[Person], batch: str
) -> list[Case]:
    """Zoom connections of the roster's online people, outsiders, devices and offices, shuffled."""
    roster_words: dict[str, list[Person]] = defaultdict(list)
    for p in roster:
        for word in set(p.identity):
            roster_words[word].append(p)
    kinds, weights = zip(*KINDS.items(), strict=True)
    cases: list[Case] = []
    people = [p for p in roster if rng.random() < 0.9]
    people += [p for p in people if rng.random() < 0.1]  # a second device or a reconnect under another name
    for p in people:
        kind = rng.choices(kinds, weights)[0]
        shown = _display(rng, p, kind, batch)
        typed = (p.personal[0], p.personal[-1]) if kind == "drop_middle" else p.personal
        matchable = shown.identifies and _distinguishable(p, shown, _rivals(p, typed, roster_words))
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
            shared = sum(1 for o in roster if o.email == email) > 1
            if email == p.email and email and not shared:
                matchable, kind, group = True, "email", ""
        conn = Connection(shown.name, email, registrant)
        cases.append(Case(conn, p.participant_id, matchable, kind, group))
    identities = {p.identity for p in roster}
    for o in outsiders:
        kind = rng.choices(kinds, weights)[0]
        if (
            kind == "drop_middle"
            and tuple(sorted((o.personal[0].lower(), o.personal[-1].lower()))) in identities
        ):
            kind = "plain"  # what is left would be a roster person's whole name: nobody could tell
        if kind == "phone_roster":
            kind = "phone"
        shown = _display(rng, o, kind, batch)
        near = "near_" if o.participant_id <= -10_000 else ""
        cases.append(Case(Connection(shown.name), None, False, f"{near}outsider_{kind}", f"{near}outsider"))
    for _ in range(len(roster) // 50):
        cases.append(Case(Connection(rng.choice(pools.offices(roster[0].region))), None, False, "office"))
    rng.shuffle(cases)
    return cases


def kind_counts(cases: Sequence[Case]) -> Counter[str]:
    """How many cases of each kind: for the report."""
    return Counter(case.kind for case in cases)
