"""Pass rendering: the QR PNG of a pass URL and the printable A4 badge sheet (pure, no database)."""

from __future__ import annotations

import functools
import io
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import qrcode
from fontTools.ttLib import TTFont
from fpdf import FPDF
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

FONT_FAMILY = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
REPLACEMENT = "?"
ELLIPSIS = "…"
PT_TO_MM = 25.4 / 72
LINE_SPACING = 1.2

# Sheet geometry in mm: A4 portrait, 2 columns x 4 rows of 95 x 70 mm badges, cut lines between them.
PAGE_W, PAGE_H = 210.0, 297.0
COLUMNS, ROWS = 2, 4
BADGES_PER_PAGE = COLUMNS * ROWS
BADGE_W, BADGE_H = 95.0, 70.0
MARGIN_X = (PAGE_W - COLUMNS * BADGE_W) / 2
MARGIN_Y = (PAGE_H - ROWS * BADGE_H) / 2
PAD = 4.0
HEADER_H = 17.0
# The QR image includes its 4-module quiet zone; at 42 mm the symbol itself is >= 30 mm even for the
# smallest version (21 of 29 modules), so every pass scans from a printed badge.
QR_MM = 42.0
QR_BORDER = 4
# One pixel per module: PDF viewers and printers scale images without smoothing unless asked to
# (/Interpolate), and small images keep a 5,000-badge sheet fast.
QR_PX_PER_MODULE = 1
QR_CAPTION = "Pindai saat registrasi · Scan at check-in"


@dataclass(frozen=True)
class _TextStyle:
    """How one badge field is set: start size and smallest size in pt, most lines, fpdf2 style."""

    size: float
    min_size: float
    max_lines: int
    style: str = ""


EVENT_STYLE = _TextStyle(8, 6, 2, "B")
META_STYLE = _TextStyle(7, 5.5, 1)
CODE_STYLE = _TextStyle(20, 10, 1, "B")
BATCH_STYLE = _TextStyle(7, 6, 1)
NAME_STYLE = _TextStyle(13, 7, 3, "B")
OFFICE_STYLE = _TextStyle(8, 6, 2)
CAPTION_SIZE = 5.5


@dataclass(frozen=True)
class Badge:
    """What one printed badge shows; `qr_data` is the pass URL."""

    name: str
    agency: str
    unit: str
    batch_code: str
    batch_name: str
    event_name: str
    date_text: str
    venue: str
    qr_data: str


def qr_matrix(data: str, *, search_mask: bool = True) -> list[list[bool]]:
    """The QR modules of `data` (True = dark) at error correction M, without the quiet zone."""
    # Scoring the 8 masks is ~80 % of qrcode's time. The badge sheet (thousands of random-token URLs)
    # uses one fixed mask: every mask is valid and read by every decoder, and for random data the
    # scores barely differ. The single pass image keeps the full search.
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=None if search_mask else 2)
    qr.add_data(data)
    qr.make(fit=True)
    return [list(map(bool, row)) for row in qr.get_matrix()]


_MODULE_TO_GREY = bytes.maketrans(b"\x00\x01", b"\xff\x00")  # light module -> white, dark -> black


def _qr_image(matrix: list[list[bool]], scale: int, border: int) -> Image.Image:
    """A greyscale image of the matrix: `scale` pixels per module, `border` light modules around."""
    side = len(matrix) + 2 * border
    edge = b"\xff" * border
    blank = b"\xff" * side * border
    rows = b"".join(edge + bytes(row).translate(_MODULE_TO_GREY) + edge for row in matrix)
    image = Image.frombytes("L", (side, side), blank + rows + blank)
    return image if scale == 1 else image.resize((side * scale, side * scale), Image.Resampling.NEAREST)


