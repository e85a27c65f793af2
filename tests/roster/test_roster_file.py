"""Tests for the roster file parser: formats, encodings, headers, every row check, hostile input."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Sequence

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventops.errors import Invalid
from eventops.roster.reading import HEADERS
from eventops.roster.validation import ParsedRoster, RosterFileError, RosterRow, RowIssue, parse_roster
from tests.rosters import (
    INDONESIAN,
    RosterRecord,
    changed,
    csv_bytes,
    make_rows,
    roster_csv,
    to_csv,
    to_table,
    to_xlsx,
    xlsx_bytes,
)

NIP_A = "198503122010011003"
NIP_B = "199001052015032011"


def parsed(data: bytes) -> ParsedRoster:
    """Parse, failing the test on a file-level error."""
    return parse_roster(data, filename="peserta.csv")


def codes(issues: Sequence[RowIssue]) -> list[tuple[int, str, str]]:
    """(row, column, code) of each issue, the part clients branch on."""
    return [(i.row, i.column, i.code) for i in issues]


def file_error(data: bytes) -> RosterFileError:
    """The file-level error a parse raises."""
    with pytest.raises(RosterFileError) as caught:
        parse_roster(data)
    return caught.value


def assert_same(row: RosterRow, record: RosterRecord) -> None:
    """A parsed row carries what the generated record says."""
    assert (row.nip, row.name, row.agency, row.unit, row.batch, row.mode) == (
        record.nip,
        record.name,
        record.agency,
        record.unit,
        record.batch,
        record.mode,
    )
    assert row.email == (record.email.lower() or None)
    assert (row.phone is None) == (record.phone == "")


# --- clean files in every format


def test_clean_5000_row_csv_parses_without_errors() -> None:
    records = make_rows(5000)
    result = parsed(to_csv(records))
    assert result.ok and result.errors == () and result.warnings == ()
    assert len(result.rows) == 5000
    assert [r.row for r in result.rows] == list(range(2, 5002))
    for row, record in zip(result.rows, records, strict=True):
        assert_same(row, record)
    assert {r.batch for r in result.rows} == {"K1", "K2"}
    assert all(r.phone.startswith("+628") for r in result.rows if r.phone)


def test_generator_is_deterministic_and_realistic() -> None:
    assert make_rows(50, seed=7) == make_rows(50, seed=7)
    assert make_rows(50, seed=7) != make_rows(50, seed=8)
    records = make_rows(2000)
    assert len({r.nip for r in records}) == 2000
    assert {r.mode for r in records} == {"offline", "online"}
    assert any(r.name.startswith(("I ", "Ni ")) for r in records)
    assert any(", S." in r.name for r in records)
    assert any(r.email == "" for r in records) and any(r.phone == "" for r in records)


def test_xlsx_parses_like_csv() -> None:
    records = make_rows(1000, batches=("K3", "K4"), seed=1)
    result = parse_roster(to_xlsx(records), filename="peserta.xlsx")
    assert result.ok and len(result.rows) == 1000
    for row, record in zip(result.rows, records, strict=True):
        assert_same(row, record)


def test_format_is_told_by_content_not_by_name() -> None:
    records = make_rows(5)
    assert len(parse_roster(to_xlsx(records), filename="peserta.csv", content_type="text/csv").rows) == 5
    assert len(parse_roster(to_csv(records), filename="peserta.xlsx").rows) == 5


def test_semicolon_file_with_bom() -> None:
    records = make_rows(200, seed=2)
    result = parsed(to_csv(records, sep=";", bom=True))
    assert result.ok and len(result.rows) == 200
    # Names contain commas ("…, S.Pd., M.Si."): a wrong separator would split them.
    assert [r.name for r in result.rows] == [r.name for r in records]


def test_windows_1252_file_keeps_accented_names() -> None:
    records = changed(make_rows(3, seed=3), 0, name="Ni Luh Putu Ayu Setiawatí")
    records = changed(records, 2, name="José Gonçalves, S.Kom.", unit="Dinas Pariwisata – Bidang Promosi")
    data = to_csv(records, sep=";", encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = parsed(data)
    assert result.ok
    assert [r.name for r in result.rows][::2] == ["Ni Luh Putu Ayu Setiawatí", "José Gonçalves, S.Kom."]
    assert result.rows[2].unit == "Dinas Pariwisata – Bidang Promosi"


def test_excel_unicode_text_export_is_read() -> None:
    # Excel's "Unicode Text": UTF-16 with a BOM, tab-separated.
    text = "\r\n".join("\t".join(row) for row in to_table(make_rows(4, seed=4)))
    result = parsed(text.encode("utf-16"))
    assert result.ok and len(result.rows) == 4


def test_indonesian_headers_mode_words_and_unknown_columns() -> None:
    records = make_rows(300, seed=5)
    data = to_csv(records, sep=";", layout=INDONESIAN)
    assert data.startswith(
        b"No;NIP;Nama Lengkap;Jabatan;Golongan;Instansi;Unit Kerja;Email;No HP;Kelompok;Moda"
    )
    result = parsed(data)
    assert result.ok and len(result.rows) == 300
    for row, record in zip(result.rows, records, strict=True):
        assert_same(row, record)


def test_indonesian_xlsx_is_read() -> None:
    records = make_rows(50, seed=6)
    result = parsed(to_xlsx(records, layout=INDONESIAN))
    assert result.ok and [r.nip for r in result.rows] == [r.nip for r in records]


@pytest.mark.parametrize(
    "header",
    [
        ("NIP", "Nama", "Instansi", "OPD", "E-mail", "No_HP", "Angkatan", "MODE"),
        (" nip ", "NAMA  LENGKAP", " Instansi", "unit_kerja", "Surel", "No. HP", "Gelombang", "Moda"),
        ("Nip", "nama_lengkap", "AGENCY", "Unit Kerja", "email", "WhatsApp", "kelompok", "moda"),
        ("nip", "name", "agency", "unit", "email", "telepon", "batch", "mode"),
    ],
)
def test_header_aliases_case_and_spacing(header: Sequence[str]) -> None:
    data = roster_csv(
        (
            NIP_A,
            "I Made Sudarma",
            "Pemprov Bali",
            "Diskominfos",
            "Made@Example.ID",
            "0812 3456 7890",
            "K1",
            "",
        ),
        header=header,
    )
    (row,) = parsed(data).rows
    assert row == RosterRow(
        2,
        NIP_A,
        "I Made Sudarma",
        "Pemprov Bali",
        "Diskominfos",
        "made@example.id",
        "+6281234567890",
        "K1",
        "online",
    )


def test_every_alias_maps_to_a_roster_column() -> None:
    assert set(HEADERS.values()) == {"nip", "name", "agency", "unit", "email", "phone", "batch", "mode"}


def test_optional_columns_may_be_absent() -> None:
    data = roster_csv(
        (NIP_A, "Suparman", "Pemkab Badung", "K2"), header=("nip", "nama", "instansi", "kelompok")
    )
    (row,) = parsed(data).rows
    assert (row.unit, row.email, row.phone, row.mode) == ("", None, None, "online")


def test_title_rows_above_the_header_are_skipped() -> None:
    table = [
        ["DAFTAR PESERTA LITERASI DIGITAL ASN", "", ""],
        ["Pemerintah Kabupaten Badung", "", ""],
        [],
        ["NIP", "Nama", "Instansi", "Kelompok"],
        [NIP_A, "Suparman", "Pemkab Badung", "K2"],
    ]
    for data in (csv_bytes(table, sep=";"), xlsx_bytes(table)):
        result = parsed(data)
        assert [(r.row, r.name) for r in result.rows] == [(5, "Suparman")]


def test_xlsx_reads_the_first_sheet_only() -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    for row in to_table(make_rows(3, seed=9)):
        first.append(row)
    other = book.create_sheet("Rekap")
    other.append(["nip", "name", "agency", "batch"])
    other.append(["bukan NIP", "", "", ""])
    book.active = 1
    out = io.BytesIO()
    book.save(out)
    result = parsed(out.getvalue())
    assert result.ok and len(result.rows) == 3


def test_xlsx_with_a_wrong_stored_size_is_read_whole() -> None:
    # Some spreadsheet writers store a sheet size of A1:A1 whatever the content.
    original = to_xlsx(make_rows(4, seed=10))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                content = re.sub(rb"<dimension [^>]*>", b"", content)
                content = content.replace(b"<sheetData>", b'<dimension ref="A1:A1"/><sheetData>')
            target.writestr(info, content)
    result = parsed(out.getvalue())
    assert result.ok and len(result.rows) == 4


# --- the header


def test_missing_required_columns_are_reported_on_the_header_row() -> None:
    data = roster_csv(("Suparman", "Diskominfo", "x@y.id"), header=("Nama", "Unit Kerja", "Email"))
    result = parsed(data)
    assert codes(result.errors) == [
        (1, "nip", "missing_column"),
        (1, "agency", "missing_column"),
        (1, "batch", "missing_column"),
    ]
    assert result.rows == ()
    assert "kelompok" in result.errors[2].message  # the accepted names are listed


def test_two_columns_with_the_same_meaning_are_an_error() -> None:
    data = roster_csv(
        (NIP_A, "Made", "Made S", "Pemprov Bali", "K1"),
        header=("NIP", "Nama", "Nama Lengkap", "Instansi", "Kelompok"),
    )
    assert codes(parsed(data).errors) == [(1, "name", "duplicate_column")]


# --- every kind of bad row


@pytest.mark.parametrize(
    ("field", "value", "column", "code"),
    [
        ("nip", "", "nip", "required"),
        ("nip", "19850312201001100", "nip", "nip_length"),
        ("nip", "19850312201001100X", "nip", "nip_digits"),
        ("nip", "198513122010011003", "nip", "nip_birth_date"),
        ("nip", "198503122010015003", "nip", "nip_sex"),
        ("nip", "1.98503E+17", "nip", "nip_excel_number"),
        ("nip", "198503122010011000.0", "nip", "nip_excel_number"),
        ("name", "", "name", "required"),
        ("name", "   ", "name", "required"),
        ("name", "A" * 201, "name", "too_long"),
        ("agency", "", "agency", "required"),
        ("unit", "U" * 201, "unit", "too_long"),
        ("email", "budi@", "email", "email_invalid"),
        ("email", "budi.example.com", "email", "email_invalid"),
        ("email", "budi@@example.com", "email", "email_invalid"),
        ("email", "budi @example.com", "email", "email_invalid"),
        ("email", "budi@localhost", "email", "email_invalid"),
        ("phone", "12345", "phone", "phone_invalid"),
        ("phone", "0812", "phone", "phone_invalid"),
        ("phone", "+1 555 123 4567", "phone", "phone_invalid"),
        ("phone", "0812-3456-7890 / 0813", "phone", "phone_invalid"),
        ("phone", "0812345678901234", "phone", "phone_invalid"),
        ("batch", "", "batch", "required"),
        ("batch", "K" * 51, "batch", "too_long"),
        ("mode", "hybrid", "mode", "mode_invalid"),
    ],
)
def test_bad_cell_gives_its_code_row_and_column(field: str, value: str, column: str, code: str) -> None:
    records = changed(make_rows(3, seed=11), 1, **{field: value})
    result = parsed(to_csv(records))
    assert codes(result.errors) == [(3, column, code)]
    assert result.errors[0].message
    assert [r.row for r in result.rows] == [2, 4]


def test_all_errors_are_collected_in_row_order() -> None:
    records = make_rows(10, seed=12)
    records = changed(records, 1, nip="123", email="x@")
    records = changed(records, 4, name="", batch="")
    records = changed(records, 8, mode="zoom")
    result = parsed(to_csv(records))
    assert codes(result.errors) == [
        (3, "nip", "nip_length"),
        (3, "email", "email_invalid"),
        (6, "name", "required"),
        (6, "batch", "required"),
        (10, "mode", "mode_invalid"),
    ]
    assert len(result.rows) == 7


def test_duplicate_nip_names_the_first_row() -> None:
    records = make_rows(6, seed=13)
    records = changed(
        records, 4, nip=" ".join((records[1].nip[:8], records[1].nip[8:14], records[1].nip[14:]))
    )
    result = parsed(to_csv(records))
    assert codes(result.errors) == [(6, "nip", "nip_duplicate")]
    assert "baris 3" in result.errors[0].message and "row 3" in result.errors[0].message


def test_scientific_notation_in_a_semicolon_csv() -> None:
    records = changed(changed(make_rows(3), 0, nip="1,98503E+17"), 2, nip="1.98503E+17")
    result = parsed(to_csv(records, sep=";"))
    assert codes(result.errors) == [(2, "nip", "nip_excel_number"), (4, "nip", "nip_excel_number")]


def test_xlsx_nip_stored_as_number_is_rejected_with_advice() -> None:
    result = parsed(to_xlsx(make_rows(20, seed=14), nip_as_number=True))
    assert codes(result.errors) == [(row, "nip", "nip_excel_number") for row in range(2, 22)]
    message = result.errors[0].message
    assert "Teks" in message and "Text" in message and "re-export" in message
    assert result.rows == ()


def test_xlsx_integer_nip_cell_is_rejected_too() -> None:
    result = parsed(
        xlsx_bytes([["nip", "name", "agency", "batch"], [int(NIP_A), "Suparman", "Pemkab Badung", "K1"]])
    )
    assert codes(result.errors) == [(2, "nip", "nip_excel_number")]


def test_xlsx_numeric_phone_and_batch_cells_are_read_as_text() -> None:
    table: list[list[object]] = [
        ["nip", "name", "agency", "phone", "batch"],
        [NIP_A, "Suparman", "Pemkab Badung", 81234567890, 1],
    ]
    result = parsed(xlsx_bytes(table))
    (row,) = result.rows
    assert (row.phone, row.batch) == ("+6281234567890", "1")
    assert codes(result.warnings) == [(2, "phone", "phone_missing_zero")]


def test_warnings_do_not_reject_the_row() -> None:
    pppk = "199203152023211004"
    data = roster_csv(
        (pppk, "Sumarni", "Pemkab Gianyar", "", "", "", "K3", "daring"),
        ("198503122010011000", "Suparman", "Pemkab Gianyar", "", "", "", "K3", "LURING"),
    )
    result = parsed(data)
    assert result.ok and [r.mode for r in result.rows] == ["online", "offline"]
    assert codes(result.warnings) == [(2, "nip", "nip_appointment"), (3, "nip", "nip_serial_zero")]


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("081234567890", "+6281234567890"),
        ("0812-3456-7890", "+6281234567890"),
        ("0812.3456.7890", "+6281234567890"),
        ("(0361) 222 333", "+62361222333"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("62 812-3456-7890", "+6281234567890"),
        ("6281234567", "+6281234567"),
    ],
)
def test_phone_numbers_are_normalised(written: str, normalised: str) -> None:
    (row,) = parsed(roster_csv((NIP_A, "Suparman", "Pemkab Badung", "", "", written, "K1", ""))).rows
    assert row.phone == normalised


def test_blank_rows_are_skipped_and_row_numbers_kept() -> None:
    records = make_rows(2, seed=15)
    table = to_table(records)
    table.insert(2, [""] * 8)
    table.insert(3, ["   "] * 8)
    table.append(["", "", "", "", "", "", "", ""])
    result = parsed(csv_bytes(table))
    assert result.ok and [r.row for r in result.rows] == [2, 5]


def test_rows_with_only_an_unknown_column_count_as_blank() -> None:
    # Agency templates number rows down the "No" column before anyone fills them in.
    table = to_table(make_rows(2, seed=16), layout=INDONESIAN)
    table += [[str(n)] + [""] * 10 for n in range(3, 50)]
    result = parsed(xlsx_bytes(table))
    assert result.ok and len(result.rows) == 2


def test_header_only_file_has_a_warning_and_no_rows() -> None:
    result = parsed(roster_csv())
    assert result.ok and result.rows == ()
    assert codes(result.warnings) == [(1, "", "no_rows")]


def test_a_quoted_cell_spanning_lines_is_one_row() -> None:
    data = (
        b"nip,name,agency,batch\r\n"
        + NIP_A.encode()
        + b',"Suparman\r\nS.Pd.",Pemkab Badung,K1\r\n'
        + NIP_B.encode()
        + b",Sumarni,Pemkab Badung,K1\r\n"
    )
    result = parsed(data)
    assert [(r.row, r.name) for r in result.rows] == [(2, "Suparman S.Pd."), (3, "Sumarni")]


# --- hostile cells and files


def test_formulas_are_kept_as_text_and_controls_stripped() -> None:
    formula = '=HYPERLINK("http://evil.example","klik")'
    data = roster_csv(
        (NIP_A, formula, "+cmd|' /C calc'!A0", "", "", "", "K1", ""),
        (NIP_B, "Made\x01 Sudarma\u202e\u200b\x1b", "Pemprov\tBali\r\n", "", "", "", "K1\x07", ""),
    )
    result = parsed(data)
    assert result.ok
    assert (result.rows[0].name, result.rows[0].agency) == (formula, "+cmd|' /C calc'!A0")
    assert (result.rows[1].name, result.rows[1].agency, result.rows[1].batch) == (
        "Made Sudarma",
        "Pemprov Bali",
        "K1",
    )


def test_too_many_rows_is_refused() -> None:
    data = b"nip,name,agency,batch\r\n" + f"{NIP_A},Suparman,Pemkab Badung,K1\r\n".encode() * 100_001
    error = file_error(data)
    assert error.code == "too_many_rows"
    assert "100.000" in error.message and "100,000" in error.message


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("where", ["under the header", "above the header", "between rows"])
def test_blank_rows_count_against_the_row_limit(kind: str, where: str) -> None:
    header, row, blank = (
        ["nip", "name", "agency", "batch"],
        [NIP_A, "Suparman", "Pemkab Badung", "K1"],
        [""] * 4,
    )
    blanks = [blank] * 1_100
    table = {
        "under the header": [header, row, *blanks],
        "above the header": [*blanks, header, row],
        "between rows": [header, *blanks[:600], row, *blanks[600:]],
    }[where]
    data = csv_bytes(table) if kind == "csv" else xlsx_bytes(table)
    with pytest.raises(RosterFileError) as raised:
        parse_roster(data, max_rows=1_000)
    if kind == "xlsx" and where == "above the header":
        assert raised.value.code == "empty_file"  # an XLSX's header is looked for in its first rows only
        return
    assert raised.value.code == "too_many_rows"
    assert "1.000" in raised.value.message and "blank rows count" in raised.value.message
    assert parse_roster(data, max_rows=1_200).rows[0].nip == NIP_A


def test_file_errors_are_domain_errors_with_details() -> None:
    error = file_error(b"")
    assert isinstance(error, Invalid)
    assert error.code == "empty_file"
    assert error.details == [{"row": 0, "column": "", "code": "empty_file", "message": error.message}]


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
        b"nip,name\x00,agency,batch\r\n",
        bytes(range(256)) * 4,
        b"PK\x03\x04 not really a zip",
        _zip({"hello.txt": b"hello"}),
        _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
        _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<broken"}),
        to_xlsx(make_rows(5))[:-200],
    ],
    ids=["png", "xls", "nul", "binary", "fake-zip", "zip", "ods", "broken-xlsx", "truncated-xlsx"],
)
def test_unreadable_files_raise_a_clear_error(data: bytes) -> None:
    error = file_error(data)
    assert error.code == "unreadable_file"
    assert "CSV" in error.message and "XLSX" in error.message


def test_whitespace_only_file_is_empty() -> None:
    assert file_error(b"\r\n \r\n;;;\r\n").code == "empty_file"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_parse_or_raise_roster_file_error(data: bytes) -> None:
    try:
        result = parse_roster(data)
    except RosterFileError as error:
        assert error.code in {"unreadable_file", "empty_file", "too_many_rows"}
    else:
        assert all(issue.row >= 1 for issue in (*result.errors, *result.warnings))


# Built once: openpyxl stamps the time into the file, and hypothesis needs the same bytes on every run.
SMALL_XLSX = to_xlsx(make_rows(3, seed=17))
SMALL_ROWS = parse_roster(SMALL_XLSX).rows


def _worksheet_bytes(xlsx: bytes) -> range:
    """Where the first worksheet's compressed bytes lie in an XLSX file, but for the first and last one."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    # a local file header is 30 bytes, then the name and the extra field, their lengths at offsets 26 and 28
    name_length, extra_length = struct.unpack_from("<HH", xlsx, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    # Two places hold bits that change nothing: the first byte's "last block" flag (zipfile stops at the
    # member's size anyway) and the padding after the end of the last byte.
    return range(start + 1, start + info.compress_size - 1)


def _damage(xlsx: bytes, at: set[int], data: st.DataObject) -> bytes:
    """The file with each byte at `at` changed (XOR with a non-zero value: it never stays the same)."""
    damaged = bytearray(xlsx)
    for index in at:
        damaged[index] ^= data.draw(st.integers(min_value=1, max_value=255))
    return bytes(damaged)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.sampled_from(_worksheet_bytes(SMALL_XLSX)), min_size=1, max_size=8), st.data())
