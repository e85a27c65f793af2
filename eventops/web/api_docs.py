"""The API described: the OpenAPI document and a page that renders it (Swagger UI, vendored under static/)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from eventops.web.access import public
from eventops.web.apidoc import JSON, documented
from eventops.web.openapi import build_document
from eventops.web.render import json_response, render
from eventops.web.strict import static_url, strict

SWAGGER = "vendor/swagger-ui/"
DOCUMENT: web.AppKey[dict[str, Any]] = web.AppKey("openapi_document", dict)


def setup_api_docs(app: web.Application) -> None:
    """A place for the document, built on its first request (the routes are all added by then)."""
    app[DOCUMENT] = {}


@public()
@documented(JSON)
async def openapi_json(request: web.Request) -> web.Response:
    """This document: OpenAPI 3.1, generated from the route table, the handlers' marks and the models.

    Public, like docs/api.md: it describes the routes, never data."""
    cache = request.app[DOCUMENT]
    if not cache:
        cache.update(build_document(request.app))
    response = json_response(cache)
    response.headers["Cache-Control"] = "no-cache"
    return response


@public(page=True)
async def docs_page(request: web.Request) -> web.Response:
    """The API reference, readable: every operation, its role, bodies, answers and error codes."""
    response = render(
        request,
        "api_docs.html",
        spec_url=str(request.app.router["openapi"].url_for()),
        swagger_css=static_url(request, SWAGGER + "swagger-ui.css"),
        swagger_js=static_url(request, SWAGGER + "swagger-ui-bundle.js"),
        init_js=static_url(request, "api_docs.js"),
    )
    return strict(response)
