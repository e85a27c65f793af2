"""The client's address, through the reverse proxies named in EVENTOPS_TRUSTED_PROXIES and no others."""

from __future__ import annotations

from aiohttp import web

from eventops.keys import SETTINGS


def client_address(request: web.Request) -> str:
    """The first address, from the right of X-Forwarded-For, that is not one of our trusted proxies."""
    remote = request.remote or "unknown"
    trusted = request.app[SETTINGS].trusted_proxies
    if remote not in trusted:
        return remote  # a direct client: its X-Forwarded-For is whatever it chose to write
    hops = [
        h.strip() for h in ",".join(request.headers.getall("X-Forwarded-For", [])).split(",") if h.strip()
    ]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop[:64]
    return remote
