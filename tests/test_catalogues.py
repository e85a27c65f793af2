"""The gettext catalogues stay in step with the code: every msgid the templates and the Python use is in both,
Indonesian (the default) translates every one, and the placeholders agree. After adding text: `make messages`,
then translate the new entries in eventops/locale/id/LC_MESSAGES/messages.po."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from eventops.i18n import LOCALES, catalog, translations

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {**DEFAULT_KEYWORDS, "translate": (2,)}  # as `make messages` extracts (-k translate:2)


def _msgid(message: str | tuple[str, ...]) -> str:
    return message if isinstance(message, str) else message[0]


def extracted() -> set[str]:
    """Every msgid in the code, as `make messages` finds it (babel.cfg)."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = extract_from_dir(ROOT, method_map, options_map, keywords=KEYWORDS)
    return {_msgid(message) for _, _, message, _, _ in found}


def catalogued(locale: str) -> set[str]:
    return {_msgid(m.id) for m in catalog(locale) if m.id}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_msgid_in_the_code_is_in_the_catalogue(locale: str) -> None:
    code = extracted()
    assert len(code) > 300  # the extraction found the templates and the error messages
    assert code - catalogued(locale) == set(), "run `make messages` and translate the new entries"
    assert catalogued(locale) - code == set(), "msgids no code uses: run `make messages`"


def test_indonesian_translates_every_msgid_with_the_same_placeholders() -> None:
    indonesian = catalog("id")
    untranslated = [m.id for m in indonesian if m.id and not all(m.string if m.pluralizable else [m.string])]
    assert untranslated == []
    assert [m.id for m in indonesian if m.id and m.fuzzy] == []
    assert [(m.id, errors) for m, errors in indonesian.check()] == []  # python-format placeholders agree


def test_english_msgids_are_the_english_text() -> None:
    assert translations("en").gettext("Sign in") == "Sign in"
    assert translations("id").gettext("Sign in") == "Masuk"
    assert translations("id").ngettext(
        "Too many attempts from this device or network. Try again in %(num)s second.", "", 2
    ) == ("Terlalu banyak percobaan dari perangkat atau jaringan ini. Coba lagi dalam %(num)s detik.")
