"""Health: does the database answer, with the schema this code needs?"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from eventops.storage.migrations import current_revision, head_revision


async def check(engine: AsyncEngine) -> tuple[str, str]:
    """The database's health and a one-line reason: `ok`, `unavailable` (it does not answer) or
    `schema_outdated` (its schema is missing or not at the newest revision: `eventops init` upgrades it)."""
    try:
        async with engine.connect() as conn:
            revision = await current_revision(conn)
    except Exception as exc:  # whatever the driver raises, the answer is the same: not healthy
        return "unavailable", unavailable_reason(exc)
    return schema_state(revision)


def schema_state(revision: str | None) -> tuple[str, str]:
    """`ok` or `schema_outdated` for a database whose schema is at `revision`, and the one-line reason."""
    head = head_revision()
    if revision == head:
        return "ok", f"the database schema is at the newest revision ({head})"
    found = f"is at revision {revision}" if revision else "is missing"
    return "schema_outdated", f"the database schema {found}, this version needs {head}: run `eventops init`"


def unavailable_reason(exc: Exception) -> str:
    """The one line for a database that could not be read: the error's first line (SQLAlchemy appends the
    statement and a link on the next ones)."""
    first = str(exc).strip().partition("\n")[0] or type(exc).__name__
    return f"cannot reach the database: {first}"
