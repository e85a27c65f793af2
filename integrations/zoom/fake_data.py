"""Realistic generated Zoom meetings: Indonesian civil servants, reconnects, messy display names."""

from __future__ import annotations

import base64
import itertools
import random
import string
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from integrations.zoom.fake_state import FakeInstance, FakeMeeting, FakePerson
from integrations.zoom.models import Kind, format_zoom_time

_BIRTH_ORDER = ("Wayan", "Putu", "Gede", "Made", "Kadek", "Nengah", "Nyoman", "Komang", "Ketut")
_BALI_MALE = (
    "Sudarma",
    "Suartika",
    "Adnyana",
    "Wirawan",
    "Sukerta",
    "Astawa",
    "Suardana",
    "Mahendra",
    "Artawan",
)
_BALI_FEMALE = ("Ariani", "Sri Wahyuni", "Lestari", "Puspitasari", "Sukmawati", "Yuliantari", "Dewi Astiti")
_CASTE = ("Ida Bagus", "Anak Agung", "I Gusti Ngurah", "Cokorda", "Dewa")
_JAVA_MALE = (
    "Budi Santoso",
    "Suparman",
    "Djoko Susilo",
    "Agus Setiawan",
    "Bambang Sutrisno",
    "Muhammad Rizki",
    "Slamet Riyadi",
    "Tjahjo Prabowo",
    "Chairul Anwar",
    "Soekarno Hadi",
    "Eko Prasetyo",
    "Yahya",
)
_JAVA_FEMALE = (
    "Siti Aminah",
    "Sumarni",
    "Dewi Kartika",
    "Sri Rahayu",
    "Endang Susilowati",
    "Nur Hidayah",
    "Rina Marlina",
    "Yuli Astuti",
    "Tri Wulandari",
)
_PREFIXES = ("Drs.", "Dr.", "Ir.", "H.", "Hj.", "dr.")
_DEGREES = (
    "S.Pd.",
    "S.Kom.",
    "S.E.",
    "S.H.",
    "S.Sos.",
    "S.T.",
    "S.IP.",
    "A.Md.",
    "M.Si.",
    "M.M.",
    "M.Pd.",
    "M.AP.",
)
_AGENCIES = (
    ("Pemerintah Provinsi Bali", "Pemprov Bali", "baliprov.go.id"),
    ("Pemerintah Kota Denpasar", "Pemkot Denpasar", "denpasarkota.go.id"),
    ("Pemerintah Kabupaten Badung", "Badung", "badungkab.go.id"),
    ("Pemerintah Kabupaten Buleleng", "Buleleng", "bulelengkab.go.id"),
    ("Pemerintah Kabupaten Gianyar", "Gianyar", "gianyarkab.go.id"),
)
_UNITS = ("Diskominfo", "BKPSDM", "Bappeda", "Dinkes", "Disdik", "Setda", "Inspektorat", "RSUD", "Dispar")
_DEVICES = (
    "iPhone",
    "Galaxy A12",
    "Samsung",
    "User",
    "OPPO A5s",
    "Redmi Note 8",
    "vivo 1904",
    "DESKTOP-7QK2M1F",
)


@dataclass(frozen=True, slots=True)
class _Segment:
    """One planned connection of one person."""

    person: int
    join: datetime
    leave: datetime
    display_name: str
    status: str