def qr_png(data: str, box_size: int = 10, border: int = 4) -> bytes:
    """A PNG of the QR code of `data` (the pass URL), error correction M."""
    image = _qr_image(qr_matrix(data), box_size, border).convert("1", dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@contextmanager
def _font_paths() -> Iterator[dict[str, Path]]:
    """The vendored font files (by fpdf2 style) as paths while the context is open."""
    folder = resources.files("eventops") / "static" / "fonts"
    with ExitStack() as stack:
        yield {
            style: stack.enter_context(resources.as_file(folder / name)) for style, name in FONT_FILES.items()
        }


@dataclass(frozen=True)
class _FontMetrics:
    """Advance widths per style (1/1000 em, as fpdf2 rounds them) and the code points all styles draw."""

    widths: dict[str, dict[int, int]]
    charset: frozenset[int]


@functools.cache
def _font_metrics() -> _FontMetrics:
    """Read the vendored fonts' widths once per process: fpdf2's own width query is ~30 µs a call."""
    widths: dict[str, dict[int, int]] = {}
    with _font_paths() as paths:
        for style, path in paths.items():
            with TTFont(path, lazy=True) as font:
                scale = 1000 / font["head"].unitsPerEm
                advances = font["hmtx"].metrics
                widths[style] = {
                    code: round(scale * advances[glyph][0] + 0.001)
                    for code, glyph in font.getBestCmap().items()
                }
    charset = frozenset.intersection(*(frozenset(style_widths) for style_widths in widths.values()))
    return _FontMetrics(widths=widths, charset=charset)


@functools.lru_cache(maxsize=4096)
def clean_text(text: str) -> str:
    """Text safe to draw: NFC, whitespace collapsed, controls dropped, characters the font lacks replaced."""
    charset = _font_metrics().charset
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if char.isspace():
            out.append(" ")
        elif category[0] == "C":  # controls, bidi overrides, surrogates, unassigned
            continue
        else:
            out.append(char if ord(char) in charset else REPLACEMENT)
    return " ".join("".join(out).split())


def text_width(text: str, size: float, style: str = "") -> float:
    """Width in mm of `text` at `size` pt, as fpdf2 lays it out (no kerning, no shaping)."""
    widths = _font_metrics().widths[style]
    return sum(widths.get(ord(char), 0) for char in text) * size * 0.001 * PT_TO_MM


def _wrap(text: str, width: float, size: float, style: str) -> list[str]:
    """Greedy word wrap; a word wider than a line is broken between characters."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size, style) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:
            if line and text_width(line + char, size, style) > width:
                lines.append(line)
                line = ""
            line += char
    if line:
        lines.append(line)
    return lines


@functools.lru_cache(maxsize=4096)
def fit_lines(
    text: str, width: float, size: float, min_size: float, max_lines: int, style: str = ""
) -> tuple[float, tuple[str, ...]]:
    """Shrink from `size` (0.5 pt steps) until `text` wraps into `max_lines` of `width` mm, else ellipsize."""
    lines = _wrap(text, width, size, style)
    while len(lines) > max_lines and size > min_size:
        size = max(min_size, size - 0.5)
        lines = _wrap(text, width, size, style)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_width(last + ELLIPSIS, size, style) > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + ELLIPSIS]
    return size, tuple(lines)


class _Sheet(FPDF):
    """The badge sheet: fonts registered, no automatic page breaks, badges placed on a fixed grid."""

    def __init__(self, font_paths: dict[str, Path]) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_auto_page_break(auto=False)
        self.set_margins(0, 0, 0)
        self.set_creator("eventops")
        self.set_title("Kartu peserta")
        self.set_lang("id")
        # Greyscale + Flate: fpdf2's default for 1-bit images (CCITT) needs Pillow built with libtiff.
        self.set_image_filter("FlateDecode")
        for style, path in font_paths.items():
            self.add_font(FONT_FAMILY, style, path)

    def fit_text(self, text: str, x: float, y: float, width: float, look: _TextStyle) -> float:
        """Draw cleaned `text` in lines below `y` (see `fit_lines`); return the y under the last line."""
        size, lines = fit_lines(clean_text(text), width, look.size, look.min_size, look.max_lines, look.style)
        self.set_font(FONT_FAMILY, look.style, size)
        line_height = size * PT_TO_MM * LINE_SPACING
        for line in lines:
            y += line_height
            self.text(x, y - line_height * 0.25, line)
        return y

    def cut_lines(self) -> None:
        """Dashed grey lines around and between the badges of a page."""
        self.set_draw_color(150)
        self.set_line_width(0.2)
        self.set_dash_pattern(dash=2, gap=1.5)
        right, bottom = MARGIN_X + COLUMNS * BADGE_W, MARGIN_Y + ROWS * BADGE_H
        for column in range(COLUMNS + 1):
            x = MARGIN_X + column * BADGE_W
            self.line(x, MARGIN_Y, x, bottom)
        for row in range(ROWS + 1):
            y = MARGIN_Y + row * BADGE_H
            self.line(MARGIN_X, y, right, y)
        self.set_dash_pattern()

    def badge(self, badge: Badge, left: float, top: float) -> None:
        """Draw one badge with its top-left corner at (left, top)."""
        x, width = left + PAD, BADGE_W - 2 * PAD
        y = self.fit_text(badge.event_name, x, top + PAD - 1, width, EVENT_STYLE)
        meta = " · ".join(part for part in (badge.date_text, badge.venue) if part.strip())
        self.fit_text(meta, x, y, width, META_STYLE)
        rule_y = top + HEADER_H
        self.set_draw_color(0)
        self.set_line_width(0.3)
        self.line(x, rule_y, x + width, rule_y)

        qr_left, qr_top = left + BADGE_W - PAD - QR_MM, rule_y + 1.5
        column = qr_left - x - 1
        y = self.fit_text(badge.batch_code, x, rule_y + 1, column, CODE_STYLE)
        y = self.fit_text(badge.batch_name, x, y - 0.5, column, BATCH_STYLE)
        y = self.fit_text(badge.name, x, y + 1.5, column, NAME_STYLE)
        y = self.fit_text(badge.agency, x, y + 1, column, OFFICE_STYLE)
        self.fit_text(badge.unit, x, y, column, OFFICE_STYLE)

        image = _qr_image(qr_matrix(badge.qr_data, search_mask=False), QR_PX_PER_MODULE, QR_BORDER)
        self.image(image, qr_left, qr_top, QR_MM, QR_MM)
        self.set_font(FONT_FAMILY, "", CAPTION_SIZE)
        caption_x = qr_left + (QR_MM - text_width(QR_CAPTION, CAPTION_SIZE)) / 2
        self.text(caption_x, qr_top + QR_MM + 1.5, QR_CAPTION)


def render_badges_pdf(badges: Sequence[Badge], progress: Callable[[int, int], None] | None = None) -> bytes:
    """An A4 PDF of the badges, 8 per page with cut lines; `progress(done, total)` is called after each."""
    with _font_paths() as paths:
        sheet = _Sheet(paths)
        for index, badge in enumerate(badges):
            slot = index % BADGES_PER_PAGE
            if slot == 0:
                sheet.add_page()
                sheet.cut_lines()
            column, row = slot % COLUMNS, slot // COLUMNS
            sheet.badge(badge, MARGIN_X + column * BADGE_W, MARGIN_Y + row * BADGE_H)
            if progress is not None:
                progress(index + 1, len(badges))
        if not badges:
            sheet.add_page()
        return bytes(sheet.output())
