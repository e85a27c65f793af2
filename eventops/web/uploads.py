"""Uploaded roster files kept for a few minutes between the preview and the import, under a random id; and
how far the import of one has got (`note_progress`, read back by `progress`) while the import request runs.

On disk (not in memory) so that every worker process of one host finds a file another one kept, and the
page's progress poll may land on another worker than the import.
"""

from __future__ import annotations

import json
import re
import secrets
import tempfile
import time
from pathlib import Path

KEEP_SECONDS = 30 * 60
_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")


def _folder() -> Path:
    folder = Path(tempfile.gettempdir()) / "eventops-uploads"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _path(event_id: int, upload_id: str) -> Path | None:
    return _folder() / f"{event_id}-{upload_id}" if _ID.match(upload_id) else None


def _forget_old(folder: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:  # another worker removed it first
            pass


def keep(event_id: int, data: bytes) -> str:
    """Store an upload for an event; its id (random, unguessable)."""
    folder = _folder()
    _forget_old(folder)
    upload_id = secrets.token_urlsafe(16)
    path = folder / f"{event_id}-{upload_id}"
    path.write_bytes(data)
    return upload_id


def take(event_id: int, upload_id: str) -> bytes | None:
    """The upload kept for this event under this id, or None when it is unknown or expired."""
    path = _path(event_id, upload_id)
    if path is None:
        return None
    try:
        if path.stat().st_mtime < time.time() - KEEP_SECONDS:
            return None
        return path.read_bytes()
    except FileNotFoundError:
        return None


def forget(event_id: int, upload_id: str) -> None:
    """Remove an upload once it has been imported (its progress note stays until it is old)."""
    path = _path(event_id, upload_id)
    if path is not None:
        path.unlink(missing_ok=True)


def note_progress(event_id: int, upload_id: str, phase: str, done: int = 0, total: int = 0) -> None:
    """Record how far the import of an upload has got: `phase` (checking, storing, done, failed), rows."""
    path = _path(event_id, upload_id)
    if path is None:
        return
    note = path.with_name(path.name + ".progress")
    staged = path.with_name(path.name + ".progress.tmp")
    staged.write_text(json.dumps({"phase": phase, "done": done, "total": total}))
    staged.replace(note)  # a reader never sees half a file


def progress(event_id: int, upload_id: str) -> dict[str, object] | None:
    """The last progress noted for an upload's import, or None when none was (or the id is not one)."""
    path = _path(event_id, upload_id)
    if path is None:
        return None
    try:
        found = json.loads(path.with_name(path.name + ".progress").read_text())
    except (FileNotFoundError, ValueError):
        return None
    return found if isinstance(found, dict) else None
