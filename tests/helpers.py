"""Small helpers that make tests read like the feature."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.settings import Settings
from integrations.zoom.fake import STATE as FAKE_ZOOM_STATE

EVENT = {"slug": "bali-2023", "name": "Literasi Digital ASN Provinsi Bali 2023", "timezone": "Asia/Makassar"}


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


def batch_body(code: str = "K1", day: int = 21, **extra: Any) -> dict[str, Any]:
    """A valid batch body on 2023-08-{day}, 08.00-12.00 WITA."""
    return {
        "code": code,
        "name": f"Kelompok {code}",
        "starts_at": f"2023-08-{day:02d}T08:00:00+08:00",
        "ends_at": f"2023-08-{day:02d}T12:00:00+08:00",
        "venue": "The Stones Hotel, Kuta",
        "zoom_meeting_id": "81234567890",
        "zoom_kind": "webinar",
        "youtube_video_id": "abcDEF12345",
        **extra,
    }


async def create_event(client: TestClient, token: str, batches: tuple[str, ...] = ("K1", "K2")) -> str:
    """Create the Bali event with batches (one day apart); return its slug."""
    resp = await client.post("/api/v1/events", json=EVENT, headers=bearer(token))
    assert resp.status == 201, await resp.text()
    for i, code in enumerate(batches):
        resp = await client.post(
            f"/api/v1/events/{EVENT['slug']}/batches", json=batch_body(code, 21 + i), headers=bearer(token)
        )
        assert resp.status == 201, await resp.text()
    return EVENT["slug"]


# --- venue check-in (issue 4) -------------------------------------------------------------------------------

DOOR_ROSTER = (
    "nip,nama,instansi,unit_kerja,email,no_hp,kelompok,mode\n"
    "198503122010011003,I Made Sudarma,Pemprov Bali,Diskominfo,made@baliprov.go.id,081234567890,K1,luring\n"
    "199001022015031004,Budi Santoso,Pemkot Denpasar,Setda,,,K1,daring\n"
    "198807142012122001,Ni Luh Putu Ayu Lestari,Pemprov Bali,Dinas Kesehatan,,,K2,luring\n"
)
SUDARMA, BUDI, LESTARI = "198503122010011003", "199001022015031004", "198807142012122001"


async def seed_door(client: TestClient, organiser: str, roster: str = DOOR_ROSTER) -> str:
    """The Bali event with batches K1 and K2 and a small roster; return its slug."""
    slug = await create_event(client, organiser)
    resp = await client.post(f"/api/v1/events/{slug}/roster", data=roster.encode(), headers=bearer(organiser))
    assert resp.status == 200, await resp.text()
    return slug


async def live_passes(db_url: str) -> dict[str, str]:
    """NIP -> live pass token, read straight from the database."""
    from sqlmodel import col, select

    from eventops.storage.db import create_engine, make_sessionmaker
    from eventops.storage.models import Participant, Pass

    engine = create_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            query = select(Participant.nip, Pass.token).join(Pass).where(col(Pass.revoked_at).is_(None))
            rows = (await session.exec(query)).all()
    finally:
        await engine.dispose()
    return {nip: token for nip, token in rows if nip}


def new_scan_id() -> str:
    """A client-made scan id, as the scanner page makes them."""
    import uuid

    return str(uuid.uuid4())


def door_fields(
    station: str = "Gate 1", scan_id: str | None = None, scanned_at: str | None = None
) -> dict[str, str]:
    """The fields every door request carries: scan_id, station and the client's time (now, WITA)."""
    from datetime import datetime, timedelta, timezone

    if scanned_at is None:
        scanned_at = datetime.now(timezone(timedelta(hours=8))).isoformat()
    return {"scan_id": scan_id or new_scan_id(), "station": station, "scanned_at": scanned_at}


async def scan(
    client: TestClient, staff: str, token: str, code: str = "K1", **fields: str
) -> tuple[int, dict[str, Any]]:
    """Scan a pass (its token or URL) at a batch's door; the status and the JSON answer."""
    body = {"token": token, **door_fields(**fields)}
    resp = await client.post(
        f"/api/v1/events/{EVENT['slug']}/batches/{code}/scans", json=body, headers=bearer(staff)
    )
    return resp.status, await resp.json()


# --- attendance (issue 6) -----------------------------------------------------------------------------------

