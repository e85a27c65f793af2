"""Every roster problem has a sentence in both languages, and the values it names come with the problem."""

from __future__ import annotations

from eventops.i18n import translations
from eventops.roster.issues import IssueCode
from eventops.roster.validation import RowIssue, parse_roster
from eventops.web.issue_text import MESSAGES, issue_message
from tests.rosters import roster_csv

ENGLISH, INDONESIAN = translations("en").gettext, translations("id").gettext


def _nip(serial: int) -> str:
    return f"19850312201001100{serial}"  # a valid NIP for serial 1 to 9 (0 ends in 000: a warning)


def _row(serial: int, **cells: str) -> tuple[str, ...]:
    row = {
        "nip": _nip(serial),
        "name": "Made",
        "agency": "Pemprov Bali",
        "unit": "",
        "email": "",
        "phone": "",
    }
    row |= {"batch": "K1", "mode": ""} | cells
    return tuple(row.values())


def _every_problem() -> list[RowIssue]:
    rows = [
        _row(1, nip=""),
        _row(1, nip="19850312201001100"),
        _row(1, nip="19850312201001100X"),
        _row(1, nip="198513122010011003"),
        _row(1, nip="198503122010015003"),
        _row(1, nip="1.98503E+17"),
        _row(1),
        _row(1),  # the same NIP again
        _row(2, name="A" * 201),
        _row(3, email="budi@"),
        _row(4, phone="12ab"),
        _row(5, mode="hybrid"),
        _row(6, phone="81234567890"),
        _row(0),
        _row(1, nip="199203152023211004"),
    ]
    found = parse_roster(roster_csv(*rows))
    missing = parse_roster(roster_csv(("Made",), header=("Nama",)))
    duplicate = parse_roster(
        roster_csv((_nip(1), "M", "M", "B", "K1"), header=("nip", "nama", "name", "b", "c"))
    )
    header_only = parse_roster(roster_csv())
    return [
        issue
        for parsed in (found, missing, duplicate, header_only)
        for issue in (*parsed.errors, *parsed.warnings)
    ]


def test_every_issue_code_has_a_sentence_in_both_languages() -> None:
    assert set(MESSAGES) == set(IssueCode)
    assert [code for code in IssueCode if INDONESIAN(MESSAGES[code]) == MESSAGES[code]] == []
    assert all(ENGLISH(MESSAGES[code]) == MESSAGES[code] for code in IssueCode)


def test_each_problem_carries_the_values_its_sentence_names() -> None:
    problems = _every_problem()
    # the importer adds batch_unknown (tests/roster/test_api_roster.py checks its sentence)
    assert {p.code for p in problems} | {IssueCode.BATCH_UNKNOWN} == set(IssueCode)
    for problem in problems:
        for gettext in (ENGLISH, INDONESIAN):
            said = issue_message(problem.code, problem.params, gettext)
            assert said is not None and "%(" not in said, problem
    (too_long,) = [p for p in problems if p.code == IssueCode.TOO_LONG]
    assert issue_message(too_long.code, too_long.params, INDONESIAN) == (
        "Teksnya terlalu panjang (201 karakter, paling banyak 200)."
    )


def test_a_problem_without_its_values_or_with_an_unknown_code_has_no_sentence() -> None:
    assert issue_message(IssueCode.TOO_LONG, {}, ENGLISH) is None
    assert issue_message("no_such_code", {}, ENGLISH) is None
    assert issue_message("empty_file", {}, ENGLISH) == "The roster file is empty."