def make_meeting(
    n_people: int = 5000,
    reconnect_rate: float = 0.3,
    seed: int = 0,
    start: datetime | None = None,
    end: datetime | None = None,
    *,
    kind: Kind = "meeting",
    meeting_id: str | None = None,
    topic: str = "Literasi Digital ASN Provinsi Bali — Kelompok 1",
    registered_rate: float = 0.7,
    waiting_room_rate: float = 0.02,
) -> FakeMeeting:
    """A meeting with one ended instance whose report has one row per connection (§2.0, §6.1).

    About `reconnect_rate` of the people reconnect one to three times (a new `user_id` each time, sometimes
    a second device overlapping the first). `registered_rate` of them joined through a personal link, so
    their rows carry `registrant_id` and `user_email`; the others are guests with blank ids and usually a
    blank email. Display names mix roster names, titles, device names and the organiser's `K1_` format.
    Deterministic for a given `seed`; `meeting.people` is the ground truth.
    """
    rng = random.Random(seed)
    start = start or datetime(2023, 8, 21, 1, 0, tzinfo=UTC)
    end = end or start + timedelta(hours=6)
    people = _people(rng, n_people, registered_rate)
    segments = [
        seg
        for index in range(n_people)
        for seg in _segments(rng, index, people[index], start, end, reconnect_rate, waiting_room_rate)
    ]
    segments.sort(key=lambda seg: (seg.join, seg.person))
    millis = kind == "webinar"  # the webinar examples carry milliseconds (§2.2); parse both
    rows = [_row(rng, number, seg, people[seg.person], millis) for number, seg in enumerate(segments)]
    instance = FakeInstance(uuid=instance_uuid(rng), start_time=start, end_time=end, rows=rows)
    return FakeMeeting(
        id=meeting_id or str(rng.randrange(81_000_000_000, 99_999_999_999)),
        kind=kind,
        topic=topic,
        instances=[instance],
        people=tuple(people),
    )


def instance_uuid(rng: random.Random) -> str:
    """A 24-character base64 instance UUID like Zoom's (may contain `+`, `/` and `=`)."""
    return base64.b64encode(rng.randbytes(16)).decode("ascii")


def _people(rng: random.Random, n_people: int, registered_rate: float) -> list[FakePerson]:
    """`n_people` distinct civil servants with unique NIPs and emails."""
    nips: set[str] = set()
    people = []
    for index in range(n_people):
        female = rng.random() < 0.5
        name = _roster_name(rng, female)
        agency, _, domain = rng.choice(_AGENCIES)
        nip = _nip(rng, female)
        while nip in nips:
            nip = _nip(rng, female)
        nips.add(nip)
        local = ".".join(_plain(name).lower().split()[-2:])
        registered = rng.random() < registered_rate
        people.append(
            FakePerson(
                name=name,
                email=f"{local}{index}@{domain if rng.random() < 0.7 else 'gmail.com'}",
                nip=nip,
                agency=agency,
                unit=rng.choice(_UNITS),
                registrant_id=_token(rng, 22) if registered else "",
                zoom_user_id=_token(rng, 22) if rng.random() < 0.3 else "",
            )
        )
    return people


def _roster_name(rng: random.Random, female: bool) -> str:
    """A roster name: Balinese (birth order, caste) or Javanese/Indonesian, often with titles."""
    if rng.random() < 0.6:
        if rng.random() < 0.12:
            core = f"{rng.choice(_CASTE)} {rng.choice(_BALI_FEMALE if female else _BALI_MALE)}"
        else:
            marker = "Ni" if female else "I"
            core = f"{marker} {rng.choice(_BIRTH_ORDER)} {rng.choice(_BALI_FEMALE if female else _BALI_MALE)}"
    else:
        core = rng.choice(_JAVA_FEMALE if female else _JAVA_MALE)
    if rng.random() < 0.15:
        core = f"{rng.choice(_PREFIXES)} {core}"
    if rng.random() < 0.45:
        core = f"{core}, " + ", ".join(rng.sample(_DEGREES, rng.choice((1, 1, 2))))
    return core


def _plain(name: str) -> str:
    """A name without titles or punctuation (for emails and short display names)."""
    words = [word for word in name.replace(",", " ").split() if "." not in word]
    return " ".join(words) or name


def _nip(rng: random.Random, female: bool) -> str:
    """A valid 18-digit NIP: birth date, appointment month, sex digit, serial (DOMAIN.md)."""
    birth = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 34))
    appointed = birth.year + rng.randrange(22, 36)
    return (
        f"{birth:%Y%m%d}{appointed}{rng.randrange(1, 13):02d}{2 if female else 1}{rng.randrange(1, 1000):03d}"
    )


def _token(rng: random.Random, length: int) -> str:
    """An id shaped like Zoom's url-safe base64 ids."""
    alphabet = string.ascii_letters + string.digits + "-_"
    return "".join(rng.choice(alphabet) for _ in range(length))


