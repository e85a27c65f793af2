"""The downloads: CSV columns and values, formula neutralisation, the XLSX recap, the PDF, and the CLI."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from eventops.attendance import exports
from eventops.attendance import records as attendance
from eventops.attendance.facts import Person
from eventops.attendance.records import BatchAttendance
from eventops.attendance.rules import BatchRules, CheckinFact, ParticipantFacts, evaluate_batch
from eventops.storage.models import Batch, Event
from tests.helpers import AttendanceWorld, db_session, seed_attendance

START = datetime(2023, 8, 21, 0, 0, tzinfo=UTC)  # 08.00 WITA
HOSTILE = {
    "name": '=HYPERLINK("http://evil.example","klik")',
    "agency": "+62 Pemkab Badung",
    "unit": "@SUM(A1:A9)",
    "nip": "-1+2",
}


def _made(people: list[Person], present: frozenset[int] | set[int] = frozenset()) -> BatchAttendance:
    """A batch's attendance built in memory: `present` ids checked in at 07.50 WITA."""
    event = Event(
        id=1, slug="bali-2023", name="Literasi Digital ASN Provinsi Bali 2023", timezone="Asia/Makassar"
    )
    batch = Batch(
        id=1, event_id=1, code="K1", name="Kelompok K1", starts_at=START, ends_at=START + timedelta(hours=4)
    )
    rules = BatchRules(START, START + timedelta(hours=4), batch_id=1)
    facts = [
        ParticipantFacts(
            p.id,
            1,
            checkins=(CheckinFact(START - timedelta(minutes=10), 1),) if p.id in present else (),
        )
        for p in people
    ]
    return BatchAttendance(
        event, batch, {p.id: p for p in people}, evaluate_batch(rules, facts), frozen=False
    )


def _person(n: int, **fields: str) -> Person:
    values = {
        "nip": f"19850312201001{n:04d}",
        "name": f"Peserta {n}",
        "agency": "Pemprov Bali",
        "unit": "Setda",
    }
    values.update(fields)
    return Person(n, values["nip"], values["name"], values["agency"], values["unit"], 1, False)


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


@pytest.fixture
async def world(db_url: str) -> AttendanceWorld:
    """The seeded Bali event."""
    return await seed_attendance(db_url)


async def _attendance(db_url: str, world: AttendanceWorld) -> BatchAttendance:
    async with db_session(db_url) as session:
        return await attendance.batch_attendance(session, world.slug, "K1")


async def test_csv_has_the_contract_columns_and_one_row_per_record(
    db_url: str, world: AttendanceWorld
) -> None:
    att = await _attendance(db_url, world)
    data = exports.to_csv(att)
    assert data.split(b"\r\n")[0] == (
        b"nip,name,agency,unit,batch,status,mode,checked_in_at,online_minutes,checkpoints,"
        b"first_seen,last_seen,sources,flags"
    )
    rows = {r["nip"]: r for r in _csv_rows(data)}
    assert len(_csv_rows(data)) == len(att.records) == 11
    venue = rows[world.nips["venue"]]
    assert (venue["status"], venue["mode"], venue["batch"]) == ("present", "offline", "K1")
    assert venue["checked_in_at"] == venue["first_seen"] == "2023-08-21T07:45:00+08:00"
    hybrid = rows[world.nips["hybrid"]]
    assert (hybrid["sources"], hybrid["flags"], hybrid["online_minutes"]) == (
        "offline;zoom",
        "venue_and_online",
        "240",
    )
    absent = rows[world.nips["absent"]]
    assert (absent["status"], absent["mode"], absent["first_seen"], absent["sources"]) == (
        "absent",
        "",
        "",
        "",
    )
    assert rows[world.nips["stream"]]["checkpoints"] == "2"
    assert rows[""]["name"] == "Tamu Walk-in"  # the walk-in has no NIP
    assert list(rows) == [p.nip or "" for p, _ in att.rows()]  # sorted by agency, unit, name


def test_formula_cells_are_neutralised_in_csv_and_xlsx() -> None:
    att = _made(
        [_person(1, **HOSTILE), _person(2, name="\tTab", unit="\rCR"), _person(3, name="Budi - Setda")]
    )
    [hostile, tab, plain] = _csv_rows(exports.to_csv(att))
    assert {k: hostile[k] for k in HOSTILE} == {k: "'" + v for k, v in HOSTILE.items()}
    assert (tab["name"], tab["unit"]) == ("'\tTab", "'\rCR")
    assert plain["name"] == "Budi - Setda"

    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(att)))
    cells = [c for row in book["Daftar Hadir"].iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert {"'" + v for v in HOSTILE.values()} - {"'" + HOSTILE["agency"]} <= texts
    assert "'+62 Pemkab Badung" in {c.value for c in book["Rekap Instansi"]["A"]}


def test_xlsx_survives_control_characters() -> None:
    att = _made([_person(1, name="Made\x00 Sudarma\x1b"), _person(2, name="\x00=1+1", unit="\x07")])
    sheet = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(att)))["Daftar Hadir"]
    assert [sheet["B2"].value, sheet["B3"].value, sheet["D3"].value] == ["Made Sudarma", "'=1+1", None]
    assert sheet["B3"].data_type == "s"


