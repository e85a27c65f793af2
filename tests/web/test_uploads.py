"""Uploads kept between a roster preview and its import: found by event and id, gone once expired."""

from __future__ import annotations

import os
import time

from eventops.web import uploads


def test_an_upload_is_found_only_for_its_event_and_only_until_it_expires() -> None:
    upload_id = uploads.keep(7, b"nip,name\n")
    assert uploads.take(7, upload_id) == b"nip,name\n"
    assert uploads.take(8, upload_id) is None  # another event's preview cannot import it
    path = uploads._folder() / f"7-{upload_id}"
    old = time.time() - uploads.KEEP_SECONDS - 1
    os.utime(path, (old, old))
    assert uploads.take(7, upload_id) is None
    uploads.keep(7, b"x")  # keeping another upload sweeps the expired one away
    assert not path.exists()


def test_an_id_that_is_no_upload_id_is_never_a_path() -> None:
    for bad in ("", "../../etc/passwd", "a" * 21, "a/" + "b" * 20):
        assert uploads.take(1, bad) is None
        uploads.forget(1, bad)  # nothing to remove, nothing removed


def test_an_imports_progress_is_read_back_by_its_event_and_id_only() -> None:
    upload_id = uploads.keep(7, b"nip,name\n")
    assert uploads.progress(7, upload_id) is None  # no import of it has begun
    uploads.note_progress(7, upload_id, "storing", 1000, 4000)
    assert uploads.progress(7, upload_id) == {"phase": "storing", "done": 1000, "total": 4000}
    uploads.note_progress(7, upload_id, "done", 4000, 4000)
    uploads.forget(7, upload_id)
    assert uploads.progress(7, upload_id) == {"phase": "done", "done": 4000, "total": 4000}
    assert uploads.progress(8, upload_id) is None
    for bad in ("", "../../etc/passwd", "a/" + "b" * 20):
        uploads.note_progress(7, bad, "storing", 1, 2)  # never a path: nothing written
        assert uploads.progress(7, bad) is None
