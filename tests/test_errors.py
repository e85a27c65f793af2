"""Error codes are defined once: every code the code base raises is an `ErrorCode` (roster problems an
`IssueCode`), each value unique, snake_case and explained by a comment, and sent as the plain string."""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from eventops import errors
from eventops.errors import DomainError, ErrorCode
from eventops.i18n import translations
from eventops.roster.issues import IssueCode
from eventops.web.error_text import MESSAGES, message_for
from eventops.web.errors import HTTP_CODES
from tests.helpers import bearer

PACKAGE = Path(__file__).resolve().parent.parent / "eventops"
SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
# Calls that take a code as their first positional argument.
POSITIONAL = {"error_response": 2, "RosterFileError": 0, "RowIssue": 2, "NipIssue": 0, "_fail": 0}
POSITIONAL_METHODS = {"_error": 2, "_warn": 2}  # _RowChecker's (row, column, code, message)


def _literal_codes() -> Iterator[str]:
    """`file:line value` of every string constant passed where a code goes."""
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            at = POSITIONAL.get(name, POSITIONAL_METHODS.get(name))
            given = [k.value for k in node.keywords if k.arg == "code"]
            if at is not None and len(node.args) > at:
                given.append(node.args[at])
            for value in given:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    yield f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {value.value!r}"


def test_no_code_is_a_string_literal() -> None:
    assert list(_literal_codes()) == []


def test_every_error_class_defaults_to_a_member() -> None:
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, DomainError)]
    assert len(classes) == 9
    assert all(isinstance(c.code, ErrorCode) for c in classes)
    assert all(isinstance(code, ErrorCode) for code in HTTP_CODES.values())


@pytest.mark.parametrize("enum", [ErrorCode, IssueCode])
def test_codes_are_unique_snake_case_named_after_their_value(enum: type[StrEnum]) -> None:
    assert len(enum.__members__) == len({m.value for m in enum})  # an alias would hide a duplicate
    assert [m.value for m in enum if not SNAKE.match(m.value)] == []
    assert [m.name for m in enum if m.name != m.value.upper()] == []


@pytest.mark.parametrize("enum", [ErrorCode, IssueCode])
def test_every_code_has_a_comment_saying_when_it_is_used(enum: type[StrEnum]) -> None:
    lines = inspect.getsource(enum).splitlines()
    bare = [
        line.split("=")[0].strip()
        for at, line in enumerate(lines)
        if re.match(r"^ {4}[A-Z_0-9]+ = ", line)
        and "#" not in line
        and not lines[at - 1].strip().startswith("#")
    ]
    assert bare == []


def test_roster_problems_and_errors_are_two_vocabularies() -> None:
    assert {m.value for m in IssueCode} & {m.value for m in ErrorCode} == set()


async def test_the_error_body_carries_the_plain_string(client: TestClient, tokens: dict[str, str]) -> None:
    resp = await client.post("/api/v1/events", data=b"{not json", headers=bearer(tokens["organiser"]))
    assert resp.status == 400
    body = await resp.read()
    assert body.startswith(b'{"error": "bad_json", "message": ')  # the message in the request's language
    assert body.endswith(b', "detail": "the body is not valid JSON"}')


async def test_every_code_has_a_sentence_in_both_languages() -> None:
    indonesian, english = translations("id").gettext, translations("en").gettext
    assert set(MESSAGES) == set(ErrorCode)
    assert all(message_for(code, english) == MESSAGES[code] for code in ErrorCode)
    assert [code for code in ErrorCode if message_for(code, indonesian) == MESSAGES[code]] == []


@pytest.mark.parametrize("language", ["en", "id"])
async def test_api_errors_keep_the_code_and_speak_the_request_language(
    client: TestClient, tokens: dict[str, str], language: str
) -> None:
    headers = {**bearer(tokens["organiser"]), "Accept-Language": f"{language},en;q=0.5"}
    resp = await client.get("/api/v1/events/no-such-event/participants", headers=headers)
    body = await resp.json()
    assert (resp.status, body["error"]) == (404, "event_not_found")
    expected = {"en": "This event does not exist.", "id": "Acara ini tidak ada."}[language]
    assert body["message"] == expected and "no-such-event" in body["detail"]


async def test_without_accept_language_errors_are_indonesian(client: TestClient) -> None:
    resp = await client.get("/api/v1/events")
    body = await resp.json()
    assert (resp.status, body["error"], body["message"]) == (
        401,
        "unauthorized",
        "Silakan masuk atau kirim token bearer.",
    )
