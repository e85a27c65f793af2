"""The access log: a line per request, with who called, and never a token, a pass token or a NIP."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from aiohttp.test_utils import TestClient

from eventops.app import JsonFormatter, configure_logging
from tests.helpers import EVENT, SUDARMA, bearer, live_passes, scan, seed_door

ACCESS = "eventops.access"


def access_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The access-log records captured so far."""
    return [r for r in caplog.records if r.name == ACCESS]


async def test_a_request_writes_one_line_with_method_path_status_duration_and_user(
    client: TestClient, tokens: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=ACCESS)
    resp = await client.get("/api/v1/events", headers=bearer(tokens["staff"]))
    assert resp.status == 200
    [record] = access_lines(caplog)
    line = vars(record)
    assert (line["method"], line["path"], line["status"], line["user"]) == (
        "GET",
        "/api/v1/events",
        200,
        "test-staff",
    )
    assert line["duration_ms"] >= 0
    message = record.getMessage()
    assert message.startswith("GET /api/v1/events 200 ") and "user=test-staff" in message


async def test_refused_and_unknown_requests_are_logged_with_their_status(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=ACCESS)
    assert (await client.get("/api/v1/events")).status == 401
    assert (await client.get("/no/such/page")).status == 404
    assert [(vars(r)["status"], vars(r)["user"]) for r in access_lines(caplog)] == [(401, "-"), (404, "-")]


async def test_no_token_pass_token_or_nip_reaches_the_log(
    client: TestClient, tokens: dict[str, str], db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    slug = await seed_door(client, tokens["organiser"])
    passes = await live_passes(db_url)
    pass_token = passes[SUDARMA]
    caplog.set_level(logging.INFO, logger=ACCESS)
    assert (await client.get(f"/p/{pass_token}")).status == 200
    assert (await client.get(f"/p/{pass_token}/qr.png")).status == 200
    assert (await client.get(f"/p/{pass_token}/nothing-here")).status == 404
    png = await client.get(
        f"/api/v1/events/{slug}/participants/{SUDARMA}/pass.png", headers=bearer(tokens["organiser"])
    )
    assert png.status == 200
    status, answer = await scan(client, tokens["staff"], pass_token)
    assert status == 200 and answer["result"] == "ok"
    lines = access_lines(caplog)
    assert len(lines) == 5
    formatter = JsonFormatter()
    written = "\n".join([formatter.format(r) for r in lines] + [r.getMessage() for r in lines])
    for secret in (pass_token, SUDARMA, tokens["staff"], tokens["organiser"]):
        assert secret not in written
    assert [vars(r)["path"] for r in lines[:2]] == ["/p/***", "/p/***/qr.png"]
    assert vars(lines[3])["path"] == f"/api/v1/events/{EVENT['slug']}/participants/***/pass.png"


def test_json_lines_carry_the_request_fields() -> None:
    record = logging.LogRecord(ACCESS, logging.INFO, __file__, 1, "GET / 200", None, None)
    record.status = 200
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "INFO" and line["logger"] == ACCESS and line["message"] == "GET / 200"
    assert line["status"] == 200 and line["time"].endswith("+00:00")


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """Put the root logger and fontTools' logger back as they were after the test."""
    root, fonts = logging.getLogger(), logging.getLogger("fontTools")
    handlers, level, fonts_level = root.handlers[:], root.level, fonts.level
    yield
    root.handlers[:], root.level = handlers, level
    fonts.setLevel(fonts_level)


@pytest.mark.usefixtures("restored_logging")
def test_json_format_writes_one_object_per_line_and_silences_font_subsetting(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO", "json")
    logging.getLogger(ACCESS).info("GET / 200", extra={"status": 200})
    logging.getLogger("fontTools.subset").info("Glyph names: ...")
    [line] = capsys.readouterr().err.splitlines()
    assert json.loads(line)["status"] == 200


@pytest.mark.usefixtures("restored_logging")
def test_the_log_level_hides_access_lines(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("WARNING", "text")
    logging.getLogger(ACCESS).info("GET / 200")
    logging.getLogger("eventops").warning("disk almost full")
    [line] = capsys.readouterr().err.splitlines()
    assert line.endswith("WARNING eventops: disk almost full")