ATTENDANCE_LABELS = (
    "venue",  # checked in before the start: present, offline
    "zoom2",  # two overlapping Zoom devices under different names: present, zoom, shared_identity
    "zoom_partial",  # one hour on Zoom: partial
    "stream",  # both checkpoint codes through the live chat: present, youtube
    "form_partial",  # one of two codes through the form: partial, form
    "absent",  # nothing at all
    "elsewhere",  # assigned to K1, checked in at K2: absent in K1, wrong_batch
    "hybrid",  # checked in and on Zoom at the same time: present, offline, venue_and_online
    "open",  # joined Zoom at the start and never left (no leave event yet)
    "visitor",  # assigned to K2, checked in at K1: a K1 record, present, wrong_batch
)


def wita(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of August 2023 in Bali time (UTC+8), as an aware UTC datetime."""
    return datetime(2023, 8, day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


@asynccontextmanager
async def db_session(db_url: str) -> AsyncIterator[AsyncSession]:
    """A session on its own engine, disposed of afterwards."""
    from eventops.storage.db import create_engine, make_sessionmaker

    engine = create_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            yield session
    finally:
        await engine.dispose()


@dataclass(frozen=True)
class AttendanceWorld:
    """The seeded Bali event: K1 and K2, participant ids and NIPs by label, and K1's walk-in."""

    slug: str
    k1: int
    k2: int
    ids: dict[str, int]
    nips: dict[str, str]
    walk_in: int


async def seed_attendance(db_url: str) -> AttendanceWorld:
    """The Bali event (K1 on 21, K2 on 22 August, 08.00-12.00 WITA) with every kind of evidence for K1."""
    from dataclasses import replace

    from sqlmodel import select

    from eventops.catalog import events
    from eventops.roster import importer as roster
    from eventops.storage.models import Checkpoint, Participant
    from tests.rosters import make_rows, to_csv

    rows = make_rows(len(ATTENDANCE_LABELS), batches=("K1",), seed=61)
    rows[-1] = replace(rows[-1], batch="K2")
    async with db_session(db_url) as session:
        event = await events.create_event(session, EVENT["slug"], EVENT["name"], EVENT["timezone"])
        k1 = await events.create_batch(
            session, event, events.BatchInput("K1", "Kelompok K1", wita(21, 8), wita(21, 12), "The Stones")
        )
        k2 = await events.create_batch(
            session, event, events.BatchInput("K2", "Kelompok K2", wita(22, 8), wita(22, 12), "The Stones")
        )
        await roster.import_roster(session, event, to_csv(rows), filename="peserta.csv")
        assert event.id and k1.id and k2.id
        found = (await session.exec(select(Participant).where(Participant.event_id == event.id))).all()
        by_nip = {p.nip: p.id for p in found if p.id}
        ids = {label: by_nip[row.nip] for label, row in zip(ATTENDANCE_LABELS, rows, strict=True)}
        walk_in = Participant(event_id=event.id, batch_id=k1.id, name="Tamu Walk-in", walk_in=True)
        alpha = Checkpoint(batch_id=k1.id, code="ALPHA", opens_at=wita(21, 9), closes_at=wita(21, 9, 15))
        bravo = Checkpoint(batch_id=k1.id, code="BRAVO", opens_at=wita(21, 11), closes_at=wita(21, 11, 15))
        session.add_all([walk_in, alpha, bravo])
        await session.flush()
        assert walk_in.id and alpha.id and bravo.id
        session.add_all(
            [
                checkin(k1.id, ids["venue"], wita(21, 7, 45)),
                checkin(k2.id, ids["elsewhere"], wita(22, 7, 55)),
                checkin(k1.id, ids["hybrid"], wita(21, 7, 50)),
                checkin(k1.id, ids["visitor"], wita(21, 7, 58)),
                checkin(k1.id, walk_in.id, wita(21, 8, 5)),
                zoom(k1.id, ids["zoom2"], "c1", "Made Sudarma", wita(21, 8), wita(21, 11)),
                zoom(k1.id, ids["zoom2"], "c2", "iPhone", wita(21, 9), wita(21, 11, 30)),
                zoom(k1.id, ids["zoom_partial"], "c3", "Budi", wita(21, 8, 30), wita(21, 9, 30)),
                zoom(k1.id, ids["hybrid"], "c4", "Hybrid", wita(21, 8), wita(21, 12)),
                zoom(k1.id, ids["open"], "c5", "Still here", wita(21, 8), None),
                zoom(k1.id, None, "c6", "Galaxy A12", wita(21, 8), wita(21, 12)),  # unmatched
                submission(alpha.id, ids["stream"], "youtube", wita(21, 9, 5)),
                submission(bravo.id, ids["stream"], "youtube", wita(21, 11, 2)),
                submission(alpha.id, ids["form_partial"], "form", wita(21, 9, 1)),
            ]
        )
        await session.commit()
    nips = {label: row.nip for label, row in zip(ATTENDANCE_LABELS, rows, strict=True)}
    return AttendanceWorld(EVENT["slug"], k1.id, k2.id, ids, nips, walk_in.id)


def checkin(batch_id: int, participant_id: int, at: datetime, station: str = "Gate 1") -> Any:
    """An accepted check-in row, as the venue service stores it."""
    from eventops.storage.models import CheckIn

    return CheckIn(
        batch_id=batch_id, participant_id=participant_id, checked_in_at=at, station=station, staff="t"
    )


def submission(checkpoint_id: int, participant_id: int, channel: str, at: datetime) -> Any:
    """A checkpoint code submitted by a participant through the form or the live chat."""
    from eventops.storage.models import CheckpointSubmission

    return CheckpointSubmission(
        checkpoint_id=checkpoint_id, participant_id=participant_id, channel=channel, submitted_at=at
    )


def zoom(
    batch_id: int, participant_id: int | None, key: str, name: str, joined: datetime, left: datetime | None
) -> Any:
    """A Zoom session row, matched to a participant (or not)."""
    from eventops.storage.models import OnlineSession

    return OnlineSession(
        batch_id=batch_id,
        connection_key=key,
        joined_at=joined,
        left_at=left,
        display_name=name,
        participant_id=participant_id,
        match_method="email" if participant_id else None,
    )


async def stored(db_url: str, model: type[Any]) -> list[Any]:
    """Every row of a table, oldest first, read straight from the database."""
    from sqlmodel import select

    from eventops.storage.db import create_engine, make_sessionmaker

    engine = create_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            return list((await session.exec(select(model).order_by(model.id))).all())
    finally:
        await engine.dispose()


# --- Zoom (issue 5) -----------------------------------------------------------------------------------------

ZOOM_SECRET = "fake_webhook_secret_token"


def webhook_settings(db_url: str) -> Settings:
    """Test settings with the Zoom webhook secret the signed test deliveries use."""
    return Settings(
        database_url=db_url,
        secret_key="test-secret",
        public_url="http://eventops.test",
        zoom_webhook_secret=ZOOM_SECRET,
    )


async def post_zoom(
    client: TestClient, event: Any, *, secret: str = ZOOM_SECRET, timestamp: int | None = None
) -> Any:
    """POST one webhook (an event dict, or raw bytes) signed like Zoom signs it (fact sheet §4.3)."""
    import time

    from integrations.zoom.fake import encode_event, signed_headers

    body = event if isinstance(event, bytes) else encode_event(event)
    headers = signed_headers(secret, body, int(time.time()) if timestamp is None else timestamp)
    return await client.post("/webhooks/zoom", data=body, headers=headers)


async def zoom_drained(client: TestClient) -> None:
    """Wait until the app's webhook worker has processed everything stored so far."""
    from eventops.keys import ZOOM_WORKER

    await client.app[ZOOM_WORKER].drain()


async def zoom_table(client: TestClient, model: type[Any]) -> list[Any]:
    """Every row of a table, oldest first, through the app's own sessions."""
    from sqlmodel import select

    from eventops.keys import SESSIONMAKER

    async with client.app[SESSIONMAKER]() as session:
        return list((await session.exec(select(model).order_by(model.id))).all())


# --- YouTube and checkpoints (issue 7) ----------------------------------------------------------------------


async def open_checkpoint(
    client: TestClient, moderator: str, code: str, opens_at: datetime, closes_at: datetime, batch: str = "K1"
) -> Any:
    """POST a checkpoint for a batch of the Bali event; the response."""
    body = {"code": code, "opens_at": opens_at.isoformat(), "closes_at": closes_at.isoformat()}
    return await client.post(
        f"/api/v1/events/{EVENT['slug']}/batches/{batch}/checkpoints", json=body, headers=bearer(moderator)
    )


async def post_hadir(client: TestClient, nip: str, code: str, batch: str = "K1") -> tuple[int, str]:
    """Fill in the public self-attendance form as a phone would (GET for the CSRF cookie, then POST)."""
    import re

    url = f"/b/{EVENT['slug']}/{batch}/hadir"
    page = await client.get(url)
    assert page.status == 200, await page.text()
    csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())
    assert csrf is not None
    resp = await client.post(url, data={"csrf": csrf.group(1), "nip": nip, "code": code})
    return resp.status, await resp.text()