def _display_name(rng: random.Random, person: FakePerson, batch: str = "K1") -> str:
    """What a participant's device shows as name: rarely exactly the roster name."""
    plain = _plain(person.name)
    words = plain.split()
    short = " ".join(words[1:]) if words[0] in ("I", "Ni") and len(words) > 2 else plain
    agency = next(label for full, label, _ in _AGENCIES if full == person.agency)
    roll = rng.random()
    if roll < 0.35:
        return person.name
    if roll < 0.60:
        return plain
    if roll < 0.70:
        return short
    if roll < 0.80:
        return f"{batch}_{short}_{person.unit} {agency}"
    if roll < 0.85:
        return f"{person.nip} {short}"
    if roll < 0.93:
        device = rng.choice(_DEVICES)
        return f"{device} {words[-1]}" if device == "iPhone" else device
    if roll < 0.97:
        return f"Ruang Rapat {person.unit} {agency}"
    return plain.lower()


def _segments(
    rng: random.Random,
    index: int,
    person: FakePerson,
    start: datetime,
    end: datetime,
    reconnect_rate: float,
    waiting_room_rate: float,
) -> list[_Segment]:
    """The connections of one person: late joins, early leaves, reconnect gaps, a second device."""
    span = (end - start).total_seconds()
    late = rng.random() < 0.2
    join = start + timedelta(seconds=rng.uniform(0, 0.5 * span if late else min(900.0, 0.1 * span)))
    early = rng.random() < 0.15
    leave = end - timedelta(seconds=rng.uniform(0, 0.4 * span if early else min(300.0, 0.05 * span)))
    if leave <= join + timedelta(minutes=5):
        leave = min(end, join + timedelta(minutes=5))
    waited = timedelta(seconds=rng.uniform(30, 180)) if rng.random() < waiting_room_rate else None
    if waited is not None:
        join = max(join, start + waited)
    cuts = sorted(rng.uniform(0, 1) for _ in range(rng.randint(1, 3) if rng.random() < reconnect_rate else 0))
    points = [join, *(join + (leave - join) * cut for cut in cuts), leave]
    name = _display_name(rng, person)
    segments = []
    if waited is not None:
        segments.append(_Segment(index, join - waited, join, name, "in_waiting_room"))
    for begin, finish in itertools.pairwise(points):
        gap = timedelta(seconds=rng.uniform(10, 240))
        if finish - begin > 2 * gap:
            segments.append(_Segment(index, begin, finish - gap, name, "in_meeting"))
        if rng.random() < 0.3:
            name = _display_name(rng, person)
    if not any(seg.status == "in_meeting" for seg in segments):
        segments.append(_Segment(index, join, max(leave, join + timedelta(minutes=1)), name, "in_meeting"))
    if cuts and rng.random() < 0.1:
        second = join + (leave - join) * rng.uniform(0.1, 0.5)
        segments.append(
            _Segment(
                index,
                second,
                min(leave, second + timedelta(minutes=45)),
                _display_name(rng, person),
                "in_meeting",
            )
        )
    return segments


def _row(
    rng: random.Random, number: int, seg: _Segment, person: FakePerson, millis: bool
) -> dict[str, object]:
    """One report row in Zoom's wire shape (§2.1); `registrant_id` is stripped by the server unless asked."""
    via_link = bool(person.registrant_id) and rng.random() < 0.95
    email = person.email if via_link or person.zoom_user_id or rng.random() < 0.1 else ""
    join = seg.join.replace(microsecond=rng.randrange(1000) * 1000 if millis else 0)
    leave = seg.leave.replace(microsecond=rng.randrange(1000) * 1000 if millis else 0)
    return {
        "customer_key": "",
        "duration": int((leave - join).total_seconds()),
        "failover": False,
        "id": person.zoom_user_id,
        "join_time": format_zoom_time(join, millis=millis),
        "leave_time": format_zoom_time(leave, millis=millis),
        "name": seg.display_name,
        "registrant_id": person.registrant_id if via_link else "",
        "status": seg.status,
        "user_email": email,
        "user_id": str(16778240 + 1024 * number),
        "participant_user_id": person.zoom_user_id,
    }
