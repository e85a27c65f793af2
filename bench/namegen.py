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
        )


@dataclass(frozen=True, slots=True)
class Case:
    """One connection and its truth: who it is (None: not on the roster), and could a careful human tell."""

    connection: Connection
    truth: int | None
    human_matchable: bool
    kind: str


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
    count = rng.choices([1, 2, 3], [45, 45, 10])[0]
    return tuple(honorifics), tuple(rng.sample(pool, count))


def _other(rng: random.Random, culture: str, female: bool) -> tuple[str, ...]:
    firsts, lasts = pools.FIRST_AND_LAST[(culture, female)]
    shape = rng.choices(["mono", "two", "three"], [12, 68, 20])[0]
    if shape == "mono":
        return (rng.choice(lasts),)
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
    culture = rng.choices(["bali", "java", "sunda", "muslim"], weights)[0]
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
    )


# Shares of Balinese, Javanese, Sundanese and other Muslim names: a Bali batch, or a Java-like one.
MIXES = {"bali": (70, 15, 5, 10), "java": (3, 55, 12, 30)}


def make_roster(rng: random.Random, size: int, mix: str = "bali", day: int | None = None) -> list[Person]:
    """A batch roster of `size` people from the two governments of one day of the Bali programme."""
    regions = pools.DAYS[rng.randrange(len(pools.DAYS)) if day is None else day]
    used: set[str] = set()
    return [_person(rng, 1000 + i, regions, used, MIXES[mix]) for i in range(size)]


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
        near = [w for w in pools.MODERN_WORDS if w not in vocabulary and _close(w, word.lower())]
        new = rng.choice(sorted(near)).capitalize() if near else _typo(rng, word)
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
        return word[:i] + letter + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _abbreviated(rng: random.Random, p: Person) -> str:
    words = [pools.BALI_ABBREVIATIONS.get(h, h) if rng.random() < 0.8 else h for h in p.honorifics]
    joined = " ".join(words)
    for long, short in (("Ida Bagus", "IB"), ("Anak Agung", "A.A."), ("I Gusti", "I Gst.")):
        if long in joined and rng.random() < 0.7:
            joined = joined.replace(long, short)
    return " ".join((joined, *p.personal)).strip()


def _phone(rng: random.Random) -> str:
    digits = f"8{rng.randint(11, 59)}{rng.randint(1000, 9999)}{rng.randint(1000, 9999)}"
    return rng.choice([f"0{digits}", f"+62 {digits[:3]}-{digits[3:7]}-{digits[7:]}", f"62{digits}"])


def _spaced_nip(rng: random.Random, nip: str) -> str:
    sep = rng.choice(["", "", " ", "."])
    return sep.join((nip[:8], nip[8:14], nip[14], nip[15:])) if sep else nip


Display = tuple[str, bool]  # the display name, and whether it still identifies the person by name


def _where(rng: random.Random, p: Person) -> str:
    unit = rng.choice(pools.unit_short(p.unit))
    region = rng.choice(pools.REGIONS[p.region][1])
    return f"{unit} {region}" if rng.random() < 0.8 else unit


def _display(rng: random.Random, p: Person, kind: str, batch: str) -> Display:
    plain = _plain(p)
    makers: dict[str, Callable[[], Display]] = {
        "full": lambda: (p.roster_name(), True),
        "plain": lambda: (plain, True),
        "lower": lambda: (plain.lower(), True),
        "upper": lambda: (plain.upper(), True),
        "batch_format": lambda: (f"{batch}_{plain}_{_where(rng, p)}", True),
        "name_unit": lambda: (
            rng.choice(["{} {}", "{}_{}", "{} ({})", "{} - {}"]).format(plain, _where(rng, p)),
            True,
        ),
        "nip_name": lambda: (
            rng.choice(["{} {}", "{}_{}", "{} - {}"]).format(_spaced_nip(rng, p.nip), plain),
            True,
        ),
        "abbreviated": lambda: (_abbreviated(rng, p), True),
        "no_sex_marker": lambda: (" ".join(w for w in plain.split() if w not in {"I", "Ni"}), True),
        "personal_only": lambda: (" ".join(p.personal), True),
        "spelling": lambda: (" ".join((*p.honorifics, *pools.respell(rng, p.personal))), True),
        "typo": lambda: _typo_display(rng, p),
        "phone": lambda: (f"{plain} {_phone(rng)}", True),
        "device_and_name": lambda: (
            rng.choice(["{} ({})", "{} {}"]).format(plain, rng.choice(pools.DEVICES)),
            True,
        ),
        "first_only": lambda: _first_only(rng, p),
        "initial": lambda: (
            f"{p.personal[0]} {p.personal[-1][0]}." if len(p.personal) > 1 else p.personal[0][:3],
            False,
        ),
        "swapped": lambda: (" ".join(reversed(p.personal)), True),
        "birth_order_variant": lambda: (" ".join((*pools.same_rank(rng, p.honorifics), *p.personal)), True),
        "concatenated": lambda: ("".join(p.personal[:2]) + " " + " ".join(p.personal[2:]), True),
        "drop_middle": lambda: (" ".join((*p.honorifics, p.personal[0], p.personal[-1])), True),
        "device": lambda: (rng.choice(pools.DEVICES), False),
    }
    name, identifies = makers[kind]()
    if (len(p.personal) < 2 and kind in {"concatenated", "swapped"}) or (
        len(p.personal) < 3 and kind == "drop_middle"
    ):
        name = plain
    return name.strip(), identifies


