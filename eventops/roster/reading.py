"""Reading roster files (CSV in any common encoding, or the first sheet of an XLSX): rows, header, columns."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TypeVar

from eventops.errors import ErrorCode, Invalid
from eventops.roster.issues import IssueCode

REQUIRED_COLUMNS = ("nip", "name", "agency", "batch")

# Excel's own sheet size: a row number beyond it only comes from a hand-made (hostile) file.
EXCEL_MAX_ROWS = 1_048_576
MAX_COLUMNS = 100
# The header is searched in the first rows (agencies put a title or a blank line above it), and the width of
# those rows bounds the columns read afterwards.
HEADER_SEARCH_ROWS = 10
# A zip bomb dressed as XLSX is refused before any XML is parsed; a 100,000-row roster unpacks to ~100 MB.
MAX_XLSX_UNPACKED = 512 * 1024 * 1024
XLSX_CHUNK = 1000

Cell = str | int | float | None
T = TypeVar("T")
NumberedRow = tuple[int, tuple[Cell, ...]]

_ZIP_MAGIC = b"PK"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DELIMITERS = (",", ";", "\t")

_ALIASES = {
    "nip": ("nip", "nip baru"),
    "name": ("name", "nama", "nama lengkap", "nama peserta", "full name"),
    "agency": ("agency", "instansi", "nama instansi"),
    "unit": ("unit", "unit kerja", "opd", "perangkat daerah"),
    "email": ("email", "e mail", "surel", "alamat email"),
    "phone": (
        "phone",
        "no hp",
        "nomor hp",
        "hp",
        "telepon",
        "no telepon",
        "nomor telepon",
        "no telp",
        "whatsapp",
        "no wa",
        "nomor wa",
        "no whatsapp",
        "nomor whatsapp",
        "no hp wa",
    ),
    "batch": ("batch", "kelompok", "angkatan", "gelombang"),
    "mode": ("mode", "moda", "mode kehadiran", "moda kehadiran"),
}
_HEADER_NOISE = re.compile(r"[^0-9a-z]+")
HEADERS = {
    _HEADER_NOISE.sub(" ", alias).strip(): column for column, names in _ALIASES.items() for alias in names
}

# Control and invisible format characters (zero-width, bidi overrides, BOM, soft hyphen, tags) are dropped;
# whitespace of any kind then collapses to one space.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)


class RosterFileError(Invalid):
    """The file as a whole cannot be read as a roster; `code` says why."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(
            message, code=code, details=[{"row": 0, "column": "", "code": code, "message": message}]
        )


