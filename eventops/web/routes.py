"""Every route in one place."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from eventops.web import (
    admin,
    api_attendance,
    api_checkin,
    api_docs,
    api_events,
    api_online,
    api_review,
    api_roster,
    api_stream,
    api_timeline,
    api_zoom,
    batch_page,
    console,
    console_roster,
    dashboard,
    hadir,
    live,
    login,
    metrics,
    pages,
    review_page,
    stream_page,
    webhooks,
)
from eventops.web import scanner as scanner_pages

STATIC = Path(__file__).resolve().parent.parent / "static"

# One prefix per resource, each built on its parent's.
EVENTS = "/api/v1/events"
EVENT = EVENTS + "/{event}"
PARTICIPANT = EVENT + "/participants/{nip}"
BATCH = EVENT + "/batches/{code}"
ZOOM = BATCH + "/zoom"
YOUTUBE = BATCH + "/youtube"
CHECKPOINT = BATCH + "/checkpoints/{checkpoint}"
PASS = "/p/{token}"
CONSOLE = "/events/{event}"
BATCH_PAGE = "/events/{event}/batches/{code}"
STREAM = "/stream/{event}/{code}"


def setup_routes(app: web.Application) -> None:
    """Register every handler on the app's router."""
    r = app.router
    api_docs.setup_api_docs(app)
    r.add_get("/healthz", pages.healthz, name="healthz")
    r.add_get("/metrics", metrics.metrics_page, name="metrics")
    r.add_get("/favicon.ico", pages.favicon, name="favicon")
    r.add_get("/", pages.home, name="home")
    r.add_get("/login", login.login_form, name="login_form")
    r.add_post("/login", login.login, name="login")
    r.add_post("/logout", login.logout, name="logout")
    r.add_post("/account/language", login.switch_language, name="switch_language")
    r.add_get(PASS, pages.pass_page, name="pass_page")
    r.add_get(PASS + "/qr.png", pages.pass_qr, name="pass_qr")
    r.add_get("/api/v1/openapi.json", api_docs.openapi_json, name="openapi")  # the API described (issue 14)
    r.add_get("/api/v1/docs", api_docs.docs_page, name="api_docs")

    # the organisers' console pages (issue 13); /events/new before /events/{event}
    r.add_get("/events/new", console.new_event_form, name="console_new_event")
    r.add_post("/events/new", console.create_event, name="console_create_event")
    r.add_get(CONSOLE, console.event_page, name="console_event")
    r.add_post(CONSOLE + "/batches", console.save_batch, name="console_save_batch")
    r.add_get(CONSOLE + "/roster", console_roster.roster_form, name="console_roster")
    r.add_post(CONSOLE + "/roster", console_roster.roster_preview, name="console_roster_preview")
    r.add_post(CONSOLE + "/roster/import", console_roster.roster_import, name="console_roster_import")
    r.add_get(
        CONSOLE + "/roster/import/{upload_id}",
        console_roster.roster_import_progress,
        name="console_roster_progress",
    )
    r.add_get(CONSOLE + "/recap", console.recap_page, name="console_recap")
    r.add_get(CONSOLE + "/recap.xlsx", console.recap_xlsx, name="console_recap_xlsx")

    # events, batches and the roster
    r.add_get(EVENTS, api_events.list_events, name="events")
    r.add_post(EVENTS, api_events.create_event, name="create_event")
    r.add_get(EVENT, api_events.show_event, name="event")
    r.add_get(EVENT + "/batches", api_events.list_batches, name="batches")
    r.add_post(EVENT + "/batches", api_events.create_batch, name="create_batch")
    r.add_post(EVENT + "/roster", api_roster.import_roster, name="import_roster")
    r.add_get(EVENT + "/participants", api_roster.list_participants, name="participants")
    r.add_get(PARTICIPANT + "/pass.png", api_roster.pass_png, name="pass_png")
    r.add_get(BATCH + "/passes.csv", api_roster.pass_links, name="pass_links")
    r.add_get(BATCH + "/badges.pdf", api_roster.badges, name="badges_pdf")

    # the door: scanner page, scans, manual check-ins, walk-ins, revocation (issue 4)
    r.add_get("/scan", scanner_pages.scan_page, name="scan")
    r.add_post(BATCH + "/scans", api_checkin.scan, name="scan_pass")
    r.add_get(BATCH + "/scans", api_checkin.recent_scans, name="recent_scans")
    r.add_post(BATCH + "/checkins", api_checkin.manual_checkin, name="manual_checkin")
    r.add_get(BATCH + "/checkins/stats", api_checkin.checkin_stats, name="checkin_stats")
    r.add_post(BATCH + "/walkins", api_checkin.walk_in, name="walk_in")
    r.add_get(EVENT + "/walkins", api_checkin.list_walk_ins, name="walk_ins")
    r.add_post(PARTICIPANT + "/pass/revoke", api_checkin.revoke_pass, name="revoke_pass")

    # the batch's live changes, and the moderators' dashboard of them
    r.add_get(BATCH + "/live", live.batch_live, name="batch_live")
    r.add_get("/dashboard/{event}/{code}", dashboard.dashboard_page, name="dashboard")
    r.add_get("/dashboard/{event}/{code}/review", review_page.review_page, name="review_page")

    # attendance, overrides, recap and downloads (issue 6)
    r.add_post(BATCH + "/finalize", api_attendance.finalize, name="finalize")
    r.add_post(BATCH + "/reopen", api_attendance.reopen, name="reopen")
    r.add_post(BATCH + "/overrides", api_attendance.add_override, name="add_override")
    r.add_get(BATCH + "/attendance", api_attendance.show_attendance, name="attendance")
    for fmt in ("csv", "xlsx", "pdf"):
        r.add_get(f"{BATCH}/attendance.{fmt}", api_attendance.download(fmt), name=f"attendance_{fmt}")
    r.add_get(BATCH + "/summary", api_attendance.summary, name="summary")
    r.add_get(BATCH + "/people", api_attendance.people, name="batch_people")
    r.add_get(BATCH + "/timeline", api_timeline.batch_timeline, name="batch_timeline")

    # identity matching and the review queue (issue 6)
    r.add_post(BATCH + "/match", api_review.match, name="match_pending")
    r.add_get(BATCH + "/review", api_review.queue, name="review_queue")
    # issue 11: the queue by suggested person and decisions in bulk (before `{id}`, which would take them)
    r.add_get(BATCH + "/review/people", api_review.queue_by_person, name="review_by_person")
    r.add_post(BATCH + "/review/accept", api_review.accept, name="review_accept")
    r.add_post(BATCH + "/review/dismiss", api_review.dismiss, name="review_dismiss")
    r.add_post(BATCH + "/review/{id}", api_review.decide, name="review_decide")

    # Zoom: webhooks, online now, who is online and who is not, report sync, personal join links (issue 5)
    r.add_post("/webhooks/zoom", webhooks.zoom_webhook, name="zoom_webhook")
    r.add_get(ZOOM + "/online", api_zoom.online, name="zoom_online")
    r.add_get(ZOOM + "/participants", api_online.participants, name="zoom_participants")
    r.add_post(ZOOM + "/sync", api_zoom.sync, name="zoom_sync")
    r.add_post(ZOOM + "/registrants", api_zoom.registrants, name="zoom_registrants")
    r.add_get("/api/v1/zoom/quarantine", api_zoom.quarantined, name="zoom_quarantine")
    r.add_post("/api/v1/zoom/quarantine/{id}/retry", api_zoom.retry_delivery, name="zoom_retry")

    # YouTube stream, checkpoints and the self-attendance form (issue 7)
    r.add_post(BATCH + "/checkpoints", api_stream.create_checkpoint, name="create_checkpoint")
    r.add_get(BATCH + "/checkpoints", api_stream.list_checkpoints, name="checkpoints")
    r.add_post(
        BATCH + "/checkpoints/{checkpoint}/close", api_stream.close_checkpoint, name="close_checkpoint"
    )
    r.add_get(YOUTUBE, api_stream.stream_state, name="youtube_state")
    r.add_post(YOUTUBE + "/start", api_stream.start_polling, name="youtube_start")
    r.add_post(YOUTUBE + "/stop", api_stream.stop_polling, name="youtube_stop")
    r.add_post(YOUTUBE + "/poll", api_stream.poll_now, name="youtube_poll")
    r.add_get(STREAM, stream_page.stream_page, name="stream_page")
    r.add_post(STREAM + "/checkpoints", stream_page.open_checkpoint, name="stream_open_checkpoint")
    r.add_post(
        STREAM + "/checkpoints/{checkpoint}/close",
        stream_page.close_checkpoint,
        name="stream_close_checkpoint",
    )
    r.add_get("/b/{event}/{code}/hadir", hadir.hadir_form, name="hadir_form")
    r.add_post("/b/{event}/{code}/hadir", hadir.hadir_submit, name="hadir_submit")

    # the organisers' batch page and its forms (issue 13)
    r.add_get(BATCH_PAGE, batch_page.batch_page, name="batch_page")
    r.add_post(BATCH_PAGE + "/finalize", batch_page.finalize, name="batch_page_finalize")
    r.add_post(BATCH_PAGE + "/reopen", batch_page.reopen, name="batch_page_reopen")
    r.add_post(BATCH_PAGE + "/overrides", batch_page.override, name="batch_page_override")
    r.add_post(BATCH_PAGE + "/zoom/sync", batch_page.zoom_sync_report, name="batch_page_zoom_sync")
    r.add_post(
        BATCH_PAGE + "/zoom/registrants", batch_page.zoom_push_registrants, name="batch_page_registrants"
    )
    r.add_post(BATCH_PAGE + "/passes/revoke", batch_page.revoke_pass, name="batch_page_revoke")

    # users and API tokens (issue 13)
    r.add_get("/admin/users", admin.users_page, name="admin_users")
    r.add_post("/admin/users", admin.add_user, name="admin_add_user")
    r.add_post("/admin/users/password", admin.reset_password, name="admin_password")
    r.add_post("/admin/users/disabled", admin.set_disabled, name="admin_disabled")
    r.add_post("/admin/tokens", admin.create_token, name="admin_create_token")
    r.add_post("/admin/tokens/revoke", admin.revoke_token, name="admin_revoke_token")

    r.add_static("/static", STATIC, name="static", append_version=True)