def _typo_display(rng: random.Random, p: Person) -> Display:
    long = [i for i, w in enumerate(p.personal) if len(w) >= 6]
    if not long:
        return _plain(p), True
    i = rng.choice(long)
    words = list(p.personal)
    words[i] = _typo(rng, words[i])
    known = words[i].lower() in pools.ALL_WORDS
    return " ".join((*p.honorifics, *words)), not known


def _first_only(rng: random.Random, p: Person) -> Display:
    if p.culture == "bali" and rng.random() < 0.6:
        order = [h for h in p.honorifics if h in pools.ALL_BIRTH_ORDER]
        calling = order[-1] if order else p.personal[0]
        return rng.choice([calling, f"{calling} {p.personal[0][0]}"]), False
    return rng.choice(["{}", "Pak {}", "Bu {}", "{}"]).format(p.personal[0]), len(p.personal) == 1


KINDS = {
    "full": 12,
    "plain": 14,
    "lower": 6,
    "upper": 3,
    "batch_format": 12,
    "name_unit": 8,
    "nip_name": 7,
    "abbreviated": 6,
    "no_sex_marker": 4,
    "personal_only": 5,
    "spelling": 4,
    "typo": 5,
    "phone": 3,
    "device_and_name": 3,
    "first_only": 5,
    "initial": 2,
    "swapped": 2,
    "birth_order_variant": 2,
    "concatenated": 1,
    "drop_middle": 3,
    "device": 4,
}


def _rivals(p: Person, typed: Sequence[str], roster_words: dict[str, list[Person]]) -> list[Person]:
    """Roster people a careful human could not tell from `p` by the personal words typed: everyone whose
    name holds them all (namesakes, and longer names whose owners may have dropped a word too)."""
    words = {w.lower() for w in typed}
    return [o for o in roster_words[next(iter(words))] if words <= set(o.identity)]


def _distinguishable(p: Person, kind: str, name: str, rivals: Sequence[Person]) -> bool:
    if len(rivals) == 1:
        return True
    if kind not in {"batch_format", "name_unit"}:
        return False
    # The display says where the person works: that separates rivals from different offices only.
    says_region = any(r.lower() in name.lower() for r in pools.REGIONS[p.region][1])
    return sum(1 for o in rivals if o.unit == p.unit and (o.region == p.region or not says_region)) == 1


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
        name, identifies = _display(rng, p, kind, batch)
        typed = (p.personal[0], p.personal[-1]) if kind == "drop_middle" else p.personal
        matchable = identifies and _distinguishable(p, kind, name, _rivals(p, typed, roster_words))
        if kind == "nip_name":
            matchable = True
        email, registrant = None, None
        channel = rng.random()
        if channel < 0.15:
            registrant, matchable, kind = p.registrant_id, True, "registrant"
        elif channel < 0.30:
            email = p.email if rng.random() < 0.8 else f"{rng.getrandbits(24):06x}@gmail.com"
            shared = sum(1 for o in roster if o.email == email) > 1
            if email == p.email and email and not shared:
                matchable, kind = True, "email"
        cases.append(Case(Connection(name, email, registrant), p.participant_id, matchable, kind))
    identities = {p.identity for p in roster}
    for o in outsiders:
        kind = rng.choices(kinds, weights)[0]
        if (
            kind == "drop_middle"
            and tuple(sorted((o.personal[0].lower(), o.personal[-1].lower()))) in identities
        ):
            kind = "plain"  # what is left would be a roster person's whole name: nobody could tell
        name, _ = _display(rng, o, kind, batch)
        near = "near_" if o.participant_id <= -10_000 else ""
        cases.append(Case(Connection(name), None, False, f"{near}outsider_{kind}"))
    for _ in range(len(roster) // 50):
        cases.append(Case(Connection(rng.choice(pools.offices(roster[0].region))), None, False, "office"))
    rng.shuffle(cases)
    return cases


def kind_counts(cases: Sequence[Case]) -> Counter[str]:
    """How many cases of each kind: for the report."""
    return Counter(case.kind for case in cases)
