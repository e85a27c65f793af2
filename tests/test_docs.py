"""The documentation a clone carries: true to the route table, and self-contained."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent


def test_the_api_page_names_every_route(app: web.Application) -> None:
    text = (ROOT / "docs" / "api.md").read_text()
    missing = []
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter")
        if route.method == "HEAD" or not path:
            continue  # HEAD mirrors GET; /static is files
        short = re.sub(r"^/api/v1/events/\{event\}/batches/\{code\}", "…", path)
        if path not in text and f"`{route.method} {short}" not in text and f"`{short}`" not in text:
            missing.append(f"{route.method} {path}")
    assert missing == [], "\n".join(missing)


def test_nothing_in_the_repository_points_outside_it() -> None:
    shared = "../" + "shared"  # spelled apart, or this file would name it
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    outside = [
        name
        for name in tracked.splitlines()
        if (ROOT / name).is_file() and shared in (ROOT / name).read_text(errors="ignore")
    ]
    assert outside == [], f"a clone has no {shared}/: put what it says in docs/"


def test_the_readme_links_to_pages_that_exist() -> None:
    links = re.findall(r"\]\((docs/[^)#]+)", (ROOT / "README.md").read_text())
    assert {"docs/api.md", "docs/operations.md", "docs/attendance-rules.md", "docs/matching.md"} <= set(links)
    assert all((ROOT / link).is_file() for link in links)
