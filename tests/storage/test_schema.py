"""The migrations build exactly the tables the models describe; the wheel ships templates and static files."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from eventops.storage.db import create_engine

ROOT = Path(__file__).resolve().parents[2]


async def test_migrations_match_the_models(db_url: str) -> None:
    engine = create_engine(db_url)

    def diff(conn: Connection) -> list[object]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return [d for d in compare_metadata(context, SQLModel.metadata) if d[0] != "remove_table"]

    async with engine.connect() as conn:
        differences = await conn.run_sync(diff)
    await engine.dispose()
    assert differences == []


def test_wheel_ships_templates_static_files_and_migrations(tmp_path: Path) -> None:
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    subprocess.run(
        [*pip_wheel, "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("eventops-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "eventops/templates/base.html",
        "eventops/templates/pass.html",
        "eventops/static/app.css",
        "eventops/static/i18n.js",
        "eventops/locale/id/LC_MESSAGES/messages.po",
        "eventops/locale/en/LC_MESSAGES/messages.po",
        "eventops/storage/migrations/env.py",
        "eventops/storage/migrations/script.py.mako",
        "eventops/storage/migrations/versions/0001_initial_schema.py",
        "integrations/zoom/__init__.py",
    ):
        assert expected in names, expected
    assert not any(n.startswith(("tests/", "bench/")) for n in names)
