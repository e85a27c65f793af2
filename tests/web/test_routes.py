"""The route table: every route named, no (method, path) registered twice."""

from __future__ import annotations

from collections import Counter

from eventops.app import create_app
from eventops.settings import Settings


def _routes() -> list[tuple[str, str, str | None]]:
    settings = Settings(
        database_url="sqlite+aiosqlite:///:memory:", secret_key="x", public_url="http://eventops.test"
    )
    app = create_app(settings)
    return [(r.method, r.resource.canonical, r.resource.name) for r in app.router.routes() if r.resource]


def test_every_route_has_a_name_and_no_method_and_path_twice() -> None:
    routes = _routes()
    assert [(m, p) for m, p, name in routes if not name] == []
    twice = [key for key, n in Counter((m, p) for m, p, _ in routes).items() if n > 1]
    assert twice == []