@dataclass(frozen=True, slots=True)
class RowIssue:
    """A problem at a row (1 is the header) and a canonical column ("" for the whole row or file): its code,
    a bilingual message, and the values the message names (`params`, for a page to say it in its language)."""

    row: int
    column: str
    code: IssueCode
    message: str
    params: Mapping[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Table:
    """A roster sheet located: its header row, where each known column is, header problems, the rows after."""

    header_row: int
    columns: dict[str, int]
    problems: tuple[RowIssue, ...]
    rows: Iterator[NumberedRow]


def _unreadable(what: str, filename: str | None) -> RosterFileError:
    name = f"{filename!r}: " if filename else ""
    return RosterFileError(
        ErrorCode.UNREADABLE_FILE,
        f"{name}berkas tidak dapat dibaca sebagai daftar peserta ({what}); unggah CSV atau XLSX"
        f" / the file cannot be read as a roster ({what}); upload CSV or XLSX",
    )


def too_many_rows(limit: int) -> RosterFileError:
    """The error of a file longer than `limit` rows."""
    return RosterFileError(
        ErrorCode.TOO_MANY_ROWS,
        f"lebih dari {limit:_} baris (baris kosong ikut dihitung); bagi berkasnya".replace("_", ".")
        + f" / more than {limit:,} rows (blank rows count too): split the file",
    )


def read_rows(
    data: bytes, filename: str | None = None, max_rows: int = EXCEL_MAX_ROWS, limit: int | None = None
) -> Iterator[NumberedRow]:
    """Yield (spreadsheet row number, cells) for every row, blank ones too, and stop with `too_many_rows`
    (naming `limit`, else `max_rows`) past row `max_rows`: a hostile file of blank rows is never read to its
    end. Raises only RosterFileError."""
    if data.startswith(_OLE_MAGIC):
        raise _unreadable("format .xls lama, simpan sebagai .xlsx / old .xls format, save as .xlsx", filename)
    if data.startswith(_ZIP_MAGIC):
        rows = _xlsx_rows(data, filename)
    else:
        rows = _csv_rows(decode_text(data, filename), filename)
    return _bounded(rows, max_rows, max_rows if limit is None else limit)


def _bounded(rows: Iterator[NumberedRow], max_rows: int, limit: int) -> Iterator[NumberedRow]:
    for number, cells in rows:
        if number > max_rows:
            raise too_many_rows(limit)
        yield number, cells


def decode_text(data: bytes, filename: str | None = None) -> str:
    """Decode CSV bytes: UTF-16 or UTF-8 by BOM, else UTF-8, else Windows-1252; refuse binary content."""
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        elif data.startswith(codecs.BOM_UTF8):
            text = _utf8_or_cp1252(data[len(codecs.BOM_UTF8) :])
        else:
            text = _utf8_or_cp1252(data)
    except UnicodeDecodeError:
        raise _unreadable("bukan teks / not text", filename) from None
    sample = text[:65536]
    # Stray control characters in a few cells are stripped later; many of them, or any NUL, mean binary.
    if "\x00" in sample or len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise _unreadable("berisi data biner / contains binary data", filename)
    return text


def _utf8_or_cp1252(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def sniff_delimiter(text: str) -> str:
    """The separator of the first line that has one: the most frequent of `,` `;` and tab (`,` on a tie)."""
    for line in text[:65536].splitlines()[:HEADER_SEARCH_ROWS]:
        counts = [(line.count(d), -i, d) for i, d in enumerate(_DELIMITERS)]
        best = max(counts)
        if best[0]:
            return best[2]
    return ","


def _csv_rows(text: str, filename: str | None) -> Iterator[NumberedRow]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        # A quoted cell may span lines; Excel shows each record as one row, so the record count is the row.
        for number, record in enumerate(reader, start=1):
            yield number, tuple(record[:MAX_COLUMNS])
    except csv.Error as exc:
        raise _unreadable(f"CSV rusak / broken CSV: {exc}", filename) from None


def _check_zip(data: bytes, filename: str | None) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise _unreadable("ZIP rusak / broken ZIP", filename) from None
    if "mimetype" in names and "[Content_Types].xml" not in names:
        raise _unreadable("format ODS, simpan sebagai .xlsx / ODS format, save as .xlsx", filename)
    if "[Content_Types].xml" not in names:
        raise _unreadable("ZIP ini bukan XLSX / this ZIP is not an XLSX workbook", filename)
    if unpacked > MAX_XLSX_UNPACKED:
        raise _unreadable("terlalu besar setelah dibuka / too large when unpacked", filename)


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str | float):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _width(rows: Sequence[tuple[object, ...]]) -> int:
    widest = 0
    for row in rows:
        filled = [i for i, value in enumerate(row) if value is not None and str(value).strip()]
        if filled:
            widest = max(widest, filled[-1] + 1)
    return min(widest, MAX_COLUMNS)


def _quietly(filename: str | None, work: Callable[[], T]) -> T:
    """Run a piece of openpyxl work: its warnings silenced, any failure turned into RosterFileError."""
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it drops; they do not matter for reading values.
            warnings.simplefilter("ignore")
            return work()
    except RosterFileError:
        raise
    except Exception as exc:  # openpyxl fails in many ways on hostile files; all mean "unreadable"
        raise _unreadable(f"XLSX rusak / broken XLSX: {type(exc).__name__}", filename) from None


def _xlsx_rows(data: bytes, filename: str | None) -> Iterator[NumberedRow]:
    _check_zip(data, filename)
    import openpyxl  # imported here: only XLSX uploads pay for it

    book = _quietly(
        filename, lambda: openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    )
    try:
        if not book.worksheets:
            raise _unreadable("tidak ada lembar kerja / no worksheet", filename)
        sheet = book.worksheets[0]
        # Some writers store a wrong sheet size; read what is there instead.
        sheet.reset_dimensions()
        top = _quietly(
            filename,
            lambda: list(sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, max_col=MAX_COLUMNS, values_only=True)),
        )
        width = _width(top)
        if width == 0:
            return
        rows = sheet.iter_rows(max_col=width, values_only=True)
        number = 0
        # Rows are pulled in chunks so that the warning filter is never left switched while suspended.
        while chunk := _quietly(filename, lambda: list(itertools.islice(rows, XLSX_CHUNK))):
            for row in chunk:
                number += 1
                yield number, tuple(_cell(value) for value in row)
    finally:
        book.close()


