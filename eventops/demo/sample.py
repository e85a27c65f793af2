"""Sample data: a deterministic generator of realistic Bali rosters (NIPs, titled names, agencies).

Used by the demo, the tests and the benchmarks.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

# Day groups of the Bali programme (DOMAIN.md): batch i draws its agencies from group i modulo 4.
AGENCY_GROUPS = (
    ("Pemerintah Provinsi Bali", "Pemerintah Kota Denpasar"),
    ("Pemerintah Kabupaten Badung", "Pemerintah Kabupaten Buleleng"),
    (
        "Pemerintah Kabupaten Bangli",
        "Pemerintah Kabupaten Jembrana",
        "Pemerintah Kabupaten Klungkung",
        "Pemerintah Kabupaten Gianyar",
    ),
    ("Pemerintah Kabupaten Karangasem", "Pemerintah Kabupaten Tabanan"),
)
COMMON_UNITS = (
    "Dinas Komunikasi dan Informatika",
    "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
    "Badan Perencanaan Pembangunan Daerah",
    "Dinas Kesehatan",
    "Dinas Pendidikan, Kepemudaan dan Olahraga",
    "Sekretariat Daerah",
    "Inspektorat",
    "Dinas Pekerjaan Umum dan Penataan Ruang",
    "Dinas Kependudukan dan Pencatatan Sipil",
    "Badan Pengelola Keuangan dan Aset Daerah",
    "Dinas Pariwisata",
    "Satuan Polisi Pamong Praja",
    "Dinas Sosial",
    "Sekretariat DPRD",
)
KECAMATAN = {
    "Pemerintah Kota Denpasar": ("Denpasar Barat", "Denpasar Timur", "Denpasar Selatan", "Denpasar Utara"),
    "Pemerintah Kabupaten Badung": ("Kuta", "Kuta Selatan", "Kuta Utara", "Mengwi", "Abiansemal", "Petang"),
    "Pemerintah Kabupaten Buleleng": ("Buleleng", "Sukasada", "Seririt", "Gerokgak", "Sawan", "Tejakula"),
    "Pemerintah Kabupaten Bangli": ("Bangli", "Kintamani", "Susut", "Tembuku"),
    "Pemerintah Kabupaten Jembrana": ("Negara", "Jembrana", "Mendoyo", "Pekutatan", "Melaya"),
    "Pemerintah Kabupaten Klungkung": ("Banjarangkan", "Dawan", "Klungkung", "Nusa Penida"),
    "Pemerintah Kabupaten Gianyar": ("Ubud", "Sukawati", "Blahbatuh", "Tampaksiring", "Payangan"),
    "Pemerintah Kabupaten Karangasem": ("Abang", "Bebandem", "Manggis", "Rendang", "Selat", "Sidemen"),
    "Pemerintah Kabupaten Tabanan": ("Kediri", "Marga", "Penebel", "Baturiti", "Kerambitan", "Selemadeg"),
}
HOSPITALS = {
    "Pemerintah Provinsi Bali": "RSUD Bali Mandara",
    "Pemerintah Kota Denpasar": "RSUD Wangaya",
    "Pemerintah Kabupaten Badung": "RSD Mangusada",
    "Pemerintah Kabupaten Buleleng": "RSUD Kabupaten Buleleng",
    "Pemerintah Kabupaten Gianyar": "RSUD Sanjiwani",
    "Pemerintah Kabupaten Tabanan": "RSUD Tabanan",
}
UNITS = {
    agency: (
        *COMMON_UNITS,
        *(f"Kecamatan {name}" for name in KECAMATAN.get(agency, ())),
        *((HOSPITALS[agency],) if agency in HOSPITALS else ()),
    )
    for group in AGENCY_GROUPS
    for agency in group
}
EMAIL_DOMAINS = ("gmail.com", "gmail.com", "gmail.com", "yahoo.co.id", "yahoo.com", "baliprov.go.id")
POSITIONS = (
    "Analis Kebijakan Ahli Muda",
    "Pranata Komputer Ahli Pertama",
    "Pengadministrasi Umum",
    "Guru Ahli Pertama",
    "Perawat Terampil",
    "Kepala Seksi Pelayanan",
    "Kepala Sub Bagian Umum",
    "Penyuluh Kesehatan Masyarakat",
    "Pengelola Keuangan",
    "Arsiparis Ahli Pertama",
)
RANKS = ("II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b")
MOBILE_PREFIXES = ("0811", "0812", "0813", "0821", "0822", "0852", "0853", "0857", "0817", "0878", "0896")

# Birth order: first, second, third, fourth child (Gede is for sons, Luh for daughters).
BALINESE_ORDER = {
    1: (("Wayan", "Putu", "Gede"), ("Made", "Kadek", "Nengah"), ("Nyoman", "Komang"), ("Ketut",)),
    2: (("Wayan", "Putu", "Luh"), ("Made", "Kadek", "Nengah"), ("Nyoman", "Komang"), ("Ketut",)),
}
BALINESE_CASTE = {
    1: ("Ida Bagus", "Anak Agung", "I Gusti Ngurah", "Dewa"),
    2: ("Ida Ayu", "Anak Agung", "I Gusti Ayu", "Desak"),
}
BALINESE_PERSONAL = {
    1: ("Sudarma", "Suarjana", "Artawan", "Wirawan", "Mahendra", "Adnyana", "Sukadana", "Budiasa", "Sutama",
        "Darmawan", "Wiryawan", "Arsana", "Parwata", "Sumerta", "Widiantara", "Suardika", "Astawa", "Yasa"),
    2: ("Setiawati", "Sri Wahyuni", "Ayu Lestari", "Ariani", "Sudiartini", "Astiti", "Pratiwi", "Rusmini",
        "Sukmawati", "Widiastuti", "Suryani", "Puspitasari", "Eka Damayanti", "Juliantari", "Merta Dewi"),
}  # fmt: skip
JAVANESE = {
    1: ("Bambang Sutrisno", "Joko Susilo", "Budi Santoso", "Suparman", "Agus Setiawan", "Eko Prasetyo",
        "Hadi Suprapto", "Slamet Riyanto", "Djoko Purnomo", "Soetrisno", "Tjahjo Nugroho", "Sugeng Widodo",
        "Heru Wibowo", "Teguh Santoso"),
    2: ("Sri Rahayu", "Sumarni", "Dwi Lestari", "Tri Wahyuni", "Endang Susilowati", "Rini Handayani",
        "Sulastri", "Retno Wulandari", "Sri Mulyaningsih", "Yuliana Sari"),
}  # fmt: skip
MUSLIM = {
    1: ("Muhammad Rizki", "Ahmad Fauzi", "Abdul Rahman", "Rahmat Hidayat", "Moh. Syaiful Anwar",
        "Muhamad Ikhsan", "Chairul Anam", "Zainal Arifin", "Yusuf Maulana"),
    2: ("Siti Aminah", "Nur Hidayah", "Fatimah Azzahra", "Siti Nurjanah", "Aisyah Putri", "Khairunnisa",
        "Nurul Fadilah", "Rahmawati"),
}  # fmt: skip
PREFIXES = {1: ("Drs.", "Ir.", "dr.", "Dr.", "H."), 2: ("Dra.", "Ir.", "dr.", "Dr.", "Hj.")}
DEGREES = ("S.E.", "S.H.", "S.Sos.", "S.Pd.", "S.Kom.", "S.T.", "S.IP.", "S.Kep.", "S.Ag.", "A.Md.", "S.Ak.")
MASTERS = ("M.Si.", "M.M.", "M.Pd.", "M.Kom.", "M.AP.", "M.H.", "M.T.", "M.Kes.")


@dataclass(frozen=True)
class RosterRecord:
    """One participant as an agency would list them; every field is the text of its cell."""

    nip: str
    name: str
    agency: str
    unit: str
    email: str
    phone: str
    batch: str
    mode: str
    position: str = ""
    rank: str = ""


@dataclass(frozen=True)
class Layout:
    """How a roster is written: header texts for record fields (`no` numbers the rows) and mode words."""

    columns: tuple[tuple[str, str], ...]
    mode_words: Mapping[str, str] = field(default_factory=dict)


ENGLISH = Layout(
    columns=tuple((f, f) for f in ("nip", "name", "agency", "unit", "email", "phone", "batch", "mode"))
)
# What a BKPSDM export looks like: extra columns the importer ignores, Indonesian headers and mode words.
INDONESIAN = Layout(
    columns=(
        ("No", "no"),
        ("NIP", "nip"),
        ("Nama Lengkap", "name"),
        ("Jabatan", "position"),
        ("Golongan", "rank"),
        ("Instansi", "agency"),
        ("Unit Kerja", "unit"),
        ("Email", "email"),
        ("No HP", "phone"),
        ("Kelompok", "batch"),
        ("Moda", "mode"),
    ),
    mode_words={"offline": "Luring", "online": "Daring"},
)


def make_nip(rng: random.Random, sex: int) -> str:
    """A valid NIP: a real birth date 1965–1998, appointment at 22–35 years old (up to 2023), sex, serial."""
    born = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 34))
    appointed = min(born.year + rng.randint(22, 35), 2023)
    return f"{born:%Y%m%d}{appointed}{rng.randint(1, 12):02d}{sex}{rng.randint(1, 999):03d}"


def make_name(rng: random.Random, sex: int) -> str:
    """A name as rosters write it: Balinese (half), Javanese or Muslim, often with titles and degrees."""
    culture = rng.random()
    if culture < 0.5:
        order = rng.choice(rng.choice(BALINESE_ORDER[sex]))
        if rng.random() < 0.15:
            core = f"{rng.choice(BALINESE_CASTE[sex])} {order} {rng.choice(BALINESE_PERSONAL[sex])}"
        else:
            core = f"{'I' if sex == 1 else 'Ni'} {order} {rng.choice(BALINESE_PERSONAL[sex])}"
    elif culture < 0.8:
        core = rng.choice(JAVANESE[sex])
    else:
        core = rng.choice(MUSLIM[sex])
    if rng.random() < 0.12:
        core = f"{rng.choice(PREFIXES[sex])} {core}"
    degrees: list[str] = []
    if rng.random() < 0.6:
        degrees.append(rng.choice(DEGREES))
        if degrees[0].startswith("S.") and rng.random() < 0.3:
            degrees.append(rng.choice(MASTERS))
    return ", ".join([core, *degrees])


def make_email(rng: random.Random, name: str, nip: str) -> str:
    """An address derived from the personal part of the name, made unique by NIP digits."""
    words = [w for w in name.split(",")[0].split() if "." not in w and w not in {"I", "Ni"}]
    local = ".".join(w.lower() for w in words[-2:]) or "asn"
    return f"{local}{nip[2:4]}{nip[-3:]}@{rng.choice(EMAIL_DOMAINS)}"


def make_phone(rng: random.Random) -> str:
    """An Indonesian mobile number written the way people do: dashes, spaces, +62 or plain."""
    prefix, rest = rng.choice(MOBILE_PREFIXES), f"{rng.randrange(10**8):08d}"
    style = rng.randrange(4)
    if style == 0:
        return f"{prefix}-{rest[:4]}-{rest[4:]}"
    if style == 1:
        return f"+62 {prefix[1:]} {rest[:4]} {rest[4:]}"
    if style == 2:
        return f"62{prefix[1:]}{rest}"
    return prefix + rest


def make_rows(n: int, batches: Sequence[str] = ("K1", "K2"), seed: int = 0) -> list[RosterRecord]:
    """n valid participants with distinct NIPs, spread evenly over the batches; deterministic per seed."""
    rng = random.Random(seed)
    seen: set[str] = set()
    rows: list[RosterRecord] = []
    for i in range(n):
        batch_index = i * len(batches) // max(n, 1)
        sex = rng.choice((1, 2))
        nip = make_nip(rng, sex)
        while nip in seen:
            nip = make_nip(rng, sex)
        seen.add(nip)
        name = make_name(rng, sex)
        agency = rng.choice(AGENCY_GROUPS[batch_index % len(AGENCY_GROUPS)])
        unit = rng.choice(UNITS[agency])
        rows.append(
            RosterRecord(
                nip=nip,
                name=name,
                agency=agency,
                unit=unit,
                email=make_email(rng, name, nip) if rng.random() < 0.9 else "",
                phone=make_phone(rng) if rng.random() < 0.85 else "",
                batch=batches[batch_index],
                mode="offline" if rng.random() < 0.08 else "online",
                position=rng.choice(POSITIONS),
                rank=rng.choice(RANKS),
            )
        )
    return rows


def to_table(rows: Iterable[RosterRecord], layout: Layout = ENGLISH) -> list[list[str]]:
    """The header and one list of cell texts per record."""
    table = [[header for header, _ in layout.columns]]
    for number, row in enumerate(rows, start=1):
        cells = []
        for _, name in layout.columns:
            value = str(number) if name == "no" else getattr(row, name)
            cells.append(layout.mode_words.get(value, value) if name == "mode" else value)
        table.append(cells)
    return table


def csv_bytes(
    table: Iterable[Sequence[str]], sep: str = ",", bom: bool = False, encoding: str = "utf-8"
) -> bytes:
    """Any table as CSV bytes, with Excel's CRLF line ends."""
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(table)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode(encoding)


def xlsx_bytes(table: Iterable[Sequence[object]]) -> bytes:
    """Any table (text, numbers, None) as the first sheet of an XLSX workbook."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Peserta")
    for row in table:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv(
    rows: Iterable[RosterRecord],
    sep: str = ",",
    bom: bool = False,
    encoding: str = "utf-8",
    layout: Layout = ENGLISH,
) -> bytes:
    """A roster as CSV bytes."""
    return csv_bytes(to_table(rows, layout), sep=sep, bom=bom, encoding=encoding)


def to_xlsx(rows: Iterable[RosterRecord], nip_as_number: bool = False, layout: Layout = ENGLISH) -> bytes:
    """A roster as XLSX bytes; `nip_as_number` stores NIPs as an Excel Number column does (a lossy float)."""
    table: list[list[object]] = [list(cells) for cells in to_table(rows, layout)]
    nip_at = [name for _, name in layout.columns].index("nip")
    if nip_as_number:
        for cells in table[1:]:
            cells[nip_at] = float(str(cells[nip_at]))
    return xlsx_bytes(table)
