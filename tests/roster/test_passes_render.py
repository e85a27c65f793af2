"""Pass rendering: QR images decode to their URLs; the badge sheet paginates, keeps text, takes odd names."""

from __future__ import annotations

import io
import itertools
import logging
import re
import string
from importlib import resources
from typing import cast

import pypdf
import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf.generic import ContentStream, DictionaryObject

from eventops.roster.render import (
    BADGE_H,
    BADGE_W,
    BADGES_PER_PAGE,
    Badge,
    clean_text,
    fit_lines,
    qr_matrix,
    qr_png,
    render_badges_pdf,
    text_width,
)

TOKEN_CHARS = string.ascii_letters + string.digits + "-_"
URLS = [
    "https://eventops.example.id/p/AbCdEfGhIjKlMnOpQrStUvWxYz012345",
    "http://127.0.0.1:8080/p/x",
    "https://presensi.diskominfo.baliprov.go.id/p/" + "Zz9-_" * 40,
    "https://e.id/p/" + "q" * 43 + "?src=wa&lang=id",
]
MM_PER_PT = 25.4 / 72


def _badge(i: int, name: str | None = None) -> Badge:
    """A realistic badge; the name and URL are unique per `i`."""
    return Badge(
        name=name if name is not None else f"I Made Sudarma {i}",
        agency="Pemerintah Kabupaten Badung",
        unit="Dinas Komunikasi dan Informatika",
        batch_code="K3",
        batch_name="Kelompok 3",
        event_name="Literasi Digital ASN Provinsi Bali 2023",
        date_text="Selasa, 22 Agustus 2023",
        venue="The Stones Hotel, Kuta",
        qr_data=f"https://eventops.example.id/p/token{i:04d}{'x' * 34}",
    )


def _decode(image: Image.Image | None) -> list[str]:
    """Texts of the QR codes a real decoder finds in the image."""
    assert image is not None
    return [b.text for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode]


def _page_urls(page: pypdf.PageObject) -> list[str]:
    """What the QR images drawn on a PDF page decode to, sorted."""
    return sorted(text for image in page.images for text in _decode(image.image))


def _reader(pdf: bytes) -> pypdf.PdfReader:
    """A reader over the PDF bytes."""
    return pypdf.PdfReader(io.BytesIO(pdf))


def _text(pdf: bytes) -> str:
    """All extractable text of the PDF, whitespace collapsed."""
    return " ".join(" ".join(page.extract_text() for page in _reader(pdf).pages).split())


@pytest.mark.parametrize("url", URLS)
def test_qr_png_decodes_to_exactly_the_url(url: str) -> None:
    assert _decode(Image.open(io.BytesIO(qr_png(url)))) == [url]


@settings(max_examples=25, deadline=None)
@given(st.text(TOKEN_CHARS, min_size=1, max_size=120))
def test_qr_png_round_trips_any_token(token: str) -> None:
    url = f"https://eventops.example.id/p/{token}"
    assert _decode(Image.open(io.BytesIO(qr_png(url)))) == [url]


def test_qr_png_size_follows_box_size_and_border() -> None:
    url = URLS[0]
    modules = len(qr_matrix(url))
    image = Image.open(io.BytesIO(qr_png(url, box_size=3, border=2)))
    assert image.size == ((modules + 4) * 3, (modules + 4) * 3)
    assert _decode(image.resize((image.width * 3, image.height * 3), Image.Resampling.NEAREST)) == [url]


