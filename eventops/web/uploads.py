"""Uploaded roster files kept for a few minutes between the preview and the import, under a random id.

On disk (not in memory) so that every worker process of one host finds a file another one kept.
"""

from __future__ import annotations

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
    """Remove an upload once it has been imported."""
    path = _path(event_id, upload_id)
    if path is not None:
        path.unlink(missing_ok=True)