def test_a_damaged_worksheet_is_refused_as_unreadable(at: set[int], data: st.DataObject) -> None:
    error = file_error(_damage(SMALL_XLSX, at, data))
    assert error.code == "unreadable_file"
    assert error.details == [{"row": 0, "column": "", "code": "unreadable_file", "message": error.message}]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.integers(min_value=0, max_value=len(SMALL_XLSX) - 1), min_size=1, max_size=8), st.data())
def test_damage_anywhere_in_an_xlsx_is_refused_or_changes_nothing(at: set[int], data: st.DataObject) -> None:
    # ZIP checksums guard every member read: a damaged file never yields rows other than its own
    try:
        result = parse_roster(_damage(SMALL_XLSX, at, data))
    except RosterFileError as error:
        assert error.code == "unreadable_file"
    else:
        assert result.rows == SMALL_ROWS


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(max_size=30), max_size=9), max_size=12), st.sampled_from([",", ";", "\t"]))
def test_arbitrary_tables_under_a_valid_header_never_crash(rows: list[list[str]], sep: str) -> None:
    table = [["nip", "name", "agency", "unit", "email", "phone", "batch", "mode"], *rows]
    try:
        result = parse_roster(csv_bytes(table, sep=sep))
    except RosterFileError as error:
        assert error.code == "unreadable_file"
    else:
        for row in result.rows:
            assert row.nip is not None and len(row.nip) == 18
            assert row.name and row.agency and row.batch and row.mode in {"offline", "online"}
