"""Every route in one place."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from eventops.web import api_events, api_roster, live, pages

STATIC = Path(__file__).resolve().parent.parent / "static"


def setup_routes(app: web.Application) -> None:
    """Register every handler on the app's router."""
    r = app.router
    r.add_get("/healthz", pages.healthz, name="healthz")
    r.add_get("/", pages.home, name="home")
    r.add_get("/login", pages.login_form, name="login_form")
    r.add_post("/login", pages.login, name="login")
    r.add_post("/logout", pages.logout, name="logout")
    r.add_get("/p/{token}", pages.pass_page, name="pass_page")
    r.add_get("/p/{token}/qr.png", pages.pass_qr, name="pass_qr")

    api = "/api/v1/events"
    r.add_get(api, api_events.list_events, name="events")
    r.add_post(api, api_events.create_event, name="create_event")
    r.add_get(api + "/{event}", api_events.show_event, name="event")
    r.add_get(api + "/{event}/batches", api_events.list_batches, name="batches")
    r.add_post(api + "/{event}/batches", api_events.create_batch, name="create_batch")
    r.add_post(api + "/{event}/roster", api_roster.import_roster, name="import_roster")
    r.add_get(api + "/{event}/participants", api_roster.list_participants, name="participants")
    r.add_get(api + "/{event}/participants/{nip}/pass.png", api_roster.pass_png, name="pass_png")

    r.add_get(api + "/{event}/batches/{code}/live", live.batch_live, name="batch_live")

    r.add_static("/static", STATIC, name="static", append_version=True)