async def test_xlsx_has_the_records_and_a_recap_per_agency(db_url: str, world: AttendanceWorld) -> None:
    att = await _attendance(db_url, world)
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(att)))
    assert book.sheetnames == ["Daftar Hadir", "Rekap Instansi", "Rekap Unit Kerja"]
    records = list(book["Daftar Hadir"].values)
    assert records[0] == exports.HEADER and len(records) == 12
    venue = next(r for r in records if r[0] == world.nips["venue"])
    assert venue[7] == datetime(2023, 8, 21, 7, 45)  # local wall time, as Excel shows it
    recap = list(book["Rekap Instansi"].values)
    summary = att.summary()
    assert recap[0][0] == "Instansi / Agency"
    expected = [
        (g.agency or "(tanpa instansi)", g.expected, g.present_offline, g.present_online, g.partial, g.absent)
        for g in summary.by_agency
    ]
    assert [tuple(r[:6]) for r in recap[1:-1]] == expected
    assert recap[-1][:6] == ("Jumlah / Total", 11, 4, 3, 2, 2)
    assert recap[-1][6] == pytest.approx(7 / 11, abs=1e-4)
    assert book["Rekap Instansi"].cell(len(recap), 7).number_format == "0.0%"
    units = list(book["Rekap Unit Kerja"].values)
    assert sum(r[2] for r in units[1:]) == 11


async def test_pdf_is_an_indonesian_daftar_hadir_with_a_recap(db_url: str, world: AttendanceWorld) -> None:
    att = await _attendance(db_url, world)
    reader = PdfReader(io.BytesIO(exports.render(att, "pdf").data))
    first = reader.pages[0].extract_text()
    assert "DAFTAR HADIR PESERTA" in first and "Literasi Digital ASN Provinsi Bali 2023" in first
    assert "Senin, 21 Agustus 2023" in first and "08.00–12.00 WITA" in first
    assert "Jumlah peserta 11" in first and "hadir 7 (luring 4, daring 3)" in first
    assert "Sementara" in first and "Tamu Walk-in" in first and "Tidak hadir" in first
    last = reader.pages[-1].extract_text()
    assert "REKAP KEHADIRAN PER INSTANSI" in last and "JUMLAH" in last and "63,6 %" in last
    n = len(reader.pages)
    assert f"Halaman 1 dari {n}" in first and f"Halaman {n} dari {n}" in last


def test_pdf_wraps_long_names_and_numbers_its_pages() -> None:
    long_name = "Anak Agung Ngurah Gede Wiradharma Putra Mahendra Kusuma Jayaningrat, S.Kom., M.Kom."
    people = [_person(n) for n in range(1, 400)] + [_person(400, name=long_name)]
    att = _made(people, present=set(range(1, 300)))
    reader = PdfReader(io.BytesIO(exports.render(att, "pdf").data))
    n = len(reader.pages)
    assert n >= 6
    assert all(f"Halaman {i} dari {n}" in page.extract_text() for i, page in enumerate(reader.pages, 1))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Jumlah peserta 400 · hadir 299 (luring 299, daring 0)" in reader.pages[0].extract_text()
    lines = [line for page in reader.pages for line in page.extract_text().splitlines()]
    assert not any(long_name in line for line in lines)  # wrapped over several lines, none lost:
    assert all(word in text for word in long_name.split())


async def test_file_names_say_what_they_hold(db_url: str, world: AttendanceWorld) -> None:
    att = await _attendance(db_url, world)
    files = {fmt: exports.render(att, fmt) for fmt in ("csv", "xlsx", "pdf")}
    assert files["csv"].filename == "daftar-hadir_bali-2023_K1_2023-08-21.csv"
    assert files["xlsx"].data[:2] == b"PK" and files["pdf"].data[:5] == b"%PDF-"


def _eventops(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EVENTOPS_DATABASE_URL": db_url}
    return subprocess.run(
        [sys.executable, "-m", "eventops.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


async def test_cli_export_writes_the_same_files(db_url: str, world: AttendanceWorld, tmp_path: Path) -> None:
    att = await _attendance(db_url, world)
    for fmt in ("csv", "xlsx", "pdf"):
        out = tmp_path / f"hadir.{fmt}"
        done = _eventops(db_url, "export", world.slug, "K1", "--format", fmt, "--out", str(out))
        assert done.returncode == 0, done.stderr
        assert f"daftar-hadir_bali-2023_K1_2023-08-21.{fmt}" in done.stdout
    assert (tmp_path / "hadir.csv").read_bytes() == exports.to_csv(att)
    assert len(list(openpyxl.load_workbook(tmp_path / "hadir.xlsx")["Daftar Hadir"].values)) == 12
    assert "DAFTAR HADIR" in PdfReader(tmp_path / "hadir.pdf").pages[0].extract_text()
    missing = _eventops(db_url, "export", world.slug, "K9", "--format", "csv", "--out", str(tmp_path / "x"))
    assert missing.returncode == 1 and "no batch" in missing.stderr
