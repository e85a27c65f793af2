"""The printable daftar hadir of a batch and its recap per agency and unit, in Indonesian (fpdf2)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path

from fpdf import FPDF

from eventops.attendance.recap import NO_AGENCY, NO_UNIT, GroupSummary, Summary
from eventops.attendance.records import BatchAttendance
from eventops.attendance.rules import AttendanceRecord
from eventops.i18n import format_date_id, format_datetime_id, format_int_id, format_percent_id, format_time_id
from eventops.roster.render import FONT_FAMILY, FONT_FILES, PT_TO_MM, clean_text, fit_lines, text_width
from eventops.timeutil import utcnow, zone

STATUS_ID = {"present": "Hadir", "partial": "Sebagian", "absent": "Tidak hadir"}
MODE_ID = {"offline": "Luring", "zoom": "Zoom", "youtube": "YouTube", "form": "Formulir"}

PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 12.0
BOTTOM = PAGE_H - 16.0
SIZE = 7.5
LINE_H = SIZE * PT_TO_MM * 1.25
PAD = 1.2
MAX_LINES = 5  # past this a cell ends in an ellipsis (names and offices only get near it)


@dataclass(frozen=True)
class Column:
    """A table column: its heading, width in mm, and whether its text is right-aligned."""

    title: str
    width: float
    right: bool = False


# Widths fit the longest fixed texts at 7.5 pt: an 18-digit NIP, "Tidak hadir", "YouTube", "08.05".
LIST_COLUMNS = (
    Column("No", 8, right=True),
    Column("Nama", 51),
    Column("NIP", 33),
    Column("Unit kerja", 36),
    Column("Status", 18),
    Column("Moda", 15),
    Column("Masuk", 12.5),
    Column("Menit daring", 12.5, right=True),
)
RECAP_COLUMNS = (
    Column("Instansi / Unit kerja", 66),
    Column("Peserta", 18, right=True),
    Column("Hadir luring", 20, right=True),
    Column("Hadir daring", 20, right=True),
    Column("Sebagian", 18, right=True),
    Column("Tidak hadir", 20, right=True),
    Column("Kehadiran", 24, right=True),
)


@contextmanager
def _font_paths() -> Iterator[dict[str, Path]]:
    folder = resources.files("eventops") / "static" / "fonts"
    with ExitStack() as stack:
        yield {
            style: stack.enter_context(resources.as_file(folder / name)) for style, name in FONT_FILES.items()
        }


class _Report(FPDF):
    """A4 pages with the batch's heading, a table heading repeated on each page, and page numbers."""

    def __init__(self, fonts: dict[str, Path], heading: list[str], printed: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_auto_page_break(auto=False)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_creator("eventops")
        self.set_lang("id")
        for style, path in fonts.items():
            self.add_font(FONT_FAMILY, style, path)
        self.heading = heading
        self.printed = printed
        self.title_text = ""
        self.columns: Sequence[Column] = LIST_COLUMNS
        self.current_group: str | None = None  # repeated, "(lanjutan)", at the top of the next page
        self.y_pos = MARGIN

    def header(self) -> None:
        """The title, the batch's lines and the current table's heading."""
        self.set_text_color(0)
        y = MARGIN + 5
        self.set_font(FONT_FAMILY, "B", 12)
        self.text(MARGIN, y, self.title_text)
        for text in self.heading:
            size, lines = fit_lines(clean_text(text), PAGE_W - 2 * MARGIN, 8, 6.5, 2)
            self.set_font(FONT_FAMILY, "", size)
            for line in lines:
                y += size * PT_TO_MM * 1.4
                self.text(MARGIN, y, line)
        y += 3
        titles = [c.title for c in self.columns]
        wrapped = self.wrap(titles, "B")
        height = max(len(lines) for lines in wrapped) * LINE_H + 2 * PAD
        self.set_fill_color(225)
        self.rect(MARGIN, y, PAGE_W - 2 * MARGIN, height, style="F")
        self.set_font(FONT_FAMILY, "B", SIZE)
        self.cells(wrapped, y, "B")
        self.y_pos = y + height
        if self.current_group is not None:
            self.group_row(f"{self.current_group} (lanjutan)")

    def footer(self) -> None:
        """Page x of n, and when the list was printed."""
        self.set_font(FONT_FAMILY, "", 7)
        self.set_text_color(90)
        self.text(MARGIN, PAGE_H - 9, clean_text(self.printed))
        # cell(), not text(): fpdf2 fills in the page total ({nb}) only in text laid out by cell().
        self.set_xy(PAGE_W - MARGIN - 40, PAGE_H - 11.5)
        self.cell(40, 3.5, f"Halaman {self.page_no()} dari {{nb}}", align="R")

    def wrap(self, texts: Sequence[str], style: str = "") -> list[tuple[str, ...]]:
        """Each cell's text in lines of its column's width (long texts wrap, at most MAX_LINES lines)."""
        return [
            fit_lines(clean_text(text), col.width - 2 * PAD, SIZE, SIZE, MAX_LINES, style)[1] if text else ()
            for text, col in zip(texts, self.columns, strict=True)
        ]

    def cells(self, wrapped: Sequence[Sequence[str]], top: float, style: str = "") -> None:
        """Draw one table row's wrapped cells at `top`."""
        x = MARGIN
        for lines, col in zip(wrapped, self.columns, strict=True):
            for n, line in enumerate(lines):
                left = x + col.width - PAD - text_width(line, SIZE, style) if col.right else x + PAD
                self.text(left, top + PAD + LINE_H * (n + 0.78), line)
            x += col.width

    def row(self, texts: Sequence[str], style: str = "", rule: bool = True) -> None:
        """A table row under the previous one, on a new page when it does not fit."""
        wrapped = self.wrap(texts, style)
        height = max(max(len(lines) for lines in wrapped), 1) * LINE_H + 2 * PAD
        if self.y_pos + height > BOTTOM:
            self.add_page()
        self.set_font(FONT_FAMILY, style, SIZE)
        self.cells(wrapped, self.y_pos, style)
        self.y_pos += height
        if rule:
            self.set_draw_color(200)
            self.set_line_width(0.1)
            self.line(MARGIN, self.y_pos, PAGE_W - MARGIN, self.y_pos)

    def group(self, label: str) -> None:
        """A full-width heading row (an agency), kept on the page of the row that follows it."""
        self.current_group = None
        if self.y_pos + 2 * (LINE_H + 2 * PAD) > BOTTOM:
            self.add_page()
        self.group_row(label)
        self.current_group = label

    def group_row(self, label: str) -> None:
        """Draw a group's heading row at the current position."""
        height = LINE_H + 2 * PAD
        self.set_fill_color(242)
        self.rect(MARGIN, self.y_pos, PAGE_W - 2 * MARGIN, height, style="F")
        self.set_font(FONT_FAMILY, "B", SIZE)
        self.text(MARGIN + PAD, self.y_pos + PAD + LINE_H * 0.78, clean_text(label))
        self.y_pos += height

    def section(self, title: str, columns: Sequence[Column]) -> None:
        """Start a new table on a new page."""
        self.title_text = title
        self.columns = columns
        self.current_group = None
        self.add_page()


def _list_cells(number: int, name: str, nip: str, unit: str, r: AttendanceRecord, tz: str) -> list[str]:
    return [
        str(number),
        name,
        nip,
        unit,
        STATUS_ID[r.status],
        MODE_ID[r.mode] if r.mode else "",
        format_time_id(r.checked_in_at, tz).split()[0] if r.checked_in_at else "",
        str(r.online_minutes) if r.online_minutes else "",
    ]


def _recap_cells(label: str, g: GroupSummary) -> list[str]:
    return [
        label,
        *(format_int_id(n) for n in (g.expected, g.present_offline, g.present_online, g.partial, g.absent)),
        format_percent_id(g.attendance_pct / 100),
    ]


def totals_line(summary: Summary) -> str:
    """`Jumlah peserta 5.000 · hadir 4.100 (luring 300, daring 3.800) · sebagian 200 · tidak hadir 700`."""
    o = summary.overall
    return (
        f"Jumlah peserta {format_int_id(o.expected)} · hadir {format_int_id(o.present)}"
        f" (luring {format_int_id(o.present_offline)}, daring {format_int_id(o.present_online)})"
        f" · sebagian {format_int_id(o.partial)} · tidak hadir {format_int_id(o.absent)}"
        f" · kehadiran {format_percent_id(o.attendance_pct / 100)}"
    )


def _heading(attendance: BatchAttendance, summary: Summary) -> list[str]:
    event, batch = attendance.event, attendance.batch
    tz = event.timezone
    start, end = format_time_id(batch.starts_at, tz), format_time_id(batch.ends_at, tz)
    when = f"{format_date_id(batch.starts_at.astimezone(zone(tz)).date())}, {start.split()[0]}–{end}"
    name = batch.name if batch.code in batch.name else f"Kelompok {batch.code} · {batch.name}"
    state = (
        f"Final, dikunci {format_datetime_id(batch.finalized_at, tz)}"
        if attendance.frozen and batch.finalized_at
        else "Sementara: belum difinalisasi"
    )
    return [
        event.name,
        " · ".join(part for part in (name, when, batch.venue) if part),
        f"{totals_line(summary)} · {state}",
    ]


def to_pdf(
    attendance: BatchAttendance,
    now: Callable[[], datetime] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The daftar hadir (one row per record, names wrapping) then the recap per agency and unit."""
    tz = attendance.event.timezone
    summary = attendance.summary()
    printed = f"Dicetak {format_datetime_id((now or utcnow)(), tz)} · eventops"
    with _font_paths() as fonts:
        pdf = _Report(fonts, _heading(attendance, summary), printed)
        pdf.set_title(f"Daftar hadir {attendance.event.name} {attendance.batch.code}")
        pdf.section("DAFTAR HADIR PESERTA", LIST_COLUMNS)
        agency: str | None = None
        # The service sorts by agency already; the stable sort only guards the grouping.
        rows = sorted(attendance.rows(), key=lambda row: row[0].agency.casefold())
        for number, (person, record) in enumerate(rows, start=1):
            if person.agency != agency:  # one heading row per agency
                agency = person.agency
                pdf.group(agency or NO_AGENCY)
            pdf.row(_list_cells(number, person.name, person.nip or "-", person.unit, record, tz))
            if progress is not None:
                progress(number, len(rows))
        if not attendance.records:
            pdf.row(["", "Belum ada peserta di kelompok ini.", "", "", "", "", "", ""], rule=False)
        pdf.section("REKAP KEHADIRAN PER INSTANSI", RECAP_COLUMNS)
        units: dict[str, list[GroupSummary]] = {}
        for group in summary.by_unit:
            units.setdefault(group.agency, []).append(group)
        for totals in summary.by_agency:
            pdf.row(_recap_cells(totals.agency or NO_AGENCY, totals), style="B")
            for unit in units.get(totals.agency, []):
                pdf.row(_recap_cells(f"– {unit.unit or NO_UNIT}", unit))
        pdf.row(_recap_cells("JUMLAH", summary.overall), style="B")
        return bytes(pdf.output())