def hadir_result(html: str) -> str | None:
    """The stable result code the form page shows (data-result), or None."""
    import re

    found = re.search(r'data-result="([a-z_]+)"', html)
    return found.group(1) if found else None


# --- identity matching and the review queue (issue 6) -------------------------------------------------------

_PROV, _KOTA = "Pemerintah Provinsi Bali", "Pemerintah Kota Denpasar"
REVIEW_PEOPLE = {
    # label: (nip, name, agency, unit, email, batch)
    "sudarma": ("198503122010011003", "I Made Sudarma, S.Kom.", _PROV, "Diskominfo", "made@bali.go.id", "K1"),
    "budi": ("199001022015031004", "Budi Santoso", _KOTA, "Sekretariat Daerah", "", "K1"),
    "wirawan_a": ("197901152005011001", "Ketut Wirawan", _PROV, "Dinas Kesehatan", "", "K1"),
    "wirawan_b": ("198204202008011002", "Ketut Wirawan", _KOTA, "Dinas Pariwisata", "", "K1"),
    "lestari": ("198807142012122001", "Ni Luh Putu Ayu Lestari", _PROV, "Dinas Kesehatan", "", "K1"),
    "siti": ("199212302019032003", "Siti Nurhaliza", _KOTA, "Dinas Sosial", "", "K1"),
    "dewi": ("198601012010012004", "Dewi Anggraini", "Pemerintah Kabupaten Badung", "Dinas Sosial", "", "K2"),
}


