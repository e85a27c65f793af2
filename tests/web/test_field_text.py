"""Form field problems: the common ones in the page's language, any other as the service said it."""

from __future__ import annotations

from eventops.catalog.events import NAME_REQUIRED
from eventops.i18n import translations
from eventops.web.field_text import field_message

INDONESIAN = translations("id").gettext


def test_a_common_problem_is_translated_and_another_kept() -> None:
    assert field_message(NAME_REQUIRED, INDONESIAN) == "Kolom ini wajib diisi."
    assert field_message("Field required", INDONESIAN) == "Kolom ini wajib diisi."
    assert field_message("Input should be 'a', 'b' or 'c'", INDONESIAN) == "Pilih salah satu: a, b, c."
    assert field_message("unknown time zone 'Asia/Bali'", INDONESIAN) == "unknown time zone 'Asia/Bali'"