def _matrix_image(matrix: list[list[bool]], scale: int = 4, border: int = 4) -> Image.Image:
    """Draw a module matrix the plain way, independently of the module under test."""
    side = len(matrix) + 2 * border
    image = Image.new("L", (side, side), 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.putpixel((x + border, y + border), 0)
    return image.resize((side * scale, side * scale), Image.Resampling.NEAREST)


@settings(max_examples=40, deadline=None)
@given(st.text(TOKEN_CHARS, min_size=1, max_size=200))
def test_badge_qr_with_fixed_mask_decodes_to_the_url(token: str) -> None:
    url = f"https://eventops.example.id/p/{token}"
    fixed = qr_matrix(url, search_mask=False)
    assert len(fixed) == len(qr_matrix(url))  # same version as the searched symbol
    assert _decode(_matrix_image(fixed)) == [url]


@pytest.mark.parametrize(("count", "pages"), [(0, 1), (1, 1), (BADGES_PER_PAGE, 1), (9, 2), (17, 3)])
def test_sheet_has_one_page_per_eight_badges(count: int, pages: int) -> None:
    pdf = render_badges_pdf([_badge(i) for i in range(count)])
    reader = _reader(pdf)
    assert len(reader.pages) == pages
    width, height = (float(v) * MM_PER_PT for v in reader.pages[0].mediabox.upper_right)
    assert round(width) == 210 and round(height) == 297


def test_names_and_offices_are_extractable_text() -> None:
    names = [
        "Drs. I Made Sudarma, M.Si.",
        "Hj. Siti Aminah, S.Pd., M.Pd.",
        "Ni Luh Putu Ayu Kartika Dewi",
        "Suparman",
    ]
    text = _text(render_badges_pdf([_badge(i, name) for i, name in enumerate(names)]))
    for name in names:
        assert name in text
    assert "Pemerintah Kabupaten Badung" in text and "K3" in text and "Selasa, 22 Agustus 2023" in text


def test_qr_images_on_a_page_decode_to_their_badges_urls() -> None:
    badges = [_badge(i) for i in range(10)]
    reader = _reader(render_badges_pdf(badges))
    assert _page_urls(reader.pages[0]) == sorted(b.qr_data for b in badges[:BADGES_PER_PAGE])
    assert _page_urls(reader.pages[1]) == sorted(b.qr_data for b in badges[BADGES_PER_PAGE:])


def test_printed_qr_symbol_is_at_least_30_mm() -> None:
    reader = _reader(render_badges_pdf([_badge(0)]))
    page = reader.pages[0]
    operations = ContentStream(page.get_contents(), reader).operations
    drawn_widths_mm = [
        float(operands[0]) * MM_PER_PT
        for (operands, op), (_, following) in itertools.pairwise(operations)
        if op == b"cm" and following == b"Do"
    ]
    [image] = [image.image for image in page.images if image.image is not None]
    [barcode] = zxingcpp.read_barcodes(image)
    symbol_px = barcode.position.top_right.x - barcode.position.top_left.x  # the symbol's outer corners
    [image_mm] = drawn_widths_mm
    assert image_mm * symbol_px / image.width >= 30


HOSTILE_NAMES = [
    "A" * 400,
    "I Gusti Ngurah " * 30,
    "Budi 😀🇮🇩👍🏽 Santoso",
    "محمد عبد الله",
    "\u202egnirts desrever\u202c Putu",
    "<script>alert('x')</script><b>&amp;</b>",
    '=HYPERLINK("http://evil")',
    "Line\nbreak\ttab\x00nul\x07bell",
    "\ud800 lone surrogate",
    "王小明 김민수 Ketut",
    "Nguye\u0302\u0303n Co\u0301mang",
    "",
    "   ",
]


def test_hostile_names_render_without_error() -> None:
    badges = [_badge(i, name) for i, name in enumerate(HOSTILE_NAMES)]
    reader = _reader(render_badges_pdf(badges))
    assert len(reader.pages) == 2
    text = re.sub(r"\s", "", "".join(page.extract_text() for page in reader.pages))
    assert "<script>alert('x')</script><b>&amp;</b>" in text  # drawn literally, wrapped between characters
    assert "Budi" in text and "Santoso" in text
    assert sorted(_page_urls(reader.pages[0]) + _page_urls(reader.pages[1])) == sorted(
        b.qr_data for b in badges
    )


def test_no_glyph_is_missing_from_the_embedded_font(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        render_badges_pdf([_badge(i, name) for i, name in enumerate(HOSTILE_NAMES)])
    assert not [r for r in caplog.records if "missing" in r.getMessage()]  # fpdf2 logs glyphs it cannot draw


def test_all_badge_fields_may_be_odd() -> None:
    odd = "\u202e😀\x00" + "Ω" * 300
    badge = Badge(odd, odd, odd, odd, odd, odd, odd, odd, URLS[1])
    reader = _reader(render_badges_pdf([badge]))
    assert _page_urls(reader.pages[0]) == [URLS[1]]


def test_progress_reports_every_badge_in_order() -> None:
    seen: list[tuple[int, int]] = []
    render_badges_pdf([_badge(i) for i in range(11)], progress=lambda done, total: seen.append((done, total)))
    assert seen == [(i, 11) for i in range(1, 12)]


def test_clean_text_replaces_what_the_font_cannot_draw() -> None:
    assert clean_text("  I  Made\n\tSudarma ") == "I Made Sudarma"
    assert clean_text("e\u0301") == "é"  # composed, so the font's precomposed glyph is used
    assert clean_text("\u202eabc\u202c\x00\u200b") == "abc"
    assert clean_text("王 Ketut") == "? Ketut"
    assert clean_text("Ngurah Ñoño Łódź Ấ") == "Ngurah Ñoño Łódź Ấ"


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(st.characters(codec="utf-8"), max_size=300),
    width=st.floats(min_value=15, max_value=90),
    max_lines=st.integers(min_value=1, max_value=3),
    bold=st.booleans(),
)
def test_fitted_lines_never_overflow(text: str, width: float, max_lines: int, bold: bool) -> None:
    style = "B" if bold else ""
    cleaned = clean_text(text)
    size, lines = fit_lines(cleaned, width, 13, 7, max_lines, style)
    assert 7 <= size <= 13
    assert len(lines) <= max_lines
    assert all(text_width(line, size, style) <= width + 1e-9 for line in lines)
    if lines and not lines[-1].endswith("…"):
        assert re.sub(r"\s", "", "".join(lines)) == re.sub(r"\s", "", cleaned)


def test_short_text_keeps_its_largest_size_and_long_text_shrinks() -> None:
    assert fit_lines("Ketut", 40, 13, 7, 3, "B") == (13, ("Ketut",))
    size, lines = fit_lines(
        "Anak Agung Gede Ngurah Rai Mahendradatta Wirabhuana Dharmawangsa", 40, 13, 7, 3, "B"
    )
    assert size < 13 and len(lines) == 3


def test_badge_fits_two_by_four_on_a4() -> None:
    assert BADGES_PER_PAGE == 8
    assert 2 * BADGE_W <= 210 and 4 * BADGE_H <= 297


def test_fonts_and_licence_ship_inside_the_package() -> None:
    fonts = resources.files("eventops") / "static" / "fonts"
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE"):
        assert (fonts / name).is_file()
    assert "Bitstream" in (fonts / "LICENSE").read_text(encoding="utf-8")


def test_sheet_embeds_the_unicode_font() -> None:
    reader = _reader(render_badges_pdf([_badge(0, "Łódź Ñoño")]))
    resources_ = cast(DictionaryObject, reader.pages[0]["/Resources"])
    fonts = cast(DictionaryObject, resources_["/Font"].get_object())
    base_fonts = {str(cast(DictionaryObject, font.get_object())["/BaseFont"]) for font in fonts.values()}
    assert any("DejaVuSans" in base for base in base_fonts)