def review_roster(**batches: str) -> bytes:
    """The review roster as a CSV file; `batches` moves people (`siti="K2"`), as a re-import would."""
    from tests.rosters import roster_csv

    rows = [
        (nip, name, agency, unit, email, "", batches.get(label, batch), "online")
        for label, (nip, name, agency, unit, email, batch) in REVIEW_PEOPLE.items()
    ]
    return roster_csv(*rows)


@dataclass(frozen=True)
class ReviewWorld:
    """The Bali event with K1 (21 August) and K2 (22 August), 08.00-12.00 WITA, and the review roster."""

    slug: str
    k1: int
    k2: int
    ids: dict[str, int]
    nips: dict[str, str]


async def seed_review(db_url: str) -> ReviewWorld:
    """Create the event, its two batches and the review roster through the services."""
    from sqlmodel import select

    from eventops.catalog import events
    from eventops.roster import importer as roster
    from eventops.storage.models import Participant

    async with db_session(db_url) as session:
        event = await events.create_event(session, EVENT["slug"], EVENT["name"], EVENT["timezone"])
        k1 = await events.create_batch(
            session, event, events.BatchInput("K1", "Kelompok K1", wita(21, 8), wita(21, 12), "The Stones")
        )
        k2 = await events.create_batch(
            session, event, events.BatchInput("K2", "Kelompok K2", wita(22, 8), wita(22, 12), "The Stones")
        )
        await roster.import_roster(session, event, review_roster(), filename="peserta.csv")
        found = (await session.exec(select(Participant).where(Participant.event_id == event.id))).all()
    by_nip = {p.nip: p.id for p in found}
    assert k1.id is not None and k2.id is not None
    ids = {label: by_nip[nip] for label, (nip, *_) in REVIEW_PEOPLE.items()}
    nips = {label: nip for label, (nip, *_) in REVIEW_PEOPLE.items()}
    return ReviewWorld(EVENT["slug"], k1.id, k2.id, {k: v for k, v in ids.items() if v is not None}, nips)


def connection(
    batch_id: int,
    key: str,
    name: str,
    joined: datetime,
    minutes: int | None = 30,
    email: str | None = None,
    participant_id: int | None = None,
    method: str | None = None,
    state: str = "pending",
) -> Any:
    """A Zoom session row as the ingest leaves it (pending unless matched); `minutes=None` is still open."""
    from eventops.storage.models import OnlineSession

    return OnlineSession(
        batch_id=batch_id,
        connection_key=key,
        joined_at=joined,
        left_at=None if minutes is None else joined + timedelta(minutes=minutes),
        display_name=name,
        email=email,
        participant_id=participant_id,
        match_method=method,
        match_score=1.0 if participant_id else None,
        review_state=state,
    )


async def add_connections(db_url: str, *rows: Any) -> list[int]:
    """Insert session rows; their ids in order."""
    async with db_session(db_url) as session:
        session.add_all(rows)
        await session.commit()
        return [row.id for row in rows]


def settings_with_fake_zoom(db_url: str, zoom: TestServer, **extra: Any) -> Settings:
    """Test settings pointed at a fake Zoom server on a real port (its account, client and secret)."""
    state = zoom.app[FAKE_ZOOM_STATE]
    return Settings(
        database_url=db_url,
        secret_key="test-secret",
        public_url="http://eventops.test",
        zoom_account_id=state.account_id,
        zoom_client_id=state.client_id,
        zoom_client_secret=state.client_secret,
        zoom_api_base=str(zoom.make_url("/v2")),
        zoom_oauth_url=str(zoom.make_url("/oauth/token")),
        **extra,
    )
