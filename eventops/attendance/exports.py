"""The organisers' downloads of a batch's attendance: CSV (the contract's columns), XLSX and PDF."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from sqlmodel.ext.asyncio.session import AsyncSession

from eventops.attendance.recap import NO_AGENCY, NO_UNIT, GroupSummary
from eventops.attendance.records import BatchAttendance, batch_attendance
from eventops.errors import BadRequest, ErrorCode
from eventops.timeutil import zone

HEADER = (
    "nip",
    "name",
    "agency",
    "unit",
    "batch",
    "status",
    "mode",
    "checked_in_at",
    "online_minutes",
    "checkpoints",
    "first_seen",
    "last_seen",
    "sources",
    "flags",
)
# A spreadsheet reads a cell starting with one of these as a formula (or strips it into one).
FORMULA_STARTS = frozenset("=+-@\t\r")
RECAP_HEADER = (
    "Instansi / Agency",
    "Peserta / Expected",
    "Hadir luring / Present offline",
    "Hadir daring / Present online",
    "Sebagian / Partial",
    "Tidak hadir / Absent",
    "Kehadiran / Attendance %",
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: str) -> str:
    """A text cell that no spreadsheet runs as a formula: a leading `'` when it starts like one."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


def local_iso(value: datetime | None, tz: str) -> str:
    """ISO 8601 in the event's zone, to the second; empty for no value."""
    return value.astimezone(zone(tz)).replace(microsecond=0).isoformat() if value else ""


def record_cells(
    attendance: BatchAttendance,
    when: Callable[[datetime | None], Any],
    text: Callable[[str], str] = neutralise,
) -> Iterator[list[Any]]:
    """One list of cells per record in `HEADER` order; `when` renders times, `text` the roster's texts."""
    code = text(attendance.batch.code)
    for person, r in attendance.rows():
        yield [
            text(person.nip or ""),
            text(person.name),
            text(person.agency),
            text(person.unit),
            code,
            r.status,
            r.mode or "",
            when(r.checked_in_at),
            r.online_minutes,
            r.checkpoints,
            when(r.first_seen),
            when(r.last_seen),
            ";".join(r.sources),
            ";".join(r.flags),
        ]


def to_csv(attendance: BatchAttendance) -> bytes:
    """The attendance CSV of the contract: UTF-8, one row per record, times in the event's zone."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    tz = attendance.event.timezone
    writer.writerows(record_cells(attendance, lambda value: local_iso(value, tz)))
    return out.getvalue().encode("utf-8")


def _xlsx_text(value: str) -> str:
    # openpyxl refuses control characters in strings, and a roster cell must never make the download fail.
    # They go before neutralising: "\x00=1+1" would otherwise become a formula once cleaned.
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))


def _recap_cells(sheet: Any, group: GroupSummary, label: str) -> list[Any]:
    share = WriteOnlyCell(sheet, value=round(group.attendance_pct / 100, 4))
    share.number_format = "0.0%"
    return [
        _xlsx_text(label),
        group.expected,
        group.present_offline,
        group.present_online,
        group.partial,
        group.absent,
        share,
    ]


def to_xlsx(attendance: BatchAttendance) -> bytes:
    """A workbook: the records (the CSV's columns), a recap per agency and one per agency and unit."""
    tz = zone(attendance.event.timezone)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Daftar Hadir")
    widths = (20, 36, 30, 30, 8, 9, 9, 20, 9, 9, 20, 20, 16, 20)
    for column, width in zip("ABCDEFGHIJKLMN", widths, strict=True):
        sheet.column_dimensions[column].width = width
    sheet.append(list(HEADER))

    def local(value: datetime | None) -> datetime | None:
        # Excel has no time zones: the event's local wall time, as the CSV shows it.
        return value.astimezone(tz).replace(tzinfo=None, microsecond=0) if value else None

    for cells in record_cells(attendance, local, _xlsx_text):
        sheet.append(cells)

    summary = attendance.summary()
    by_agency = book.create_sheet("Rekap Instansi")
    by_agency.column_dimensions["A"].width = 40
    by_agency.append(list(RECAP_HEADER))
    for group in summary.by_agency:
        by_agency.append(_recap_cells(by_agency, group, group.agency or NO_AGENCY))
    by_agency.append(_recap_cells(by_agency, summary.overall, "Jumlah / Total"))

    by_unit = book.create_sheet("Rekap Unit Kerja")
    by_unit.column_dimensions["A"].width = 40
    by_unit.column_dimensions["B"].width = 40
    by_unit.append([RECAP_HEADER[0], "Unit kerja / Unit", *RECAP_HEADER[1:]])
    for group in summary.by_unit:
        agency = _xlsx_text(group.agency or NO_AGENCY)
        by_unit.append([agency, *_recap_cells(by_unit, group, group.unit or NO_UNIT)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class ExportFile:
    """A download: its bytes, a file name and a Content-Type."""

    data: bytes
    filename: str
    content_type: str


def _pdf(attendance: BatchAttendance) -> bytes:
    from eventops.attendance.export_pdf import to_pdf  # fpdf2 and the fonts load only when a PDF is asked for

    return to_pdf(attendance)


FORMATS: dict[str, tuple[str, Callable[[BatchAttendance], bytes]]] = {
    "csv": ("text/csv; charset=utf-8", to_csv),
    "xlsx": (XLSX_TYPE, to_xlsx),
    "pdf": ("application/pdf", _pdf),
}


def file_name(attendance: BatchAttendance, fmt: str) -> str:
    """`daftar-hadir_bali-2023_K1_2023-08-21.csv`: slug and code are ASCII by construction."""
    day = attendance.batch.starts_at.astimezone(zone(attendance.event.timezone)).date()
    return f"daftar-hadir_{attendance.event.slug}_{attendance.batch.code}_{day.isoformat()}.{fmt}"


def render(attendance: BatchAttendance, fmt: str) -> ExportFile:
    """The download of `attendance` in a format (csv, xlsx or pdf)."""
    if fmt not in FORMATS:
        raise BadRequest(f"unknown format {fmt!r}: use csv, xlsx or pdf", code=ErrorCode.BAD_FORMAT)
    content_type, write = FORMATS[fmt]
    return ExportFile(write(attendance), file_name(attendance, fmt), content_type)


async def export_batch(session: AsyncSession, event_slug: str, code: str, fmt: str) -> ExportFile:
    """Load the batch's attendance (frozen or live) and render it; rendering runs off the event loop."""
    if fmt not in FORMATS:
        raise BadRequest(f"unknown format {fmt!r}: use csv, xlsx or pdf", code=ErrorCode.BAD_FORMAT)
    attendance = await batch_attendance(session, event_slug, code)
    return await asyncio.to_thread(render, attendance, fmt)