def header_column(text: str) -> str | None:
    """The canonical column a header cell names (case, spacing and punctuation ignored), or None."""
    return HEADERS.get(_HEADER_NOISE.sub(" ", clean_text(text).lower()).strip())


def clean_text(cell: Cell) -> str:
    """A cell as text: numbers without a spurious `.0`, control characters dropped, whitespace collapsed."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        text = str(int(cell)) if cell.is_integer() and abs(cell) < 1e16 else repr(cell)
    else:
        text = str(cell)
    return " ".join(_INVISIBLE.sub("", text).split())


def _header(rows: Iterator[NumberedRow]) -> tuple[int, tuple[Cell, ...], list[NumberedRow]]:
    """Find the header among the first non-blank rows: the first naming two known columns, else the first."""
    seen: list[NumberedRow] = []
    for number, cells in rows:
        if any(clean_text(cell) for cell in cells):
            seen.append((number, cells))
            if sum(header_column(str(cell)) is not None for cell in cells if cell is not None) >= 2:
                return number, cells, []
            if len(seen) == HEADER_SEARCH_ROWS:
                break
    if not seen:
        raise RosterFileError(ErrorCode.EMPTY_FILE, "berkas kosong / the file is empty")
    (number, cells), *after = seen
    return number, cells, after


def _columns(header_row: int, cells: Sequence[Cell]) -> tuple[dict[str, int], list[RowIssue]]:
    index: dict[str, int] = {}
    written: dict[str, str] = {}
    errors: list[RowIssue] = []
    for position, cell in enumerate(cells):
        text = clean_text(cell)
        column = header_column(text)
        if column is None:
            continue
        if column in index:
            errors.append(
                RowIssue(
                    header_row,
                    column,
                    IssueCode.DUPLICATE_COLUMN,
                    f"kolom {written[column]!r} dan {text!r} sama-sama berarti {column}; hapus salah satu"
                    f" / columns {written[column]!r} and {text!r} both mean {column}: remove one",
                    {"first": written[column], "second": text},
                )
            )
            continue
        index[column] = position
        written[column] = text
    for column in REQUIRED_COLUMNS:
        if column not in index:
            aliases = ", ".join(_ALIASES[column])
            errors.append(
                RowIssue(
                    header_row,
                    column,
                    IssueCode.MISSING_COLUMN,
                    f"kolom {column} tidak ada (nama yang diterima: {aliases})"
                    f" / column {column} is missing (accepted names: {aliases})",
                    {"aliases": aliases},
                )
            )
    return index, errors


def read_table(data: bytes, filename: str | None = None, max_rows: int = EXCEL_MAX_ROWS) -> Table:
    """Decode a roster file and locate its header and columns; raises only RosterFileError.

    At most `max_rows` rows under the header, blank ones included (and HEADER_SEARCH_ROWS above it).
    """
    rows = read_rows(data, filename, max_rows + HEADER_SEARCH_ROWS, limit=max_rows)
    header_row, header, after = _header(rows)
    columns, problems = _columns(header_row, header)
    return Table(header_row, columns, tuple(problems), itertools.chain(after, rows))
