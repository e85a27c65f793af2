"""Every route in one place."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from eventops.web import (
    api_attendance,
    api_checkin,
    api_events,
    api_online,
    api_review,
    api_roster,
    api_stream,
    api_zoom,
    dashboard,
    hadir,
    live,
    pages,
    webhooks,
)
from eventops.web import scanner as scanner_pages

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

    # scanner page (issue 4)
    r.add_get("/scan", scanner_pages.scan_page, name="scan")

    # venue check-in API (issue 4)
    door = api + "/{event}/batches/{code}"
    r.add_post(door + "/scans", api_checkin.scan, name="scan_pass")
    r.add_get(door + "/scans", api_checkin.recent_scans, name="recent_scans")
    r.add_post(door + "/checkins", api_checkin.manual_checkin, name="manual_checkin")
    r.add_get(door + "/checkins/stats", api_checkin.checkin_stats, name="checkin_stats")
    r.add_post(door + "/walkins", api_checkin.walk_in, name="walk_in")
    r.add_get(api + "/{event}/walkins", api_checkin.list_walk_ins, name="walk_ins")
    r.add_post(api + "/{event}/participants/{nip}/pass/revoke", api_checkin.revoke_pass, name="revoke_pass")

    r.add_get(api + "/{event}/batches/{code}/live", live.batch_live, name="batch_live")

    # attendance, overrides, recap and downloads (issue 6)
    batch = api + "/{event}/batches/{code}"
    r.add_post(batch + "/finalize", api_attendance.finalize, name="finalize")
    r.add_post(batch + "/reopen", api_attendance.reopen, name="reopen")
    r.add_post(batch + "/overrides", api_attendance.add_override, name="add_override")
    r.add_get(batch + "/attendance", api_attendance.show_attendance, name="attendance")
    for fmt in ("csv", "xlsx", "pdf"):
        r.add_get(f"{batch}/attendance.{fmt}", api_attendance.download(fmt), name=f"attendance_{fmt}")
    r.add_get(batch + "/summary", api_attendance.summary, name="summary")

    # identity matching and the review queue (issue 6)
    r.add_post(batch + "/match", api_review.match, name="match_pending")
    r.add_get(batch + "/review", api_review.queue, name="review_queue")
    # issue 11: the queue by suggested person and decisions in bulk (before `{id}`, which would take them)
    r.add_get(batch + "/review/people", api_review.queue_by_person, name="review_by_person")
    r.add_post(batch + "/review/accept", api_review.accept, name="review_accept")
    r.add_post(batch + "/review/dismiss", api_review.dismiss, name="review_dismiss")
    r.add_post(batch + "/review/{id}", api_review.decide, name="review_decide")

    # Zoom: webhooks, online now, report sync, personal join links (issue 5)
    r.add_post("/webhooks/zoom", webhooks.zoom_webhook, name="zoom_webhook")
    zoom = api + "/{event}/batches/{code}/zoom"
    r.add_get(zoom + "/online", api_zoom.online, name="zoom_online")
    r.add_post(zoom + "/sync", api_zoom.sync, name="zoom_sync")
    r.add_post(zoom + "/registrants", api_zoom.registrants, name="zoom_registrants")

    # who is online and who is not, for moderators
    r.add_get(zoom + "/participants", api_online.participants, name="zoom_participants")

    # YouTube stream, checkpoints and the self-attendance form (issue 7)
    stream = api + "/{event}/batches/{code}"
    r.add_post(stream + "/checkpoints", api_stream.create_checkpoint, name="create_checkpoint")
    r.add_get(stream + "/checkpoints", api_stream.list_checkpoints, name="checkpoints")
    r.add_get(stream + "/youtube", api_stream.stream_state, name="youtube_state")
    r.add_post(stream + "/youtube/start", api_stream.start_polling, name="youtube_start")
    r.add_post(stream + "/youtube/stop", api_stream.stop_polling, name="youtube_stop")
    r.add_post(stream + "/youtube/poll", api_stream.poll_now, name="youtube_poll")
    r.add_get("/stream/{event}/{code}", api_stream.stream_page, name="stream_page")
    r.add_get("/b/{event}/{code}/hadir", hadir.hadir_form, name="hadir_form")
    r.add_post("/b/{event}/{code}/hadir", hadir.hadir_submit, name="hadir_submit")

    # the moderators' live dashboard of a batch
    r.add_get("/dashboard/{event}/{code}", dashboard.dashboard_page, name="dashboard")

    r.add_static("/static", STATIC, name="static", append_version=True)
